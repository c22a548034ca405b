/**
 * "Until Callback", the webhook side: each task's callback reaches `resumeOnCallback` through the
 * execution's resume URL (how and why: callbackWait.ts); the execution resumes once every task has finished.
 */
import type { INodeExecutionData, IRunExecutionData, IWebhookDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { isSucceeded, taskFromCallback, type Task } from '../../shared/transport/tasks';
import { downloadKeepingTask } from '../../shared/transport/download';
import { CALLBACK_MARK, callbackStateOf, failedItemJson, readAndRecordFinished, stateKey, type ExecutionCallbacks } from './callbackState';
import { readOptions } from './options';

/** The resume webhook: n8n's waiting-webhook route `/<executionId>/<nodeId>` (as send-and-wait nodes use). */
export const resumeWebhook: IWebhookDescription = {
	name: 'default',
	httpMethod: 'POST',
	responseMode: 'onReceived',
	path: '={{ $nodeId }}',
	restartWebhook: true,
	isFullPath: true,
};

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
 * forged callback can neither inject an output nor resume early. Each posted task is read once; when
 * no callback is left to read, the other tasks are read newest first, stopping at the first
 * unfinished one (callbacks refused while the execution was still running are lost, see the header);
 * tasks already known finished are not read again. Once the execution has resumed, later callbacks
 * leave it alone.
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

	const state = callbackStateOf(stateKey(this.getExecutionId(), this.getNode().id, taskIds));
	if (state.resumed || state.finished.has(posted.task_id)) return { noWebhookResponse: true };
	state.pending.push(posted.task_id);
	if (state.leading) return { noWebhookResponse: true };
	state.leading = true;
	try {
		return await readForAll(this, state, items, taskIds);
	} finally {
		state.leading = false;
	}
}

/**
 * How long the leader keeps retrying a read that fails transiently (a 5xx, a gateway's page, a
 * network error): the node's timeout. The wait's own end is not known here (n8n clears it before
 * calling the webhook) but comes sooner, so a read is never given up while the execution still
 * waits; one still retrying after n8n resumed the execution on its timeout resumes nothing.
 */
function waitTimeoutMsOf(context: IWebhookFunctions): number {
	try {
		return readOptions(context).timeoutMs;
	} catch {
		// An expression that cannot be evaluated here: the node's default.
		return 900_000;
	}
}

/** The leader's work: reads the posted tasks, then (when none is left) the others; resumes when all have finished. */
async function readForAll(
	context: IWebhookFunctions,
	state: ExecutionCallbacks,
	items: INodeExecutionData[],
	taskIds: string[],
): Promise<IWebhookResponseData> {
	const known = state.finished;
	const retryUntil = Date.now() + waitTimeoutMsOf(context);
	for (;;) {
		try {
			for (let taskId = state.pending.shift(); taskId !== undefined; taskId = state.pending.shift()) {
				await readAndRecordFinished(context, [taskId], known, retryUntil);
			}
			if (!(await readAndRecordFinished(context, taskIds, known, retryUntil))) {
				// Callbacks that came in meanwhile are read now; otherwise keep waiting. (Nothing is
				// awaited between this check and the return: a callback arriving after it leads.)
				if (state.pending.length > 0) continue;
				return { noWebhookResponse: true };
			}
		} catch (error) {
			// The API could not be read: it answered an error, or kept failing for as long as the wait
			// can last. A webhook that throws makes n8n fail the whole waiting execution, so keep waiting:
			// the next callback, or the timeout (which emits every task_id), takes it from here.
			context.logger.warn(`Unifically: a callback could not check the tasks with the API: ${(error as Error).message}`);
			if (state.pending.length > 0) continue;
			return { noWebhookResponse: true };
		}
		const output = await finishedItems(context, items, known);
		state.resumed = true;
		return { noWebhookResponse: true, workflowData: [output] };
	}
}

/** The node's output on resume: each task as read from the API (failed ones as error items), other items as they were. */
async function finishedItems(context: IWebhookFunctions, items: INodeExecutionData[], known: Map<string, Task>) {
	const options = readOptions(context);
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
			output.push({ json: failedItemJson(task), pairedItem: { item: itemIndex } });
			continue;
		}
		const emitted = options.download ? await downloadKeepingTask(context, task, options.binaryPropertyName, itemIndex) : { task };
		output.push({
			json: emitted.task,
			...(emitted.binary ? { binary: emitted.binary } : {}),
			pairedItem: { item: itemIndex },
		});
	}
	return output;
}
