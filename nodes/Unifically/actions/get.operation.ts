import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getTask, isFailed, taskFailedMessage } from '../../shared/transport/tasks';
import { Batch } from './batch';
import { optionsCollection, readOptions } from './options';
import type { Operation } from './operation';
import { taskIdForAgent } from './toolFields';

export const taskIdProperty = (operation: string): INodeProperties => ({
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'abc123def456',
	description: 'The task_id returned when the task was created',
	displayOptions: { show: { resource: ['task'], operation: [operation] } },
});

const properties: INodeProperties[] = [
	taskIdProperty('get'),
	optionsCollection(['binaryPropertyName', 'download'], { resource: ['task'], operation: ['get'] }),
];

export function readTaskId(context: IExecuteFunctions, itemIndex: number): string {
	const taskId = String(context.getNodeParameter('taskId', itemIndex, '') ?? '').trim();
	if (!taskId) {
		throw new NodeOperationError(context.getNode(), 'Parameter "Task ID" (taskId) is required', {
			itemIndex,
		});
	}
	return taskId;
}

/** Reads each task's status and output as it is now; a failed task is an error naming its id. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = this.getInputData().length;
	const batch = new Batch(this, itemCount);
	const options = readOptions(this);
	const taskIds: Array<{ itemIndex: number; taskId: string }> = [];
	for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) {
		try {
			taskIds.push({ itemIndex, taskId: readTaskId(this, itemIndex) });
		} catch (error) {
			batch.fail(itemIndex, error as Error);
		}
	}
	const read = await Promise.all(
		taskIds.map(async ({ itemIndex, taskId }) => {
			try {
				const task = await getTask(this, taskId, itemIndex);
				if (isFailed(task)) {
					const error = new NodeOperationError(this.getNode(), taskFailedMessage(task), {
						itemIndex,
					});
					batch.fail(itemIndex, error, { task_id: task.task_id, status: task.status, model: task.model });
					return undefined;
				}
				return { itemIndex, task };
			} catch (error) {
				batch.fail(itemIndex, error as Error, { task_id: taskId });
				return undefined;
			}
		}),
	);
	// A task still running has no output yet: emitting it downloads nothing.
	await batch.emitTasks(
		read.filter((entry) => entry !== undefined),
		options,
	);
	return batch.output();
}

export const operation: Operation = {
	value: 'get',
	name: 'Get',
	description: 'Get the status and output of a task',
	action: () => 'Get a task',
	resources: ['task'],
	isDefault: true,
	properties,
	tool: {
		description: () =>
			'Reads a Unifically task by its task_id: status (pending, processing, completed or failed) and, once completed, output with the file URLs.',
		properties: [taskIdForAgent('get')],
	},
	execute,
};
