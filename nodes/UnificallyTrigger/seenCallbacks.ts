/**
 * Which callbacks this n8n process has already taken, so each task is emitted once per status even
 * when the sender (or a proxy) delivers the same callback twice, or a `processing` callback is
 * verified after the task has completed.
 *
 * A claim is taken synchronously when a callback arrives (before any await), so two deliveries racing
 * each other cannot both pass. Keys are `workflow + node + task_id + status group`.
 *
 * Limits (stated in the README): the memory is this process's only. It is gone after n8n restarts,
 * and in queue mode with several webhook processes each one remembers its own callbacks. Workflow
 * static data is not used: n8n loads it when a call arrives and saves it whole when the call is done,
 * so callbacks handled at the same time overwrite each other's marks (and every callback would cost
 * a database write). Bounded: at most MAX_ENTRIES keys, each forgotten after TTL_MS.
 */
import { sleep } from 'n8n-workflow';

const MAX_ENTRIES = 50_000;
const TTL_MS = 24 * 60 * 60_000;

const claims = new Map<string, number>();

export function callbackKey(workflowId: string | undefined, nodeId: string, taskId: string, statusGroup: string): string {
	return [workflowId ?? '', nodeId, taskId, statusGroup].join('\u0000');
}

function forgetOld(now: number) {
	// Map keeps insertion order: the oldest claims come first.
	for (const [key, at] of claims) {
		if (claims.size <= MAX_ENTRIES && now - at <= TTL_MS) break;
		claims.delete(key);
	}
}

/** Takes `key` and returns true, or returns false when it is already taken. */
export function claim(key: string): boolean {
	const now = Date.now();
	forgetOld(now);
	const at = claims.get(key);
	if (at !== undefined && now - at <= TTL_MS) return false;
	claims.delete(key);
	claims.set(key, now);
	return true;
}

/** Gives `key` back (its callback was not confirmed), so a later delivery of it is taken again. */
export function release(key: string): void {
	claims.delete(key);
}

/** For tests: how many keys are held. */
export const claimCount = () => claims.size;

/**
 * The callbacks of one trigger node waiting to be verified, downloaded and emitted. The first call
 * that finds nobody at work leads: it works through the queue — callbacks arriving meanwhile join it
 * — with up to WORKERS tasks at a time, waits GATHER_MS for stragglers once it is empty, and returns
 * every item made ready, to be emitted as the items of one execution. The other calls return
 * undefined at once (their task goes out with the leader's execution).
 *
 * Why: measured in n8n 2.41.1 (SQLite), 100 callbacks each starting an execution and each keeping its
 * webhook call busy until its own verification kept n8n so busy that answers took up to 24 s and n8n
 * answered 503 for a while. In n8n 2.x every webhook call of a community node takes an expression
 * isolate (a fresh V8 isolate) for as long as webhook() runs, and every execution writes to the
 * database. A lone callback is emitted after GATHER_MS.
 */
const WORKERS = 8;
const GATHER_MS = 200;

interface Queue<T> {
	jobs: T[];
	leading: boolean;
}

const queues = new Map<string, Queue<unknown>>();

export async function inQueue<T, R>(key: string, job: T, work: (job: T) => Promise<R | undefined>): Promise<R[] | undefined> {
	let queue = queues.get(key) as Queue<T> | undefined;
	if (!queue) {
		queue = { jobs: [], leading: false };
		queues.set(key, queue as Queue<unknown>);
	}
	queue.jobs.push(job);
	if (queue.leading) return undefined;
	queue.leading = true;
	const ready: R[] = [];
	try {
		for (;;) {
			const jobs = queue.jobs;
			await Promise.all(
				Array.from({ length: WORKERS }, async () => {
					for (let next = jobs.shift(); next !== undefined; next = jobs.shift()) {
						// `work` reports its own failures; one that throws anyway loses only its own task.
						const result = await work(next).catch(() => undefined);
						if (result !== undefined) ready.push(result);
					}
				}),
			);
			if (jobs.length > 0) continue;
			await sleep(GATHER_MS);
			// Nothing is awaited between this check and giving up the lead: a callback arriving after it leads.
			if (jobs.length === 0) break;
		}
	} finally {
		queue.leading = false;
		if (queue.jobs.length === 0) queues.delete(key);
	}
	return ready;
}
