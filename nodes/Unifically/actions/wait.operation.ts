import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { Batch } from './batch';
import { taskIdProperty, readTaskId } from './get.operation';
import { optionsCollection, readOptions } from './options';
import type { Operation } from './operation';
import { taskIdForAgent, toolOptions, toolTimeout, WAITS } from './toolFields';

const properties = [
	taskIdProperty('wait'),
	optionsCollection(['binaryPropertyName', 'download', 'timeout'], { resource: ['task'], operation: ['wait'] }),
];

/** Waits until each given task completes or fails (or the timeout passes), reading them together. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
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

export const operation: Operation = {
	value: 'wait',
	name: 'Wait for Completion',
	description: 'Wait until a task completes or fails',
	action: () => 'Wait for a task to complete',
	resources: ['task'],
	properties,
	tool: {
		description: () =>
			`Waits until a Unifically task, given by its task_id, has finished, ${WAITS}, and returns it: status and output with the file URLs. If it has not finished by then, it returns task_id, status and a note: call again later.`,
		properties: [taskIdForAgent('wait'), toolOptions([toolTimeout], { resource: ['task'], operation: ['wait'] })],
	},
	execute,
};
