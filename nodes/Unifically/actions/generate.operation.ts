import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Batch } from './batch';
import { createAndWaitForCallbacks } from './callbackWait';
import { optionFields, optionsCollection, readOptions } from './options';
import { NOUNS, type Operation } from './operation';
import { MEDIA_RESOURCES } from './resources';
import { GET_LATER, toolOptions, toolTimeout, WAITS } from './toolFields';

const properties = [
	optionsCollection(['binaryPropertyName', 'callbackUrl', 'checkBalance', 'downloadByDefault', 'maxTotalCost', 'timeout', 'waitMode'], {
		resource: MEDIA_RESOURCES,
		operation: ['generate'],
	}),
];

/** Creates a task per item, waits for all of them together, and emits each finished task. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const batch = new Batch(this, this.getInputData().length);
	const options = readOptions(this);
	const requests = await batch.guardSpending(batch.readRequests(), options);
	if (options.waitMode === 'callback') return await createAndWaitForCallbacks(this, batch, requests, options);
	await batch.createAndSettle(requests, (request) => readOptions(this, request.itemIndex).callbackUrl, options);
	return batch.output();
}

export const operation: Operation = {
	value: 'generate',
	name: 'Generate',
	description: 'Create the task, wait for its result and download its files',
	action: (resource) => `Generate ${NOUNS[resource].one}`,
	resources: MEDIA_RESOURCES,
	isDefault: true,
	usesModel: true,
	properties,
	tool: {
		description: (resource) =>
			`Generates ${NOUNS[resource].one} with an AI model through Unifically and returns the task: task_id, status and, once completed, output with the file URLs. The arguments give its inputs (other_inputs lists the inputs each model takes) and, when the tool lets the agent choose, the model. Images, videos and audio are given as public URLs: the tool cannot take binary files. A call waits for the task ${WAITS}: if the task has not finished by then, it returns task_id, status and a note instead. The task goes on: ${GET_LATER}.`,
		properties: [toolOptions([optionFields.callbackUrl, optionFields.maxTotalCost, toolTimeout], { resource: MEDIA_RESOURCES, operation: ['generate'] })],
	},
	execute,
};
