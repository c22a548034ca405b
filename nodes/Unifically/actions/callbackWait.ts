import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { TaskRequest } from '../helpers/input';
import { getTask, isSettled, isSucceeded, taskErrorMessage, taskFromCallback, type Task } from '../helpers/tasks';
import { downloadOutputs } from '../transport/download';
import type { Batch } from './batch';
import type { RunOptions } from './options';

/**
 * "Until Callback" wait mode of Generate. The tasks are created with this execution's resume URL as
 * `callback_url`, and the execution is put to wait in n8n's database (no worker held, survives
 * restarts, works in queue mode). Each task's callback reaches `resumeOnCallback` below; the
 * execution resumes once every task has finished. How n8n behaves here (read from its source):
 * - the resume URL reaches this node's webhook only if it is declared with `restartWebhook: true`;
 * - a webhook call that returns no `workflowData` leaves the execution waiting;
 * - callbacks that arrive before the execution is saved as waiting get 409 and are gone, so the
 *   webhook never relies on having seen every callback: it asks the API about the other tasks;
 * - when the wait times out n8n does not run the node again: the node's input items pass through.
 *   So the input items of the waiting node are replaced by one item per task carrying its `task_id`
 *   and the timeout error: that is what comes out on timeout, and the webhook reads its task list
 *   from the same items.
 */

/** The resume webhook: n8n's waiting-webhook route `/<executionId>/<nodeId>` (as send-and-wait nodes use). */
export const resumeWebhook: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: 'onReceived',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
};

const CALLBACK_MARK = 'waiting_for_callback';

function timeoutItem(itemIndex: number, taskId: string, model: string, timeoutSeconds: number): INodeExecutionData {
	return {
		json: {
			task_id: taskId,
			status: 'pending',
			model,
			error: `Task ${taskId} did not finish within the timeout (${timeoutSeconds} s). It goes on: fetch its result later with Task → Get or Task → Wait.`,
			[CALLBACK_MARK]: true,
		},
		pairedItem: { item: itemIndex },
	};
}

/** Reads tasks newest first and stops at the first unfinished one: usually one read tells. */
async function allFinished(context: IExecuteFunctions | IWebhookFunctions, taskIds: string[], known: Map<string, Task>) {
	for (const taskId of [...taskIds].reverse()) {
		if (known.has(taskId)) continue;
		const task = await getTask(context, taskId);
		if (!isSettled(task)) return false;
		known.set(taskId, task);
	}
	return true;
}

/** Generate in "Until Callback" mode: create, then put the execution to wait (or finish at once). */
export async function createAndWaitForCallbacks(
	context: IExecuteFunctions,
	batch: Batch,
	requests: TaskRequest[],
	options: RunOptions,
): Promise<INodeExecutionData[][]> {
	const callbackUrl = context.getSignedResumeUrl();
	const created = await batch.createTasks(requests, () => callbackUrl);
	const pending = created.map(({ request, task, createdAt }) => ({
		taskId: task.task_id,
		model: request.model,
		itemIndex: request.itemIndex,
		createdAt,
	}));

	// Fast tasks may have finished already: their callbacks met a running execution (409) and are gone.
	if (await allFinished(context, pending.map((task) => task.taskId), new Map())) {
		await batch.settleTasks(
			pending.map((task) => ({ ...task, readNow: true })),
			options,
		);
		return batch.output();
	}

	const timeoutSeconds = Math.round(options.timeoutMs / 1000);
	for (const { taskId, model, itemIndex } of pending) {
		batch.set(itemIndex, { task_id: taskId, status: 'pending', model, [CALLBACK_MARK]: true });
	}
	// What passes through if the wait times out: the tasks, each with its id and the timeout error.
	const [waitingItems] = batch.output();
	const timeoutItems = waitingItems.map((item) =>
		item.json[CALLBACK_MARK]
			? timeoutItem((item.pairedItem as { item: number }).item, String(item.json.task_id), String(item.json.model), timeoutSeconds)
			: item,
	);
	context.getExecuteData().data.main[0] = timeoutItems;
	await context.putExecutionToWait(new Date(Date.now() + options.timeoutMs));
	return [waitingItems];
}

/** The waiting node's input items, as saved with the execution (see the header). */
function waitingItemsOf(context: IWebhookFunctions): INodeExecutionData[] | undefined {
	// n8n's webhook context carries the waiting execution's data; it is not part of the typed interface.
	const runExecutionData = (context as unknown as { runExecutionData?: IRunExecutionData | null }).runExecutionData;
	const nodeName = context.getNode().name;
	const entry = runExecutionData?.executionData?.nodeExecutionStack.find((stacked) => stacked.node.name === nodeName);
	return entry?.data.main?.[0] ?? undefined;
}

/**
 * A task's callback. Answers at once; resumes the execution (returns `workflowData`) only when every
 * task of it has finished, with each task as read from the API — never from the posted body, so a
 * forged callback can neither inject an output nor resume early.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const posted = taskFromCallback(this.getBodyData());
	if (!posted) {
		response.status(400).json({ error: 'The body is not a Unifically task (expected task_id and status)' });
		return { noWebhookResponse: true };
	}
	response.status(200).json({ received: true });

	const items = waitingItemsOf(this);
	if (!items) return { noWebhookResponse: true };
	const tasks = items.filter((item) => item.json[CALLBACK_MARK] && typeof item.json.task_id === 'string');
	const taskIds = tasks.map((item) => String(item.json.task_id));
	if (!taskIds.includes(posted.task_id)) return { noWebhookResponse: true };

	// The posted task is checked last: the others decide whether anything is left to wait for.
	const known = new Map<string, Task>();
	const others = taskIds.filter((taskId) => taskId !== posted.task_id);
	if (!(await allFinished(this, others, known))) return { noWebhookResponse: true };
	if (!(await allFinished(this, [posted.task_id], known))) return { noWebhookResponse: true };

	const options = this.getNodeParameter('options', {}) as { download?: boolean; binaryPropertyName?: string };
	const output: INodeExecutionData[] = [];
	for (const item of items) {
		if (!item.json[CALLBACK_MARK]) {
			output.push(item);
			continue;
		}
		const itemIndex = (item.pairedItem as { item: number } | undefined)?.item ?? output.length;
		const task: Task = { ...known.get(String(item.json.task_id))! };
		if (task.model === undefined) task.model = item.json.model as string;
		if (!isSucceeded(task)) {
			const failure: IDataObject = {
				task_id: task.task_id,
				status: task.status,
				model: task.model,
				error: `Task ${task.task_id} failed: ${taskErrorMessage(task)}`,
			};
			output.push({ json: failure, pairedItem: { item: itemIndex } });
			continue;
		}
		let binary = {};
		if (options.download) {
			try {
				binary = await downloadOutputs(this, task, options.binaryPropertyName?.trim() || 'data', itemIndex);
			} catch (error) {
				task.download_error = (error as Error).message;
			}
		}
		output.push({ json: task, ...(Object.keys(binary).length > 0 ? { binary } : {}), pairedItem: { item: itemIndex } });
	}
	return { noWebhookResponse: true, workflowData: [output] };
}
