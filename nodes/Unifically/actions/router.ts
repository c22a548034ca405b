import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as create from './create.operation';
import * as estimateCost from './estimateCost.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import { MEDIA_RESOURCES } from './resources';
import * as upload from './upload.operation';
import * as wait from './wait.operation';

type Operation = { execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]> };

const mediaOperations: Record<string, Operation> = { generate, create, estimateCost };
const taskOperations: Record<string, Operation> = { get, wait };
const fileOperations: Record<string, Operation> = { upload };

/** resource/operation → the operation module that runs every input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const operations =
		resource === 'task' ? taskOperations : resource === 'file' ? fileOperations : MEDIA_RESOURCES.includes(resource) ? mediaOperations : {};
	const selected = operations[operation];
	if (!selected) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`);
	}
	return await selected.execute.call(this);
}
