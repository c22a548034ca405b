/**
 * The leader queue of the trigger: callbacks of one node are verified, downloaded and emitted
 * together, by one call at a time. (Which callbacks were already taken is `./seenCallbacks`.)
 */
import { sleep } from 'n8n-workflow';

/**
 * The callbacks of one trigger node waiting to be verified, downloaded and emitted. The first call
 * that finds nobody at work leads: it works through the queue — callbacks arriving meanwhile join it
 * — with up to WORKERS tasks at a time, waits GATHER_MS for stragglers once it is empty, and returns
 * every item made ready, to be emitted as the items of one execution. The other calls return
 * undefined at once (their task goes out with the leader's execution).
 *
 * Why: n8n 2.x gives every webhook call of a community node an expression isolate (a fresh V8
 * isolate) for as long as webhook() runs, and every execution writes to the database: a burst of
 * callbacks each starting an execution keeps n8n too busy to answer (docs/trigger.md, "Bursts of
 * callbacks", has the figures). A lone callback is emitted after GATHER_MS.
 */
const WORKERS = 8;
const GATHER_MS = 200;

interface Queue<T> {
	jobs: T[];
	leading: boolean;
}

const queues = new Map<string, Queue<unknown>>();

/** `lost` is told of each job whose `work` threw: its callback was acknowledged, and it is not emitted. */
export async function inQueue<T, R>(
	key: string,
	job: T,
	work: (job: T) => Promise<R | undefined>,
	lost: (job: T, error: Error) => void,
): Promise<R[] | undefined> {
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
						const job = next;
						const result = await work(job).catch((error: unknown) => {
							lost(job, error instanceof Error ? error : new Error(String(error)));
							return undefined;
						});
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
