import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Batch } from './batch';
import { optionsCollection, readOptions } from './options';
import { NOUNS, type Operation } from './operation';
import { MEDIA_RESOURCES } from './resources';
import { GET_LATER } from './toolFields';

const properties = [
	optionsCollection(['callbackUrl', 'checkBalance', 'maxTotalCost'], { resource: MEDIA_RESOURCES, operation: ['create'] }),
];

/** Creates a task per item and returns at once with its `task_id`. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const batch = new Batch(this, this.getInputData().length);
	const options = readOptions(this);
	const requests = await batch.guardSpending(batch.readRequests(), options);
	const created = await batch.createTasks(requests, (request) => readOptions(this, request.itemIndex).callbackUrl);
	for (const { request, task } of created) {
		batch.set(request.itemIndex, { task_id: task.task_id, status: task.status, model: request.model });
	}
	return batch.output();
}

export const operation: Operation = {
	value: 'create',
	name: 'Create Task',
	description: 'Create a task and return at once with its task_id',
	action: (resource) => `Create ${NOUNS[resource].task}`,
	resources: MEDIA_RESOURCES,
	usesModel: true,
	properties,
	tool: {
		description: (resource) =>
			`Starts ${NOUNS[resource].one} task with an AI model through Unifically and returns at once with its task_id and status (the arguments give its inputs, files as public URLs, and, when the tool lets the agent choose, the model); ${GET_LATER} (tasks take from seconds to a few minutes).`,
	},
	execute,
};
