import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { Batch } from './batch';
import { createAndWaitForCallbacks } from './callbackWait';
import { optionsCollection, readOptions } from './options';
import { MEDIA_RESOURCES } from './resources';

export const description: INodeProperties[] = [
	optionsCollection(['binaryPropertyName', 'callbackUrl', 'checkBalance', 'downloadByDefault', 'maxTotalCost', 'timeout', 'waitMode'], {
		resource: MEDIA_RESOURCES,
		operation: ['generate'],
	}),
];

/** Creates a task per item, waits for all of them together, and emits each finished task. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const batch = new Batch(this, this.getInputData().length);
	const options = readOptions(this);
	const requests = await batch.guardSpending(batch.readRequests(), options);
	if (options.waitMode === 'callback') return await createAndWaitForCallbacks(this, batch, requests, options);
	await batch.createAndSettle(requests, (request) => readOptions(this, request.itemIndex).callbackUrl, options);
	return batch.output();
}
