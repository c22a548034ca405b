import { sleep } from 'n8n-workflow';

/**
 * A sliding-window limiter: at most `limit` requests in any `windowMs`, granted in FIFO order.
 *
 * The API counts a request when it arrives, which is some time after we send it: two requests
 * sent 1 s apart can arrive 900 ms apart when the first one was slow to connect. So a request
 * holds its slot from the moment it is granted until `windowMs` after its response came back —
 * the latest moment the server can have counted it. Whatever the network does, no `limit + 1`
 * requests can arrive within one window, and the API's 60 s ban is never tripped by us.
 */
export class RateLimiter {
	/** When finished requests came back, oldest first. */
	private readonly finishedAt: number[] = [];

	private inFlight = 0;

	private pausedUntil = 0;

	private queue: Promise<void> = Promise.resolve();

	constructor(
		private limit: number,
		private readonly windowMs: number,
	) {}

	setLimit(limit: number) {
		this.limit = Math.max(1, Math.floor(limit));
	}

	/**
	 * Resolves when the caller may send one request, with the function to call once its response
	 * (or error) has come back.
	 */
	async acquire(): Promise<() => void> {
		const turn = this.queue.then(async () => await this.waitForSlot());
		this.queue = turn.catch(() => undefined);
		await turn;
		this.inFlight++;
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.inFlight--;
			this.finishedAt.push(Date.now());
		};
	}

	/** Holds every request back until `ms` from now (a 429's Retry-After). */
	pause(ms: number) {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	private async waitForSlot(): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (now < this.pausedUntil) {
				await sleep(this.pausedUntil - now);
				continue;
			}
			while (this.finishedAt.length > 0 && this.finishedAt[0] <= now - this.windowMs) this.finishedAt.shift();
			if (this.inFlight + this.finishedAt.length < this.limit) return;
			// Either the oldest finished request leaves the window, or an in-flight one comes back.
			const untilOldestLeaves =
				this.finishedAt.length > 0 ? this.finishedAt[0] + this.windowMs - now + 1 : Number.POSITIVE_INFINITY;
			await sleep(Math.max(1, Math.min(untilOldestLeaves, 20)));
		}
	}
}

export type RequestKind = 'create' | 'status';

/** The API's window is one second; a little more absorbs clock granularity on either side. */
const WINDOW_MS = 1050;

/**
 * One pair of limiters per API key (and base URL), shared by everything this n8n process runs:
 * n8n loads a node module once, so concurrent executions and items all draw from the same budget.
 * Keyed by a fingerprint, never by the key itself.
 */
const limiters = new Map<string, Record<RequestKind, RateLimiter>>();

/** A 429 pauses every request for the key, creates and status reads alike (SPEC: the key is banned). */
export function pauseKey(fingerprint: string, ms: number) {
	const pair = limiters.get(fingerprint);
	pair?.create.pause(ms);
	pair?.status.pause(ms);
}

export function limiterFor(fingerprint: string, kind: RequestKind, requestsPerSecond: number): RateLimiter {
	let pair = limiters.get(fingerprint);
	if (!pair) {
		pair = {
			create: new RateLimiter(requestsPerSecond, WINDOW_MS),
			status: new RateLimiter(requestsPerSecond, WINDOW_MS),
		};
		limiters.set(fingerprint, pair);
	}
	pair[kind].setLimit(requestsPerSecond);
	return pair[kind];
}
