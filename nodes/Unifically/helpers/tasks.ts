import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	apiRequest,
	CancelledError,
	isTransientReadFailure,
	type ApiContext,
	type CancelSignal,
	type RequestTiming,
} from '../transport';
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

/**
 * Reads a task. With `retryUntil` (ms since epoch), a read that fails transiently (5xx, a gateway's
 * page, a network error or timeout, 429) is retried with backoff until then, not a fixed number of times.
 */
export async function getTask(
	context: ApiContext,
	taskId: string,
	itemIndex?: number,
	timing?: RequestTiming,
	retryUntil?: number,
): Promise<Task> {
	const data = await apiRequest<IDataObject>(
		context,
		'status',
		'GET',
		`/v1/tasks/${encodeURIComponent(taskId)}`,
		undefined,
		itemIndex,
		undefined,
		timing,
		retryUntil,
	);
	return { ...data, task_id: String(data.task_id ?? taskId), status: String(data.status ?? 'unknown') };
}

/**
 * When to read a task. Status reads share one budget per key (10/s), and at a thousand items that
 * budget sets the pace: a read that finds the task unfinished is budget lost. So reads go by what
 * this process has seen of the model's tasks: each finished task brackets its duration between the
 * age it was last seen unfinished and the age it was seen finished. A task's first read is aimed a
 * little past the bracket's upper quarter (tight brackets aim just past the duration; a read that
 * still finds it unfinished tightens the bracket for the next ones). While a model's duration is
 * unknown, one task (the scout) polls with backoff and the others of that model wait for what it
 * learns, instead of all reading early. A task slower than every finished one backs off.
 */
interface ModelTimings {
	/** Ages (ms after create) at which recent tasks were first seen finished: upper bounds. */
	doneAges: number[];
	/** Ages at which recent tasks that then finished were last seen unfinished: lower bounds. */
	pendingAges: number[];
	/** A task is finding out how long this model takes; the others wait for it. */
	scouting: boolean;
	/** The tasks waiting for the scout. */
	waiting: Array<() => void>;
}

const timings = new Map<string, ModelTimings>();
const SAMPLES = 20;
const DEFAULT_FIRST_READ_MS = 2000;
const READ_INTERVALS_MS = [2000, 3000, 5000, 8000, 13_000, 20_000, 30_000];
const SCOUT_MIN_STEP_MS = 500;
const SCOUT_STEP = 0.1;
/** How long a task waits for its model's scout before looking again (the scout may be stuck). */
const SCOUT_WAIT_MS = 5000;

function timingsOf(model: string): ModelTimings {
	let found = timings.get(model);
	if (!found) {
		found = { doneAges: [], pendingAges: [], scouting: false, waiting: [] };
		timings.set(model, found);
	}
	return found;
}

/** When (ms after create) to read a task of this model next, or undefined when nothing fits it. */
function expectedReadAgeMs(model: ModelTimings, ownPendingAge: number | undefined): number | undefined {
	if (model.doneAges.length === 0) return undefined;
	const upper = Math.min(...model.doneAges);
	// Slower than every finished task of the model: nothing to aim at, back off.
	if (ownPendingAge !== undefined && ownPendingAge >= upper) return undefined;
	const lower = Math.max(ownPendingAge ?? 0, ...model.pendingAges.filter((age) => age < upper));
	const aim = lower + 0.75 * (upper - lower);
	return aim + Math.max(50, 0.02 * aim);
}

function learnDuration(model: ModelTimings, lastPendingAge: number | undefined, doneAge: number) {
	model.doneAges.push(doneAge);
	if (model.doneAges.length > SAMPLES) model.doneAges.shift();
	if (lastPendingAge !== undefined) {
		model.pendingAges.push(lastPendingAge);
		if (model.pendingAges.length > SAMPLES) model.pendingAges.shift();
	}
}

function endScouting(model: ModelTimings) {
	model.scouting = false;
	for (const wake of model.waiting.splice(0)) wake();
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
	/** `readError`: the last read's failure, when the reads were still failing at the deadline. */
	| { kind: 'timedOut'; task: Task; readError?: Error }
	| { kind: 'error'; error: Error; task: Task };

/**
 * Polls every task until it completes or fails, or until `timeoutMs` after its creation. All tasks
 * are polled together (each read waits its turn in the key's rate limiter), so a batch takes about
 * as long as its slowest task. A read that fails transiently (5xx, a gateway's page, a network error
 * or timeout) only delays its task: it is retried with backoff until the task's deadline, where the
 * task times out with the last read error (the task exists and is paid for: never ended early). An
 * error the API answers (400, 401, 402, 403, 404 …) ends only that task's polling, with its id kept.
 */
export async function pollUntilSettled(
	context: ApiContext,
	tasks: PendingTask[],
	timeoutMs: number,
	cancel?: CancelSignal,
): Promise<PollOutcome[]> {
	return await Promise.all(tasks.map(async (pending) => await pollOne(context, pending, timeoutMs, cancel)));
}

async function pollOne(
	context: ApiContext,
	pending: PendingTask,
	timeoutMs: number,
	cancel?: CancelSignal,
): Promise<PollOutcome> {
	const deadline = pending.createdAt + timeoutMs;
	const model = pending.model ? timingsOf(pending.model) : undefined;
	let scout = false;
	let last: Task = { task_id: pending.taskId, status: 'pending' };
	let lastPendingAge: number | undefined;
	let lastReadAt: number | undefined;
	let backoff = 0;
	const nextBackoff = () => READ_INTERVALS_MS[Math.min(backoff++, READ_INTERVALS_MS.length - 1)];
	const stopScouting = () => {
		if (scout && model) endScouting(model);
		scout = false;
	};

	try {
		for (;;) {
			let readAt: number;
			const expected = model ? expectedReadAgeMs(model, lastPendingAge) : undefined;
			if (pending.readNow && lastReadAt === undefined) {
				readAt = Date.now();
			} else if (expected !== undefined) {
				readAt = pending.createdAt + expected;
				// Unfinished at the aim: look again a little later, not at once.
				if (lastPendingAge !== undefined) readAt = Math.max(readAt, Date.now() + Math.max(200, 0.03 * lastPendingAge));
			} else if (model && model.doneAges.length === 0 && model.scouting && !scout && Date.now() < deadline) {
				// Another task of this model is finding out how long it takes: wait for what it learns.
				await Promise.race([
					new Promise<void>((resolve) => model.waiting.push(resolve)),
					sleep(Math.min(SCOUT_WAIT_MS, deadline - Date.now())),
				]);
				continue;
			} else {
				if (model && model.doneAges.length === 0 && !model.scouting) {
					model.scouting = true;
					scout = true;
				}
				if (lastReadAt === undefined) readAt = pending.createdAt + DEFAULT_FIRST_READ_MS;
				// The scout looks often (every 10 % of the task's age): until it learns, no other task of
				// the model is read, and when the read budget is the bottleneck every task of the batch
				// ends up read at about the age the scout saw it finished.
				else if (scout) readAt = lastReadAt + Math.max(SCOUT_MIN_STEP_MS, SCOUT_STEP * (lastPendingAge ?? 0));
				else readAt = lastReadAt + nextBackoff();
			}
			readAt = Math.min(readAt, deadline);
			const waitMs = readAt - Date.now();
			if (waitMs > 0) await sleep(waitMs);
			const timing: RequestTiming = {};
			try {
				if (cancel?.cancelled) throw new CancelledError();
				last = await getTask(context, pending.taskId, pending.itemIndex, timing, deadline);
			} catch (error) {
				// Transient failures were retried until the deadline (see getTask): the task timed out.
				if (isTransientReadFailure(error)) return { kind: 'timedOut', task: last, readError: error as Error };
				return { kind: 'error', error: error as Error, task: last };
			}
			if (pending.model && last.model === undefined) last.model = pending.model;
			const now = Date.now();
			// The task's age when the API looked: when the read was sent, not when it was let through
			// the rate limiter's queue nor when its answer was handled (both late on a busy process).
			const age = (timing.sentAt ?? now) - pending.createdAt;
			if (isSettled(last)) {
				if (model && isSucceeded(last)) learnDuration(model, lastPendingAge, age);
				return { kind: 'settled', task: last };
			}
			lastPendingAge = age;
			lastReadAt = now;
			if (now >= deadline) return { kind: 'timedOut', task: last };
		}
	} finally {
		stopScouting();
	}
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
