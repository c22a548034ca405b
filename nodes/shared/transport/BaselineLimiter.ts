import type { Clock, Limiter } from './RateLimiter';
import type { RateLimitHeaders } from './keyModel';

/** After a 429, half the rate for this many windows (as the limiter's AFTER_429). */
const SLOW_WINDOWS_AFTER_429 = 10;

/**
 * The simple limiter the real one is measured against (issue #31; chosen by the credential's
 * undeclared `rateLimiter: 'baseline'`, for the sweep and the bench only). Three rules:
 * - a token bucket of one token at `limit − 1` requests per window (the API's `X-RateLimit-Limit`
 *   once seen, else the credential's Requests per Second; never above Requests per Second);
 * - after an answer whose `X-RateLimit-Remaining` is ≤ 1, nothing until the oldest of this
 *   process's requests of the last window has left it (a window after the answer when it has none
 *   there: the others' requests leave the window by then);
 * - a 429 waits out the ban, then half the rate for SLOW_WINDOWS_AFTER_429 windows.
 */
export class BaselineLimiter implements Limiter {
	private limitSeen: number | undefined;

	private nextGrantAt = 0;

	private heldUntil = 0;

	private pausedUntil = 0;

	private slowUntil = 0;

	private queue: Promise<void> = Promise.resolve();

	/** Grant times of this process's requests within the last window. */
	private readonly grants: number[] = [];

	constructor(
		private cap: number,
		private readonly windowMs: number,
		private readonly clock: Clock,
	) {
		this.cap = Math.max(1, Math.floor(cap));
	}

	setCap(cap: number) {
		this.cap = Math.max(1, Math.floor(cap));
	}

	/** Requests per window this process allows itself now. */
	get share(): number {
		const rate = Math.max(1, Math.min(this.cap, (this.limitSeen ?? this.cap) - 1));
		return this.clock.now() < this.slowUntil ? rate / 2 : rate;
	}

	async acquire(): Promise<(headers?: RateLimitHeaders) => void> {
		const turn = this.queue.then(async () => await this.waitForToken());
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		await turn;
		let released = false;
		return (headers?: RateLimitHeaders) => {
			if (released || !headers) return;
			released = true;
			if (headers.limit !== undefined) this.limitSeen = headers.limit;
			if (headers.remaining > 1) return;
			const now = this.clock.now();
			while (this.grants.length && this.grants[0] <= now - this.windowMs) this.grants.shift();
			this.heldUntil = Math.max(this.heldUntil, (this.grants[0] ?? now) + this.windowMs);
		};
	}

	pause(ms: number) {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
	}

	rateLimited(pauseMs: number) {
		this.slowUntil = Math.max(this.slowUntil, this.clock.now() + pauseMs + SLOW_WINDOWS_AFTER_429 * this.windowMs);
	}

	private async waitForToken(): Promise<void> {
		for (;;) {
			const now = this.clock.now();
			const readyAt = Math.max(this.nextGrantAt, this.heldUntil, this.pausedUntil);
			if (now >= readyAt) {
				this.nextGrantAt = now + this.windowMs / this.share;
				this.grants.push(now);
				// Only the last window's grants matter: forget older ones here, not only after a low Remaining.
				while (this.grants[0] <= now - this.windowMs) this.grants.shift();
				return;
			}
			// A hold may begin while this request waits (an answer): look again when the wait is over.
			await this.clock.sleep(readyAt - now);
		}
	}
}
