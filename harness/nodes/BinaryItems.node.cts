import type { IBinaryKeyData, IDataObject, IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

/** One file of an item: given bytes (base64), or `bytes` of a pattern derived from `seed`. */
export interface BinaryFileSpec {
	fileName: string;
	mimeType: string;
	base64?: string;
	bytes?: number;
	seed?: string;
}

/** The bytes of a pattern file: byte i is derived from the seed, so a test can recompute them. */
export function patternBytes(seed: string, size: number): Buffer {
	const buffer = Buffer.alloc(size);
	let state = 0;
	for (const char of seed) state = (Math.imul(state, 31) + char.charCodeAt(0)) >>> 0;
	for (let index = 0; index < size; index++) {
		state = (Math.imul(state, 1103515245) + 12345) >>> 0;
		buffer[index] = state >>> 24;
	}
	return buffer;
}

/**
 * Test-only node (`test.binaryItems`) that emits items carrying binary data, stored through n8n's
 * own `prepareBinaryData` (inline in default mode, on disk with an id in filesystem mode), as a Read
 * Files or HTTP Request node would. `itemsJson`: `[{ json?, binary: { field: BinaryFileSpec } }]`.
 */
export class BinaryItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Binary Items (test)',
		name: 'binaryItems',
		group: ['transform'],
		version: 1,
		description: 'Emits items with binary files',
		defaults: { name: 'Binary Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Items (JSON)', name: 'itemsJson', type: 'json', default: '[]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('itemsJson', 0) as unknown;
		const list = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ json?: IDataObject; binary?: Record<string, BinaryFileSpec> }>;
		const items: INodeExecutionData[] = [];
		for (const entry of list) {
			const binary: IBinaryKeyData = {};
			for (const [field, file] of Object.entries(entry.binary ?? {})) {
				const bytes = file.base64 !== undefined ? Buffer.from(file.base64, 'base64') : patternBytes(file.seed ?? field, file.bytes ?? 0);
				binary[field] = await this.helpers.prepareBinaryData(bytes, file.fileName, file.mimeType);
			}
			items.push({ json: entry.json ?? {}, binary, pairedItem: { item: 0 } });
		}
		return [items];
	}
}
