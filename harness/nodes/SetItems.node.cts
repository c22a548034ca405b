import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * Test-only node (`test.items`) that outputs the items written in its `itemsJson`
 * parameter: a JSON array of objects, each becoming one item's `json`.
 * A single object is accepted too. Every output item is paired with input item 0
 * (the trigger's item), which is what n8n's Set/Code nodes do for fresh items.
 */
export class SetItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Set Items (test)',
		name: 'items',
		group: ['transform'],
		version: 1,
		description: 'Emits the items given as JSON',
		defaults: { name: 'Set Items' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [
			{
				displayName: 'Items (JSON)',
				name: 'itemsJson',
				type: 'json',
				default: '[]',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('itemsJson', 0) as unknown;
		let parsed: unknown = raw;
		if (typeof raw === 'string') {
			try {
				parsed = JSON.parse(raw);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), `itemsJson is not valid JSON: ${(error as Error).message}`);
			}
		}
		const list = Array.isArray(parsed) ? parsed : [parsed];
		const hasInput = this.getInputData().length > 0;
		return [
			list.map((json, index) => {
				if (json === null || typeof json !== 'object' || Array.isArray(json)) {
					throw new NodeOperationError(this.getNode(), `itemsJson[${index}] must be an object`);
				}
				return {
					json: json as IDataObject,
					...(hasInput ? { pairedItem: { item: 0 } } : {}),
				};
			}),
		];
	}
}
