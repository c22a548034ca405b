import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TaskRequest } from '../helpers/input';
import { isSucceeded, type Task } from '../../shared/transport/tasks';
import type { Batch } from './batch';
import { CALLBACK_MARK, callbackStateOf, failedItemJson, readAndRecordFinished, stateKey } from './callbackState';
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
