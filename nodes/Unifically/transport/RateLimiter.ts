import { sleep } from 'n8n-workflow';

/**
 * What the API's rate-limit headers said about the key's budget when it answered a request
 * (seed, "Rate Limit Headers": `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`).
 */
export interface RateLimitHeaders {
	/** The key's budget per window, when the API said it. */
	limit?: number;
	/** What is left of it, counted over every client of the key. */
	remaining: number;
	/** When the budget resets (ms since epoch), when the API said it in a form we could read. */
	resetAt?: number;
}

type HeaderValue = string | string[] | number | undefined | null;

function headerNumber(headers: Record<string, HeaderValue>, name: string): number | undefined {
	let value: HeaderValue = headers[name];
	if (value === undefined) {
		const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
		value = key === undefined ? undefined : headers[key];
	}
	if (Array.isArray(value)) value = value[0];
	if (value === undefined || value === null) return undefined;
	const text = String(value).trim();
	return /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

/**
 * Reads the three headers, tolerating any of them missing or malformed (other implementations of
 * the API, proxies and gateways differ). Without a readable `Remaining` there is nothing to go by.
 * `Reset` is read as unix seconds (the seed), unix milliseconds, or seconds from now.
 */
export function readRateLimitHeaders(
	headers: Record<string, HeaderValue> | undefined,
	now = Date.now(),
): RateLimitHeaders | undefined {
	if (!headers || typeof headers !== 'object') return undefined;
	const remaining = headerNumber(headers, 'x-ratelimit-remaining');
	if (remaining === undefined) return undefined;
	const limit = headerNumber(headers, 'x-ratelimit-limit');
	const reset = headerNumber(headers, 'x-ratelimit-reset');
	let resetAt: number | undefined;
	if (reset !== undefined) {
		if (reset >= 1e12) resetAt = reset;
		else if (reset >= 1e9) resetAt = reset * 1000;
		else resetAt = now + reset * 1000;
	}
	return {
		limit: limit !== undefined && limit >= 1 ? Math.floor(limit) : undefined,
		remaining: Math.floor(remaining),
		resetAt,
	};
}

interface Sent {
	grantedAt: number;
	answeredAt?: number;
}

/** The key's state as one answer showed it. */
interface Observation {
	/** When the answered request was granted (the API counted it after that). */
	grantedAt: number;
	remaining: number;
	/** Requests of the key in the API's window that were not this process's. */
	others: number;
	/** Until when it holds: the API's reset, at most a window after the answer. */
	expiresAt: number;
}

/** The slowest this process goes, in requests per window, however busy the key is. */
const MIN_SHARE = 0.5;
/** When another client is using the key and this little is left, slow down (multiplicative decrease). */
const CONGESTED_FRACTION = 0.1;
/**
 * What to leave unplanned of the key's budget when others use it: with three to spare, `Remaining`
 * mostly stays at 2 or more despite timing noise, and half of it (rule 3c) still lets one request
 * go without waiting (two spare measured 1.5–1.6 × the shared bound in the bench, three 1.45).
 */
const SPARE = 3;
const DECREASE = 0.7;
/** Additive increase: one more request per window for every window without congestion. */
const INCREASE_PER_WINDOW = 1;
/** After a 429, the rate is halved and held down for this many windows after the pause. */
const HOLD_WINDOWS_AFTER_429 = 10;
/** Another client's use is forgotten after this many windows without seeing any. */
const FORGET_OTHERS_WINDOWS = 3;

/**
 * The rate limiter of one kind of request (creates or status reads) of one API key, in this
 * process. Four rules, from the hardest:
 *
 * 1. **The credential's cap**: at most `cap` requests (and at most the API's `X-RateLimit-Limit`)
 *    in any window, and a request holds its slot from the moment it is granted until `windowMs`
 *    after its response came back — the latest moment the server can have counted it. Whatever the
 *    network does, this process alone can never send `limit + 1` requests within the API's window.
 * 2. **Pacing**: requests are spread through the window (one every `windowMs / share`) instead of
 *    spending the budget at its start, so that every answer tells what the key's other clients
 *    (other n8n workers, other tools) have spent, in time to react. Until this process's first
 *    answer, one request at a time.
 * 3. **Giving way** (needs the API's headers): from each answer, `others` = the key's use in the
 *    window minus this process's own requests in it. When others use the key, this process
 *    (a) never plans more than what they leave less a spare, and grows back towards it (by half
 *    the gap per window) when they leave more, (b) slows down multiplicatively when the key is
 *    nearly spent and speeds up additively otherwise (AIMD: processes sharing a key converge to
 *    fair shares without talking to each other), and (c) sends no more than half of the last
 *    `Remaining` until that answer's `Reset`; past it, one request at a time until a fresh answer.
 *    Once no other use has been seen for a few windows, it is back at the cap.
 * 4. **After a 429**: every request waits out the ban (`pause`), then this process goes on at half
 *    its rate, held there for a while before probing back up.
 *
 * No shared store: the API, through its headers, is the shared state. An API that sends no
 * headers leaves rules 1, 2 and 4.
 */
export class RateLimiter {
	/** This process's own requests still in the window (in flight, or answered less than a window ago). */
	private readonly sent: Sent[] = [];

	/** Requests per window this process allows itself now (≤ cap). */
	private currentShare: number;

	private nextGrantAt = 0;

	private pausedUntil = 0;

	private answers = 0;

	private apiLimit: number | undefined;

	/** What the key's other clients left in the last answer (requests per window). */
	private room = Number.POSITIVE_INFINITY;

	private observation: Observation | undefined;

	private othersSeenAt = Number.NEGATIVE_INFINITY;

	private lastDecreaseAt = Number.NEGATIVE_INFINITY;

	private holdUntil = 0;

	private shareUpdatedAt = Date.now();

	private queue: Promise<void> = Promise.resolve();

	constructor(
		private cap: number,
		private readonly windowMs: number,
	) {
		this.cap = Math.max(1, Math.floor(cap));
		this.currentShare = this.cap;
	}

	/** The credential's Requests per Second: a hard upper bound. */
	setCap(cap: number) {
		this.cap = Math.max(1, Math.floor(cap));
		this.currentShare = Math.min(this.currentShare, this.cap);
	}

	/** Requests per window this process currently allows itself (diagnostics and tests). */
	get share(): number {
		return this.currentShare;
	}

	/**
	 * Resolves when the caller may send one request, with the function to call once its response
	 * (or error) has come back — with the response's rate-limit headers when it had any.
	 */
	async acquire(): Promise<(headers?: RateLimitHeaders) => void> {
		const turn = this.queue.then(async () => await this.waitForSlot());
		this.queue = turn.then(
			() => undefined,
			() => undefined,
		);
		const sent = await turn;
		let released = false;
		return (headers?: RateLimitHeaders) => {
			if (released) return;
			released = true;
			sent.answeredAt = Date.now();
			this.answers++;
			if (headers) this.observe(sent, headers, sent.answeredAt);
		};
	}

	/** Holds every request back until `ms` from now (a 429's Retry-After). */
	pause(ms: number) {
		this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
	}

	/** A 429 for this kind of request: after the pause, go on at half the rate for a while. */
	rateLimited(pauseMs: number) {
		const now = Date.now();
		this.currentShare = Math.max(MIN_SHARE, this.currentShare / 2);
		this.lastDecreaseAt = now;
		this.holdUntil = Math.max(this.holdUntil, now + pauseMs + HOLD_WINDOWS_AFTER_429 * this.windowMs);
		this.shareUpdatedAt = Math.max(now, this.holdUntil);
	}

	private observe(request: Sent, headers: RateLimitHeaders, now: number) {
		if (headers.limit !== undefined) this.apiLimit = headers.limit;
		const limit = headers.limit ?? this.apiLimit ?? this.cap;
		const remaining = Math.min(limit, Math.max(0, headers.remaining));
		const used = limit - remaining;
		// This process's requests the API may have counted in its window when it counted this one:
		// granted less than a window before it, or after it but before its answer (a later request
		// can overtake it on the way). Generous on purpose: "others" must not be a false alarm that
		// slows a process alone on its key (an error the other way is caught by rule 3c).
		const windowStart = request.grantedAt - this.windowMs;
		const own = this.sent.filter((other) => other.grantedAt > windowStart).length;
		const others = Math.max(0, used - own);
		if (others > 0) this.othersSeenAt = now;

		const resetAt = headers.resetAt;
		const latest = now + this.windowMs;
		const expiresAt = resetAt !== undefined && resetAt > now && resetAt < latest ? resetAt : latest;
		if (!this.observation || request.grantedAt >= this.observation.grantedAt) {
			this.observation = { grantedAt: request.grantedAt, remaining, others, expiresAt };
		}

		this.updateShare(now);
		// What the others leave (with a spare for timing noise): a ceiling now, a target to grow to.
		this.room = others > 0 ? Math.max(MIN_SHARE, limit - others - SPARE) : limit;
		if (others > 0) {
			// Never plan more than what the others leave...
			if (this.currentShare > this.room) this.currentShare = this.room;
			// ...and slow down when the key is nearly spent, once a window at most.
			if (remaining <= Math.max(1, Math.floor(limit * CONGESTED_FRACTION)) && now - this.lastDecreaseAt >= this.windowMs) {
				this.currentShare = Math.max(MIN_SHARE, this.currentShare * DECREASE);
				this.lastDecreaseAt = now;
			}
		}
	}

	/**
	 * Growth towards what the others leave: by one request per window per window at least, by half
	 * the gap per window when the gap is wider (others finishing up) — or straight back to the cap
	 * once the key has been ours alone for a while.
	 */
	private updateShare(now: number) {
		const elapsed = now - this.shareUpdatedAt;
		if (elapsed <= 0) return;
		this.shareUpdatedAt = now;
		if (now < this.holdUntil) return;
		const alone = this.apiLimit !== undefined && now - this.othersSeenAt > FORGET_OTHERS_WINDOWS * this.windowMs;
		if (alone) {
			this.currentShare = this.cap;
			return;
		}
		const target = Math.min(this.cap, this.room);
		if (this.currentShare >= target) return;
		const windows = elapsed / this.windowMs;
		const step = Math.max(INCREASE_PER_WINDOW * windows, 0.5 * (target - this.currentShare) * Math.min(1, windows));
		this.currentShare = Math.min(target, this.currentShare + step);
	}

	/** How long the next request must still wait (0: it may go now). */
	private delayBeforeGrant(now: number): number {
		this.updateShare(now);
		// Forget requests answered more than a window ago: the API no longer counts them.
		for (let index = this.sent.length - 1; index >= 0; index--) {
			const answeredAt = this.sent[index].answeredAt;
			if (answeredAt !== undefined && answeredAt <= now - this.windowMs) this.sent.splice(index, 1);
		}
		let inFlight = 0;
		let leavesAt = Number.POSITIVE_INFINITY;
		for (const request of this.sent) {
			if (request.answeredAt === undefined) inFlight++;
			else leavesAt = Math.min(leavesAt, request.answeredAt + this.windowMs + 1);
		}

		// 1. The hard cap: slots held until a window after the answer.
		const slots = Math.max(1, Math.floor(Math.min(this.cap, this.apiLimit ?? this.cap)));
		if (this.sent.length >= slots) return leavesAt - now;
		// Slow start: until this process's first answer, one request at a time (it may show others).
		if (this.answers === 0 && inFlight > 0) return Number.POSITIVE_INFINITY;
		// 2. Pacing.
		if (now < this.nextGrantAt) return this.nextGrantAt - now;
		// 3. Giving way to the key's other clients.
		const seen = this.observation;
		if (seen && now < seen.expiresAt) {
			if (seen.others > 0) {
				const mineSince = this.sent.filter((request) => request.grantedAt > seen.grantedAt).length;
				if (mineSince >= Math.floor(seen.remaining / 2)) return seen.expiresAt - now;
			}
		} else if (now - this.othersSeenAt <= FORGET_OTHERS_WINDOWS * this.windowMs && inFlight > 0) {
			// The last word is stale and others were about: probe one request at a time.
			return Number.POSITIVE_INFINITY;
		}
		return 0;
	}

	private async waitForSlot(): Promise<Sent> {
		for (;;) {
			const now = Date.now();
			if (now < this.pausedUntil) {
				await sleep(this.pausedUntil - now);
				continue;
			}
			const delay = this.delayBeforeGrant(now);
			if (delay <= 0) {
				const sent: Sent = { grantedAt: now };
				this.sent.push(sent);
				// Keep to the schedule when this grant came a little late (a busy event loop), so that
				// lateness does not add up over a batch; after a pause, start afresh from now.
				const interval = this.windowMs / this.currentShare;
				const late = now - this.nextGrantAt;
				this.nextGrantAt = late <= interval / 2 ? this.nextGrantAt + interval : now + interval;
				return sent;
			}
			// Re-check at least every 20 ms: an answer may free a slot or bring fresh headers.
			await sleep(Math.max(1, Math.min(delay, 20)));
		}
	}
}

export type RequestKind = 'create' | 'status';

/** The API's window is one second; a little more absorbs clock granularity on either side. */
const WINDOW_MS = 1050;

/**
 * One pair of limiters per API key (and base URL), shared by everything this n8n process runs:
 * n8n loads a node module once, so concurrent executions and items all draw from the same budget.
 * Other processes using the key are seen through the API's headers. Keyed by a fingerprint, never
 * by the key itself.
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
	pair[kind].setCap(requestsPerSecond);
	return pair[kind];
}
