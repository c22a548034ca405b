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
	/** Until when it holds: a window after the answer. */
	expiresAt: number;
}

/** The slowest this process goes, in requests per window, however busy the key is. */
const MIN_SHARE = 0.5;
/**
 * What to leave unplanned of the key's budget when others use it. Chosen on the fake-clock model of
 * several processes on one key (test/unit/support/sharedKey.ts) and checked with `npm run bench`:
 * three to spare kept two processes at 1.6 × the shared bound, one let the share rule overshoot.
 */
const SPARE = 2;
/** `others` is the most seen in this many windows: one answer right after a lull must not look like room. */
const OTHERS_MEMORY_WINDOWS = 1.5;
/**
 * During this process's first windows the key's use is still building up (every client starting
 * at once): the others' requests expected since the last answer are counted against what it left,
 * beyond this much of a request.
 */
const STARTUP_WINDOWS = 1.5;
const STARTUP_SLACK = 0.25;
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
 *    Until the first answer, one request at a time; then one more slot per answer that shows the
 *    key used by this process only (slow start), up to the cap.
 * 2. **Pacing**: requests are spread through the window (one every `windowMs / share`) instead of
 *    spending the budget at its start, so that every answer tells what the key's other clients
 *    (other n8n workers, other tools) have spent, in time to react.
 * 3. **Giving way** (needs the API's headers): from each answer, `others` = the key's use in the
 *    window minus this process's own requests in it (the most seen lately). When others use the
 *    key, this process
 *    (a) when they first show up, cuts its share to its part of the key's budget less a spare, in
 *        proportion to its own use of the key so far (the parts of all processes add up to the aim,
 *        however many there are);
 *    (b) never plans more than what the others leave less the spare, and grows back towards it (by
 *        half the gap per window, at least one request per window) when they leave more;
 *    (c) sends no more than half of the last `Remaining` until a window after that answer, less,
 *        in its first windows, the others' requests expected since; past it, one request at a
 *        time until a fresh answer. (`Reset` is read but not trusted to end the wait sooner: a
 *        sliding window's whole-second `Reset` frees only its oldest request.)
 *    (d) with a cap of at most half the key's budget (a split by hand), once past its first windows:
 *        as long as the others, at the most they used in the last few windows, leave room for this
 *        process's whole cap, it skips (a)–(c) and runs at its cap — rule 1 is then all the giving
 *        way needed, and a split that adds up to the budget runs at full speed.
 *    Once no other use has been seen for a few windows, it grows back to the cap the same way.
 * 4. **After a 429**: every request waits out the ban (`pause`), then this process goes on at half
 *    its rate, held there for a while before probing back up.
 *
 * No shared store: the API, through its headers, is the shared state. An API that sends no
 * headers leaves rules 1, 2 and 4. What this cannot prevent: a process joining a key that another
 * one alone keeps at its full budget sends its first request blind, and it may be the one too many;
 * and three or more processes starting together are safe only most of the time. The README says
 * to split Requests per Second by hand for those cases (rule 1 then makes a 429 impossible).
 */
export class RateLimiter {
	/** This process's own requests still in the window (in flight, or answered less than a window ago). */
	private readonly sent: Sent[] = [];

	/** Requests per window this process allows itself now (≤ cap). */
	private currentShare: number;

	/** Slow start: slots allowed until others show up or the cap is reached. */
	private startSlots: number | undefined = 1;

	private firstGrantAt: number | undefined;

	private nextGrantAt = 0;

	private pausedUntil = 0;

	private answers = 0;

	private apiLimit: number | undefined;

	/** What the key's other clients left in the last answer (requests per window). */
	private room = Number.POSITIVE_INFINITY;

	/** The others' recent use and this process's whole cap fit the key's budget (a split by hand). */
	private capFits = false;

	private observation: Observation | undefined;

	private readonly recentOthers: Array<{ at: number; others: number }> = [];

	private othersSeenAt = Number.NEGATIVE_INFINITY;

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
			else this.growStartSlots(false);
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
		this.startSlots = undefined;
		this.holdUntil = Math.max(this.holdUntil, now + pauseMs + HOLD_WINDOWS_AFTER_429 * this.windowMs);
		this.shareUpdatedAt = Math.max(now, this.holdUntil);
	}

	private isShared(now: number) {
		return now - this.othersSeenAt <= FORGET_OTHERS_WINDOWS * this.windowMs;
	}

	/** In this process's first windows, while the key's use is still building up. */
	private isStarting(now: number) {
		return now - (this.firstGrantAt ?? now) < STARTUP_WINDOWS * this.windowMs;
	}

	/** A split by hand: a cap of at most half the budget, which `others` leave room for. */
	private capFitsBeside(others: number, limit: number) {
		return this.cap <= limit / 2 && others + this.cap <= limit;
	}

	/** Slow start: one more slot per answer until others show up or the cap is reached. */
	private growStartSlots(othersSeen: boolean) {
		if (this.startSlots === undefined) return;
		if (othersSeen || ++this.startSlots >= this.cap) this.startSlots = undefined;
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
		const wasShared = this.isShared(now);
		if (others > 0) this.othersSeenAt = now;
		this.growStartSlots(others > 0);

		// What an answer says holds until a window after it: by then every request the API counted
		// before it has left the API's window. An earlier `Reset` is not trusted for that: a sliding
		// window's Reset (whole seconds) frees only its oldest request, and processes that all resumed
		// at the same Reset were the ones banned in the model.
		const expiresAt = now + this.windowMs;
		if (!this.observation || request.grantedAt >= this.observation.grantedAt) {
			this.observation = { grantedAt: request.grantedAt, remaining, others, expiresAt };
		}

		this.updateShare(now);
		if (others > 0 && !wasShared && !this.capFitsBeside(others, limit)) {
			// 3a. Others just showed up: this process's part of the aim, in proportion to its use.
			this.currentShare = Math.min(this.currentShare, Math.max(MIN_SHARE, ((limit - SPARE) * Math.max(1, own)) / Math.max(1, used)));
		}
		// 3b. What the others leave (with a spare for timing noise): a ceiling now, a target to grow to.
		this.recentOthers.push({ at: now, others });
		while (this.recentOthers.length && this.recentOthers[0].at < now - FORGET_OTHERS_WINDOWS * this.windowMs) this.recentOthers.shift();
		const othersLately = Math.max(0, ...this.recentOthers.filter((entry) => entry.at >= now - OTHERS_MEMORY_WINDOWS * this.windowMs).map((entry) => entry.others));
		const othersLonger = Math.max(0, ...this.recentOthers.map((entry) => entry.others));
		// 3d. A split by hand: when the others, at the most they used in the last few windows, and this
		// process's whole cap (at most half the budget) fit the key's budget together, the cap itself
		// (rule 1) is all the giving way needed.
		this.capFits = !this.isStarting(now) && this.capFitsBeside(othersLonger, limit);
		this.room = this.capFits ? limit : othersLately > 0 ? Math.max(MIN_SHARE, limit - othersLately - SPARE) : limit;
		if (this.currentShare > this.room) this.currentShare = this.room;
	}

	/**
	 * Growth towards what the others leave (or the cap, once the key has been ours alone for a
	 * while): by one request per window per window at least, by half the gap per window when the
	 * gap is wider (others finishing up).
	 */
	private updateShare(now: number) {
		const elapsed = now - this.shareUpdatedAt;
		if (elapsed <= 0) return;
		this.shareUpdatedAt = now;
		if (now < this.holdUntil) return;
		const target = this.isShared(now) ? Math.min(this.cap, this.room) : this.cap;
		if (this.currentShare >= target) return;
		const windows = elapsed / this.windowMs;
		const step = Math.max(windows, 0.5 * (target - this.currentShare) * Math.min(1, windows));
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

		// 1. The hard cap: slots held until a window after the answer (fewer during slow start).
		const slots = Math.max(1, Math.floor(Math.min(this.cap, this.apiLimit ?? this.cap, this.startSlots ?? Number.POSITIVE_INFINITY)));
		if (this.sent.length >= slots) return inFlight >= slots ? 20 : leavesAt - now;
		// 2. Pacing.
		if (now < this.nextGrantAt) return this.nextGrantAt - now;
		// 3c. Giving way to the key's other clients.
		const seen = this.observation;
		if (this.isShared(now) && !this.capFits) {
			if (seen && now < seen.expiresAt) {
				const mineSince = this.sent.filter((request) => request.grantedAt > seen.grantedAt).length;
				const othersSince = this.isStarting(now) ? Math.max(0, Math.round((seen.others * (now - seen.grantedAt)) / this.windowMs - STARTUP_SLACK)) : 0;
				if (mineSince >= Math.floor((seen.remaining - othersSince) / 2)) return inFlight > 0 ? 20 : seen.expiresAt - now;
			} else if (inFlight > 0) {
				// The last word is stale and others were about: probe one request at a time.
				return Number.POSITIVE_INFINITY;
			}
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
				this.firstGrantAt ??= now;
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
export const WINDOW_MS = 1050;

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
