import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { uploadBinary } from '../../shared/transport/upload';
import { Batch } from './batch';
import type { Operation } from './operation';

/** File → Upload: one field, the item's binary field. */
const properties: INodeProperties[] = [
	{
		displayName: 'Input Data Field Name',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		typeOptions: { binaryDataProperty: true },
		hint: 'The name of the input binary field containing the file to upload',
		description: 'The file is uploaded to the Upload URL of the Unifically credential; its URL (file_url) can then be any model\'s image, video or audio input',
		displayOptions: { show: { resource: ['file'], operation: ['upload'] } },
	},
];

/** Uploads each item's file (a few at a time) and returns `{file_url, file_name, mime_type, size}` per item. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const batch = new Batch(this, itemCount);
	await Promise.all(
		Array.from({ length: itemCount }, async (_, itemIndex) => {
			const field = String(this.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim();
			try {
				if (!field) {
					throw new NodeOperationError(this.getNode(), 'Parameter "Input Data Field Name" (binaryPropertyName) is required', { itemIndex });
				}
				const uploaded = await uploadBinary(this, itemIndex, field);
				batch.set(itemIndex, { ...uploaded });
			} catch (error) {
				batch.fail(itemIndex, error as Error);
			}
		}),
	);
	return batch.output();
}

export const operation: Operation = {
	value: 'upload',
	name: 'Upload',
	description: "Upload a binary file of the item to Unifically's storage and return its URL",
	action: () => 'Upload a file',
	resources: ['file'],
	isDefault: true,
	properties,
	execute,
};
