import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { Batch } from './batch';
import { optionsCollection, readOptions } from './options';
import { MEDIA_RESOURCES } from './resources';

export const description: INodeProperties[] = [
	optionsCollection(['callbackUrl', 'checkBalance', 'maxTotalCost'], { resource: MEDIA_RESOURCES, operation: ['create'] }),
];

/** Creates a task per item and returns at once with its `task_id`. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const batch = new Batch(this, this.getInputData().length);
	const options = readOptions(this);
	const requests = await batch.guardSpending(batch.readRequests(), options);
	const created = await batch.createTasks(requests, (request) => readOptions(this, request.itemIndex).callbackUrl);
	for (const { request, task } of created) {
		batch.set(request.itemIndex, { task_id: task.task_id, status: task.status, model: request.model });
	}
	return batch.output();
}
