import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { Batch } from './batch';
import { taskIdProperty, readTaskId } from './get.operation';
import { optionsCollection, readOptions } from './options';

export const description: INodeProperties[] = [
	taskIdProperty('wait'),
	optionsCollection(['binaryPropertyName', 'download', 'timeout'], { resource: ['task'], operation: ['wait'] }),
];

/** Waits until each given task completes or fails (or the timeout passes), reading them together. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const batch = new Batch(this, itemCount);
	const options = readOptions(this);
	const pending = [];
	const startedAt = Date.now();
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			pending.push({ itemIndex, taskId: readTaskId(this, itemIndex), createdAt: startedAt, readNow: true });
		} catch (error) {
			batch.fail(itemIndex, error as Error);
		}
	}
	await batch.settleTasks(pending, options);
	return batch.output();
}
