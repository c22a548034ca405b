import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IRunExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TaskRequest } from '../helpers/input';
import { getTask, isSettled, isSucceeded, taskFailedMessage, taskFromCallback, type Task } from '../../shared/transport/tasks';
import { downloadKeepingTask } from '../../shared/transport/download';
import type { Batch } from './batch';
import type { RunOptions } from './options';

/**
 * "Until Callback" wait mode of Generate. The tasks are created with this execution's resume URL as
 * `callback_url`, and the execution is put to wait in n8n's database (no worker held, survives
 * restarts, works in queue mode). Each task's callback reaches `resumeOnCallback` below; the
 * execution resumes once every task has finished. How n8n behaves here (read from its source, and
 * shown by test/e2e/callback-wait.test.cts in a real n8n 2.41):
 * - the resume URL is `$execution.resumeUrl` (`<base>/webhook-waiting/<executionId>?signature=<token>`)
 *   with this node's id appended to the path. The token is the execution's `resumeToken` and n8n
 *   answers 401 "Invalid token" without it. `getSignedResumeUrl()` is NOT usable here: its HMAC
 *   signature is accepted only for nodes whose `operation` is `sendAndWait`; for any other node
 *   n8n 2.x compares the `signature` parameter with the execution's `resumeToken`;
 * - the resume URL reaches this node's webhook only if it is declared with `restartWebhook: true`,
 *   and its path (`{{ $nodeId }}`) must equal the URL's last segment;
 * - a webhook call that returns no `workflowData` leaves the execution waiting; one that returns it
 *   resumes the execution, claimed atomically (status waiting → running), so two callbacks racing
 *   cannot resume it twice;
 * - callbacks that arrive before the execution is saved as waiting get 409, and those that arrive
 *   while n8n is down find nobody: both are gone (the API sends each callback once). So the webhook
 *   never relies on having seen every callback: it asks the API about the other tasks, and the node
 *   itself checks once, after creating, whether every task has already finished (then it emits them
 *   without waiting). What remains: if the LAST task's callback is lost, the execution waits until
 *   the timeout;
 * - when the wait times out n8n does not run the node again (WorkflowExecute.handleWaitingState
 *   disables it): the node's input items pass through, and no final status read is possible. So the
 *   input items of the waiting node are replaced by one item per task carrying its `task_id`, status
 *   `pending` and the timeout error: that is what comes out on timeout, and the webhook reads its
 *   task list from the same items. n8n's wait tracker looks for due executions every 60 s, so a
 *   timed-out execution goes on up to about a minute after its timeout.
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

/** A failed task as this mode emits it, on both paths: an item, not the node's error. */
function failedItemJson(task: Task): IDataObject {
	return { task_id: task.task_id, status: task.status, model: task.model, error: taskFailedMessage(task) };
}

/** This execution's resume URL for this node's webhook (see the header). */
function resumeUrlOf(context: IExecuteFunctions): string {
	const resumeUrl = context.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof resumeUrl !== 'string' || !/^https?:\/\//.test(resumeUrl)) {
		throw new NodeOperationError(context.getNode(), 'Wait Mode "Until Callback" needs the execution\'s resume URL, and n8n gave none', {
			description: 'Use Wait Mode "Poll", or run the workflow from a saved workflow in n8n.',
		});
	}
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${encodeURIComponent(context.getNode().id)}`;
	return url.toString();
}

/**
 * Reads from the API each task not yet in `known`, newest first, and records every finished one in
 * `known`; stops at the first unfinished one (usually one read tells). True when every task of
 * `taskIds` is finished. With `retryUntil`, a read failing transiently is retried with backoff until
 * then (see getTask).
 */
async function readAndRecordFinished(
	context: IExecuteFunctions | IWebhookFunctions,
	taskIds: string[],
	known: Map<string, Task>,
	retryUntil?: number,
) {
	for (const taskId of [...taskIds].reverse()) {
		if (known.has(taskId)) continue;
		const task = await getTask(context, taskId, undefined, undefined, retryUntil);
		if (!isSettled(task)) return false;
		known.set(taskId, task);
	}
	return true;
}

/**
 * The check after creating: have the tasks finished already (readAndRecordFinished)? A read that
 * still fails after the transport's retries counts as "not yet", and is no reason to end the node
 * (every task exists and is paid for): the execution goes to wait, and the callbacks (or, at worst,
 * the timeout, which emits every task_id) take it from there.
 */
async function checkAfterCreating(context: IExecuteFunctions, taskIds: string[], known: Map<string, Task>) {
	try {
		return await readAndRecordFinished(context, taskIds, known);
	} catch (error) {
		context.logger.warn(`Unifically: could not check the tasks with the API after creating them; waiting for their callbacks: ${(error as Error).message}`);
		return false;
	}
}

/** Generate in "Until Callback" mode: create, then put the execution to wait (or finish at once). */
export async function createAndWaitForCallbacks(
	context: IExecuteFunctions,
	batch: Batch,
	requests: TaskRequest[],
	options: RunOptions,
): Promise<INodeExecutionData[][]> {
	const callbackUrl = resumeUrlOf(context);
	const created = await batch.createTasks(requests, () => callbackUrl);
	const pending = created.map(({ request, task, createdAt }) => ({
		taskId: task.task_id,
		model: request.model,
		itemIndex: request.itemIndex,
		createdAt,
	}));

	// Fast tasks may have finished already: their callbacks met a running execution (409) and are gone.
	// What this check learns is kept for the callbacks (same process: see ExecutionCallbacks).
	const taskIds = pending.map((task) => task.taskId);
	const { finished } = callbackStateOf(stateKey(context.getExecutionId(), context.getNode().id, taskIds));
	if (await checkAfterCreating(context, taskIds, finished)) {
		// Emitted as just read: no second read of each task. A failed task is an item with its error, as
		// on resume (the resumed execution cannot fail), so the mode behaves one way whenever tasks end.
		const settled = pending.map((task) => ({ ...task, task: { model: task.model, ...finished.get(task.taskId)! } }));
		for (const { itemIndex, task } of settled.filter(({ task }) => !isSucceeded(task))) batch.set(itemIndex, failedItemJson(task));
		const succeeded = settled.filter(({ task }) => isSucceeded(task));
		await batch.recordOutcomes(
			succeeded,
			succeeded.map(({ task }) => ({ kind: 'settled' as const, task })),
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
 * What this n8n process has learned about one waiting execution's tasks. Callbacks of a batch tend to
 * arrive together; each used to read every other task from the API (n callbacks × n reads, enough to
 * hit the API's 10 reads/s and its 60 s ban). Here a finished task never changes, so it is read once,
 * and one callback at a time (the "leader") does the reading for all: the others answer, leave their
 * task id in `pending` and return at once. That matters in n8n 2.x: every webhook call holds an
 * expression isolate of its own (a fresh V8 isolate) for as long as the node's webhook() runs, so 100
 * calls each waiting for their turn to read would keep 100 isolates alive. Per process only (in queue
 * mode each webhook process learns on its own); forgotten after an hour unused.
 */
interface ExecutionCallbacks {
	finished: Map<string, Task>;
	/** Task ids whose callback arrived and that the leader has not read yet. */
	pending: string[];
	/** A call is reading for all (see above). */
	leading: boolean;
	resumed: boolean;
	usedAt: number;
}

const STATE_TTL_MS = 60 * 60_000;
const callbackStates = new Map<string, ExecutionCallbacks>();

const stateKey = (executionId: string, nodeId: string, taskIds: string[]) => `${executionId}\u0000${nodeId}\u0000${taskIds.join(',')}`;

function callbackStateOf(key: string): ExecutionCallbacks {
	const now = Date.now();
	for (const [other, state] of callbackStates) if (now - state.usedAt > STATE_TTL_MS) callbackStates.delete(other);
	let state = callbackStates.get(key);
	if (!state) {
		state = { finished: new Map(), pending: [], leading: false, resumed: false, usedAt: now };
		callbackStates.set(key, state);
	}
	state.usedAt = now;
	return state;
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
	let timeout: unknown;
	try {
		timeout = (context.getNodeParameter('options', {}) as { timeout?: unknown }).timeout;
	} catch {
		// An expression that cannot be evaluated here: the default below.
	}
	return Math.max(1, Number(timeout) || 900) * 1000;
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
	const options = context.getNodeParameter('options', {}) as { download?: boolean; binaryPropertyName?: string };
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
		// Generate downloads unless told not to (as readOptions: `options.download` defaults to true for Generate).
		const emitted = options.download !== false
			? await downloadKeepingTask(context, task, options.binaryPropertyName?.trim() || 'data', itemIndex)
			: { task };
		output.push({
			json: emitted.task,
			...(emitted.binary ? { binary: emitted.binary } : {}),
			pairedItem: { item: itemIndex },
		});
	}
	return output;
}
