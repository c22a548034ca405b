import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { apiRequest, CancelledError, type ApiContext, type CancelSignal } from '../transport';
import type { TaskRequest } from './input';

/** The API's task object, unwrapped from `data`. */
export interface Task extends IDataObject {
	task_id: string;
	status: string;
}

const SUCCEEDED = new Set(['completed', 'succeeded', 'success', 'done']);
const FAILED = new Set(['failed', 'error', 'cancelled', 'canceled', 'expired']);

export const isSucceeded = (task: Task) => SUCCEEDED.has(String(task.status).toLowerCase());
export const isFailed = (task: Task) => FAILED.has(String(task.status).toLowerCase());
export const isSettled = (task: Task) => isSucceeded(task) || isFailed(task);

/** The failure message a failed task carries, whatever shape the API gives it. */
export function taskErrorMessage(task: IDataObject): string {
	const error = task.error ?? task.message ?? task.error_message;
	if (typeof error === 'string' && error) return error;
	if (error && typeof error === 'object') {
		const message = (error as IDataObject).message;
		return typeof message === 'string' ? message : JSON.stringify(error);
	}
	return `status "${String(task.status)}"`;
}

/**
 * A callback arrives wrapped (`{code, success, data: {...}}`) or bare (`{task_id, status, ...}`).
 * Returns the task object, or undefined when the body is not a task.
 */
export function taskFromCallback(body: unknown): Task | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const envelope = body as IDataObject;
	const candidate =
		typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data)
			? (envelope.data as IDataObject)
			: envelope;
	const taskId = candidate.task_id ?? candidate.id;
	if ((typeof taskId !== 'string' && typeof taskId !== 'number') || String(taskId) === '') return undefined;
	if (typeof candidate.status !== 'string' || candidate.status === '') return undefined;
	return { ...candidate, task_id: String(taskId), status: candidate.status };
}

/** "Task abc123 failed: <the API's reason>" — the same words wherever a failed task is reported. */
export const taskFailedMessage = (task: Task) => `Task ${task.task_id} failed: ${taskErrorMessage(task)}`;

export async function createTask(
	context: ApiContext,
	request: TaskRequest,
	callbackUrl?: string,
	cancel?: CancelSignal,
): Promise<Task> {
	const body: IDataObject = { model: request.model, input: request.input };
	if (callbackUrl) body.callback_url = callbackUrl;
	const data = await apiRequest<IDataObject>(context, 'create', 'POST', '/v1/tasks', body, request.itemIndex, cancel);
	const taskId = data.task_id ?? data.id;
	if (typeof taskId !== 'string' && typeof taskId !== 'number') {
		throw new Error(`The API accepted the task but returned no task_id: ${JSON.stringify(data).slice(0, 300)}`);
	}
	return { ...data, task_id: String(taskId), status: String(data.status ?? 'pending') };
}

export async function estimateCost(
	context: ApiContext,
	request: TaskRequest,
	cancel?: CancelSignal,
): Promise<number> {
	const body: IDataObject = { model: request.model, input: request.input, dry_run: true };
	const data = await apiRequest<IDataObject>(context, 'create', 'POST', '/v1/tasks', body, request.itemIndex, cancel);
	const cost = Number(data.cost ?? data.price ?? data.estimated_cost);
	if (!Number.isFinite(cost)) throw new Error(`The API returned no cost: ${JSON.stringify(data).slice(0, 300)}`);
	return cost;
}

export async function getTask(context: ApiContext, taskId: string, itemIndex?: number): Promise<Task> {
	const data = await apiRequest<IDataObject>(
		context,
		'status',
		'GET',
		`/v1/tasks/${encodeURIComponent(taskId)}`,
		undefined,
		itemIndex,
	);
	return { ...data, task_id: String(data.task_id ?? taskId), status: String(data.status ?? 'unknown') };
}

/**
 * When to read a task first. A read that comes too early is wasted budget (10 reads/s for the whole
 * key), so the first read waits for the fastest completion seen for this model in this process, and
 * later reads back off. Until a model has been seen, reads start early and back off.
 */
const fastestCompletionMs = new Map<string, number[]>();
const DEFAULT_FIRST_READ_MS = 2000;
const READ_INTERVALS_MS = [2000, 3000, 5000, 8000, 13_000, 20_000, 30_000];

function firstReadDelayMs(model: string | undefined): number {
	const seen = model ? fastestCompletionMs.get(model) : undefined;
	if (!seen || seen.length === 0) return DEFAULT_FIRST_READ_MS;
	return Math.min(120_000, Math.max(1000, Math.min(...seen)));
}

function learnCompletion(model: string | undefined, ageMs: number) {
	if (!model) return;
	const seen = fastestCompletionMs.get(model) ?? [];
	seen.push(ageMs);
	if (seen.length > 20) seen.shift();
	fastestCompletionMs.set(model, seen);
}

export interface PendingTask {
	taskId: string;
	model?: string;
	itemIndex: number;
	/** When the task was created (ms since epoch): reads and the timeout are counted from it. */
	createdAt: number;
	/** Read at once instead of after the model's typical duration (a task created elsewhere). */
	readNow?: boolean;
}

export type PollOutcome =
	| { kind: 'settled'; task: Task }
	| { kind: 'timedOut'; task: Task }
	| { kind: 'error'; error: Error; task: Task };

/**
 * Polls every task until it completes or fails, or until `timeoutMs` after its creation. All tasks
 * are polled together (each read waits its turn in the key's rate limiter), so a batch takes about
 * as long as its slowest task. A read error ends only that task's polling, with its id kept.
 */
export async function pollUntilSettled(
	context: ApiContext,
	tasks: PendingTask[],
	timeoutMs: number,
	cancel?: CancelSignal,
): Promise<PollOutcome[]> {
	return await Promise.all(
		tasks.map(async (pending): Promise<PollOutcome> => {
			const deadline = pending.createdAt + timeoutMs;
			let nextReadAt = pending.readNow
				? Date.now()
				: pending.createdAt + Math.min(firstReadDelayMs(pending.model), timeoutMs);
			let last: Task = { task_id: pending.taskId, status: 'pending' };
			let lastPendingAge: number | undefined;
			for (let read = 0; ; read++) {
				const waitMs = nextReadAt - Date.now();
				if (waitMs > 0) await sleep(waitMs);
				try {
					if (cancel?.cancelled) throw new CancelledError();
					last = await getTask(context, pending.taskId, pending.itemIndex);
				} catch (error) {
					return { kind: 'error', error: error as Error, task: last };
				}
				if (pending.model && last.model === undefined) last.model = pending.model;
				if (isSettled(last)) {
					// It finished between the previous read and this one: learn the middle of that span.
					const age = Date.now() - pending.createdAt;
					if (isSucceeded(last)) learnCompletion(pending.model, lastPendingAge === undefined ? age : (lastPendingAge + age) / 2);
					return { kind: 'settled', task: last };
				}
				const now = Date.now();
				lastPendingAge = now - pending.createdAt;
				if (now >= deadline) return { kind: 'timedOut', task: last };
				nextReadAt = Math.min(deadline, now + READ_INTERVALS_MS[Math.min(read, READ_INTERVALS_MS.length - 1)]);
			}
		}),
	);
}

/** Every http(s) URL in a task's output, in order, once each (outputs come in many shapes). */
export function outputUrls(output: unknown): string[] {
	const urls: string[] = [];
	const visit = (value: unknown) => {
		if (typeof value === 'string') {
			if (/^https?:\/\//i.test(value) && !urls.includes(value)) urls.push(value);
		} else if (Array.isArray(value)) {
			value.forEach(visit);
		} else if (value && typeof value === 'object') {
			Object.values(value).forEach(visit);
		}
	};
	visit(output);
	return urls;
}

/** Runs `work` over `values` with at most `limit` at a time, keeping order. */
export async function mapWithConcurrency<T, R>(
	values: T[],
	limit: number,
	work: (value: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(values.length);
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, values.length) }, async () => {
		while (next < values.length) {
			const index = next++;
			results[index] = await work(values[index], index);
		}
	});
	await Promise.all(workers);
	return results;
}
