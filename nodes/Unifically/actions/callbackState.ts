/**
 * "Until Callback": what both sides share, the execute side (callbackWait.ts) and the webhook side
 * (callbackResume.ts): the mark of a waiting task's item, a failed task's item, the reads that record
 * finished tasks, and what this n8n process has learned about each waiting execution.
 */
import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { getTask, isSettled, taskFailedMessage, type Task } from '../../shared/transport/tasks';

/** Marks the item of a task the execution waits for (its `task_id` is read from it on resume). */
export const CALLBACK_MARK = 'waiting_for_callback';

/** A failed task as this mode emits it, on both paths: an item, not the node's error. */
export function failedItemJson(task: Task): IDataObject {
	return { task_id: task.task_id, status: task.status, model: task.model, error: taskFailedMessage(task) };
}

/**
 * Reads from the API each task not yet in `known`, newest first, and records every finished one in
 * `known`; stops at the first unfinished one (usually one read tells). True when every task of
 * `taskIds` is finished. With `retryUntil`, a read failing transiently is retried with backoff until
 * then (see getTask).
 */
export async function readAndRecordFinished(
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
 * What this n8n process has learned about one waiting execution's tasks. Callbacks of a batch tend to
 * arrive together; each reading every other task would make n × n reads, enough to hit the API's
 * 10 reads/s and its 60 s ban. A finished task never changes, so it is read once,
 * and one callback at a time (the "leader") does the reading for all: the others answer, leave their
 * task id in `pending` and return at once. That matters in n8n 2.x: every webhook call holds an
 * expression isolate of its own (a fresh V8 isolate) for as long as the node's webhook() runs, so 100
 * calls each waiting for their turn to read would keep 100 isolates alive. Per process only (in queue
 * mode each webhook process learns on its own); forgotten after an hour unused.
 */
export interface ExecutionCallbacks {
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

export const stateKey = (executionId: string, nodeId: string, taskIds: string[]) => `${executionId}\u0000${nodeId}\u0000${taskIds.join(',')}`;

export function callbackStateOf(key: string): ExecutionCallbacks {
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

