import { sleep } from 'n8n-workflow';

/**
 * A sliding-window limiter: at most `limit` grants in any `windowMs`, granted in FIFO order.
 * The API bans a key for 60 s on the first request over 10/s, so the window carries a margin
 * for network jitter (two requests sent 1 s apart may arrive 990 ms apart).
 */
export class RateLimiter {
	private readonly grants: number[] = [];

	private pausedUntil = 0;

	private queue: Promise<void> = Promise.resolve();

	constructor(
		private limit: number,
		private readonly windowMs: number,
	) {}

	setLimit(limit: number) {
		this.limit = Math.max(1, Math.floor(limit));
	}

	/** Resolves when the caller may send one request. */
	async acquire(): Promise<void> {
		const turn = this.queue.then(async () => await this.waitForSlot());
		this.queue = turn.catch(() => undefined);
		return await turn;
	}

	/** Holds every request back until `ms` from now (a 429's Retry-After). */
	pause(ms: number) {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	get pausedForMs(): number {
		return Math.max(0, this.pausedUntil - Date.now());
	}

	private async waitForSlot(): Promise<void> {
		for (;;) {
			const now = Date.now();
			if (now < this.pausedUntil) {
				await sleep(this.pausedUntil - now);
				continue;
			}
			while (this.grants.length > 0 && this.grants[0] <= now - this.windowMs) this.grants.shift();
			if (this.grants.length < this.limit) {
				this.grants.push(now);
				return;
			}
			await sleep(this.grants[0] + this.windowMs - now + 1);
		}
	}
}

export type RequestKind = 'create' | 'status';

/** Requests sent in any one second, per kind, are kept below the API's limit with this margin. */
const WINDOW_MS = 1100;

/**
 * One pair of limiters per API key (and base URL), shared by everything this n8n process runs:
 * n8n loads a node module once, so concurrent executions and items all draw from the same budget.
 * Keyed by a fingerprint, never by the key itself.
 */
const limiters = new Map<string, Record<RequestKind, RateLimiter>>();

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
