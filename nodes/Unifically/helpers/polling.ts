/**
 * Polling: reads tasks until they complete or fail, timing each read by what this process has seen of
 * its model (named as n8n's OpenAI node names its own). The requests themselves are `./tasks`.
 */
import { sleep } from 'n8n-workflow';

import { CancelledError, isTransientReadFailure, type ApiContext, type CancelSignal, type RequestTiming } from '../../shared/transport';
import { getTask, isSettled, isSucceeded, type Task } from '../../shared/transport/tasks';

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
/**
 * A read that waited longer than this for the key (ms, or this share of the task's age) saw its
 * task finished late: it teaches only the lower bound. Alone on the key a read waits at most one
 * interval of its pace (~0.1 s).
 */
const HELD_MS = 300;
const HELD_SHARE = 0.1;

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

/** A finished task's bracket; seen finished late (`doneAge` undefined), only its lower bound. */
function learnDuration(model: ModelTimings, lastPendingAge: number | undefined, doneAge: number | undefined) {
	if (doneAge !== undefined) {
		model.doneAges.push(doneAge);
		if (model.doneAges.length > SAMPLES) model.doneAges.shift();
	}
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
			const askedAt = Date.now();
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
				// A ban held the key while the task ran: seen finished late, the read says only that it was
				// done by then. Learned, one ban aimed the next batch's reads of the model 33 s after its tasks
				// had finished (issue #31, real n8n); its lower bound still holds.
				const banned = (timing.keyPausedUntil ?? 0) > pending.createdAt;
				// The same for a read the key's rate limiter held back (others spend the key): learned, the
				// wait aimed the worker's next batch of the model late, so it joined the key's reads after the
				// other workers and got the smallest share of them (issue #31, real n8n). With nothing learned
				// yet, a late upper bound is still better than none.
				const held = (timing.sentAt ?? askedAt) - askedAt > Math.max(HELD_MS, HELD_SHARE * age);
				const late = banned || (held && model !== undefined && model.doneAges.length > 0);
				if (model && isSucceeded(last)) learnDuration(model, lastPendingAge, late ? undefined : age);
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
