import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as account from './account.operation';
import * as create from './create.operation';
import * as estimateCost from './estimateCost.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import { MEDIA_RESOURCES } from './resources';
import * as upload from './upload.operation';
import * as wait from './wait.operation';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const mediaOperations: Record<string, Operation> = { generate, create, estimateCost };

/** resource → its operations (the media resources share theirs). */
const operationsOf: Record<string, Record<string, Operation>> = {
	...Object.fromEntries(MEDIA_RESOURCES.map((resource) => [resource, mediaOperations])),
	task: { get, wait },
	file: { upload },
	account: { get: account },
};

/** resource/operation → the operation module that runs every input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const selected = operationsOf[resource]?.[operation];
	if (!selected) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}
	return await selected.execute.call(this);
}
