import { sleep } from 'n8n-workflow';

import { BaselineLimiter } from './BaselineLimiter';
import { KeyModel, nextShare, plannedBudget, RULES, type RateLimitHeaders } from './keyModel';

export { readRateLimitHeaders, type RateLimitHeaders } from './keyModel';

/** Time, injected: the system's in n8n, a virtual one in the tests (every limiter test runs on it). */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	sleep: async (ms: number) => {
		await sleep(ms);
	},
};

/**
 * How often a waiting request looks again when nothing it waits for has a known time. An answer
 * (which may free a slot or bring fresh headers) and a pause wake it at once; this only catches
 * what changes with time alone (the key forgotten as shared).
 */
const RECHECK_MS = 100;

/** What the transport needs of a limiter: this one, or the baseline it is measured against. */
export interface Limiter {
	readonly share: number;
	setCap(cap: number): void;
	acquire(): Promise<(headers?: RateLimitHeaders) => void>;
	/** A 429: hold every request back for `ms` (the ban), then start again as the limiter does. */
	pause(ms: number): void;
	/** This kind's request got the 429: go on slower for a while after the pause. */
	rateLimited(pauseMs: number): void;
}

interface Sent {
	grantedAt: number;
	answeredAt?: number;
}

/**
 * The gate of one kind of request (creates or status reads) of one API key, in this process: it
 * hands out slots. What the API's answers say about the key, and the share of it this process
 * plans, come from the pure model in `keyModel.ts`. Each rule stays because the shared-key sweep
 * (2,000 seeded scenarios, 8,090 process starts; `npm run bench -- --only sweep`) or the bench
 * shows what it buys over the rule switched off; the figures are in docs/scaling.md, "Rules".
 *
 * 1. CAP_HOLD: at most `cap` requests (the credential's Requests per Second, and at most the
 *    planned budget) hold a slot at once, and a request holds its slot from the moment it is
 *    granted until a window after its answer came back — the latest moment the API can have
 *    counted it. Buys: without it 396 bans where processes start one at a time, 314 per 1,000 blind starts.
 * 2. SLOW_START: one request until the first answer, then one more slot per answer that shows the
 *    key used by this process only. Buys: without it 27 bans one at a time, 33 per 1,000 blind starts.
 * 3. PACE: requests spread through the window (one every `windowMs / share`), so every answer
 *    tells what the others have spent in time to react. Buys: without it 96 bans one at a time, 91 per
 *    1,000 blind starts, and 2 × 40 at once at 1.70 × instead of 1.27 ×.
 * 4. PROPORTIONAL_SHARE (`nextShare`): the pace follows this process's part of the planned budget,
 *    in proportion to its use. Buys: without it 1,009 bans one at a time, 982 per 1,000 blind starts.
 * 5. AFTER_429: after a 429 every request of the key waits out the ban, then the kind that got it
 *    goes on at most at half its rate for HOLD_WINDOWS_AFTER_429 windows. Buys: the second bans
 *    of the sweep without it (seed 1066 of 6,000 banned twice; before SHARED_SPARE_WINDOWS, 4237
 *    seventy times).
 * NEWCOMER_SPARE, SHARED_SPARE (with SHARED_SPARE_WINDOWS) and HAND_SPLIT (the budget planned),
 * and READ_ROOM (status reads), are in `keyModel.ts`.
 *
 * No shared store: the API, through its headers, is the shared state. An API that sends no headers
 * leaves rules 1, 2, 3 and 5: with several processes on such a key, split Requests per Second by hand.
 */
export class RateLimiter implements Limiter {
	/** This process's own requests still in the window (in flight, or answered less than a window ago). */
	private readonly sent: Sent[] = [];

	/** Grant times of the last few windows, to tell this process's requests from the others' in an answer. */
	private readonly grants: number[] = [];

	private readonly model: KeyModel;

	/** Requests per window this process allows itself now (≤ cap). */
	private currentShare: number;

	/** SLOW_START: slots allowed until others show up or the cap is reached. */
	private startSlots: number | undefined = 1;

	private nextGrantAt = 0;

	private pausedUntil = 0;

	private holdUntil = 0;

	private shareUpdatedAt: number;

	private queue: Promise<void> = Promise.resolve();

	/** Wakes the waiting request: something it waits for may have changed (an answer, a pause). */
	private wake: (() => void) | undefined;

	constructor(
		private cap: number,
		private readonly windowMs: number,
		private readonly clock: Clock = systemClock,
		/** Rules switched off, to measure what each buys (the sweep's ablation; never in n8n). */
		private readonly without: ReadonlySet<RuleName> = new Set(),
		/** Which kind of request it gates: READ_ROOM applies to status reads only. */
		private readonly kind: RequestKind = 'create',
	) {
		this.cap = Math.max(1, Math.floor(cap));
		this.currentShare = this.cap;
		if (without.has('SLOW_START')) this.startSlots = undefined;
		this.model = new KeyModel(windowMs, this.cap);
		this.shareUpdatedAt = clock.now();
	}

	/** The credential's Requests per Second: a hard upper bound. */
	setCap(cap: number) {
		this.cap = Math.max(1, Math.floor(cap));
		this.model.setCap(this.cap);
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
			sent.answeredAt = this.clock.now();
			if (headers) this.observe(sent, headers);
			else this.growStartSlots(false);
			this.changed();
		};
	}

	/** Holds every request back until `ms` from now (a 429's Retry-After). */
	pause(ms: number) {
		this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + ms);
		this.changed();
	}

	/** AFTER_429: after the pause, go on at half the rate for a while. */
	rateLimited(pauseMs: number) {
		if (this.without.has('AFTER_429')) return;
		const now = this.clock.now();
		this.currentShare = Math.max(RULES.minShare, this.currentShare / 2);
		this.holdUntil = Math.max(this.holdUntil, now + pauseMs + RULES.holdWindowsAfter429 * this.windowMs);
		this.shareUpdatedAt = Math.max(now, this.holdUntil);
	}

	private changed() {
		const wake = this.wake;
		this.wake = undefined;
		wake?.();
	}

	/** READ_ROOM (keyModel.ts): status reads keep the room the others leave while the key is within budget. */
	private get keepsRoom() {
		return this.kind === 'status' && !this.without.has('READ_ROOM');
	}

	private get budget() {
		const now = this.clock.now();
		const spareNow = this.without.has('SHARED_SPARE_WINDOWS') || this.model.othersRoseLately(now);
		return plannedBudget(this.model.limit, this.cap, this.model.isShared(now) && spareNow, {
			newcomer: this.without.has('NEWCOMER_SPARE') ? 0 : RULES.newcomerSpare,
			shared: this.without.has('SHARED_SPARE') ? 0 : RULES.sharedSpare,
		});
	}

	/** SLOW_START: one more slot per answer until others show up or the cap is reached. */
	private growStartSlots(othersSeen: boolean) {
		if (this.startSlots === undefined) return;
		if (othersSeen || ++this.startSlots >= this.cap) this.startSlots = undefined;
	}

	private observe(request: Sent, headers: RateLimitHeaders) {
		const now = request.answeredAt!;
		const view = this.model.observe({ grantedAt: request.grantedAt, answeredAt: now, headers }, this.grants);
		this.growStartSlots(view.used > view.own);
		if (now < this.holdUntil) {
			// AFTER_429's hold keeps the rate from growing, never from being cut to this process's part.
			if (view.shared && !this.without.has('PROPORTIONAL_SHARE')) this.currentShare = Math.min(this.currentShare, nextShare(this.currentShare, view, this.budget, this.cap, 0, this.keepsRoom));
			return;
		}
		const elapsed = Math.max(0, now - this.shareUpdatedAt) / this.windowMs;
		this.shareUpdatedAt = now;
		if (view.shared && !this.without.has('PROPORTIONAL_SHARE')) this.currentShare = nextShare(this.currentShare, view, this.budget, this.cap, elapsed, this.keepsRoom);
		else this.growAlone(elapsed);
	}

	/** The key is this process's alone: back to the cap, by at least one request per window. */
	private growAlone(windowsElapsed: number) {
		const gap = this.cap - this.currentShare;
		if (gap > 0) this.currentShare = Math.min(this.cap, this.currentShare + Math.max(windowsElapsed, RULES.growthPerWindow * gap * Math.min(1, windowsElapsed)));
	}

	/** How long the next request must still wait (0: it may go now). */
	private delayBeforeGrant(now: number): number {
		if (now >= this.holdUntil && !this.model.isShared(now)) {
			this.growAlone(Math.max(0, now - this.shareUpdatedAt) / this.windowMs);
			this.shareUpdatedAt = now;
		}
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
		const untilSlotFrees = inFlight >= this.sent.length ? RECHECK_MS : leavesAt - now;

		// 1. CAP_HOLD (and 2. SLOW_START): slots held until a window after the answer.
		const shared = this.model.isShared(now);
		const slots = Math.max(1, Math.floor(Math.min(this.cap, this.budget, this.startSlots ?? Number.POSITIVE_INFINITY, shared ? this.currentShare : Number.POSITIVE_INFINITY)));
		if (this.sent.length >= slots && !this.without.has('CAP_HOLD')) return untilSlotFrees;
		// 3. PACE.
		if (now < this.nextGrantAt && !this.without.has('PACE')) return this.nextGrantAt - now;
		return 0;
	}

	private async waitForSlot(): Promise<Sent> {
		for (;;) {
			const now = this.clock.now();
			if (now < this.pausedUntil) {
				await this.clock.sleep(this.pausedUntil - now);
				continue;
			}
			const delay = this.delayBeforeGrant(now);
			if (delay <= 0) {
				const sent: Sent = { grantedAt: now };
				this.sent.push(sent);
				this.grants.push(now);
				while (this.grants.length && this.grants[0] < now - 5 * this.windowMs) this.grants.shift();
				// Keep to the schedule when this grant came a little late (a busy event loop), so that
				// lateness does not add up over a batch; after a pause, start afresh from now.
				const interval = this.windowMs / this.currentShare;
				const late = now - this.nextGrantAt;
				this.nextGrantAt = late <= interval / 2 ? this.nextGrantAt + interval : now + interval;
				return sent;
			}
			// Look again when the delay is over, at the latest after RECHECK_MS, or at once when an
			// answer or a pause comes.
			await new Promise<void>((resolve) => {
				this.wake = resolve;
				void this.clock.sleep(Math.max(1, Math.min(delay, RECHECK_MS))).then(resolve);
			});
			this.wake = undefined;
		}
	}
}

export type RequestKind = 'create' | 'status';

/**
 * The API's window is one second; the slot is held a little longer to absorb timer granularity
 * (a timer may fire a millisecond early) and clock steps between the API and this process.
 */
export const WINDOW_MS = 1020;

/**
 * One pair of limiters per API key (and base URL), shared by everything this n8n process runs:
 * n8n loads a node module once, so concurrent executions and items all draw from the same budget.
 * Other processes using the key are seen through the API's headers. Keyed by a fingerprint, never
 * by the key itself.
 */
const limiters = new Map<string, Record<RequestKind, Limiter>>();

/** `baseline`: the simple limiter this one is measured against (the credential's undeclared `rateLimiter`; bench and sweep only). */
export type LimiterVariant = 'limiter' | 'baseline';

/** The rules the sweep can switch off one at a time (`without`), to measure what each buys. */
export const RULE_NAMES = ['CAP_HOLD', 'SLOW_START', 'PACE', 'PROPORTIONAL_SHARE', 'AFTER_429', 'NEWCOMER_SPARE', 'SHARED_SPARE', 'SHARED_SPARE_WINDOWS', 'READ_ROOM'] as const;

export type RuleName = (typeof RULE_NAMES)[number];

export function newLimiter(variant: LimiterVariant, cap: number, windowMs: number, clock: Clock = systemClock, without?: ReadonlySet<RuleName>, kind: RequestKind = 'create'): Limiter {
	return variant === 'baseline' ? new BaselineLimiter(cap, windowMs, clock) : new RateLimiter(cap, windowMs, clock, without, kind);
}

/** When each key's last ban ends (ms since epoch): a task read after one was seen late. */
const bannedUntil = new Map<string, number>();

/** When the key's last ban (a 429's pause) ends; 0 when it had none in this process. */
export function keyPausedUntil(fingerprint: string): number {
	return bannedUntil.get(fingerprint) ?? 0;
}

/** A 429 pauses every request for the key, creates and status reads alike (SPEC: the key is banned). */
export function pauseKey(fingerprint: string, ms: number) {
	bannedUntil.set(fingerprint, Math.max(keyPausedUntil(fingerprint), Date.now() + ms));
	const pair = limiters.get(fingerprint);
	pair?.create.pause(ms);
	pair?.status.pause(ms);
}

export function limiterFor(fingerprint: string, kind: RequestKind, requestsPerSecond: number, variant: LimiterVariant = 'limiter'): Limiter {
	let pair = limiters.get(fingerprint);
	if (!pair) {
		pair = {
			create: newLimiter(variant, requestsPerSecond, WINDOW_MS, systemClock, undefined, 'create'),
			status: newLimiter(variant, requestsPerSecond, WINDOW_MS, systemClock, undefined, 'status'),
		};
		limiters.set(fingerprint, pair);
	}
	pair[kind].setCap(requestsPerSecond);
	return pair[kind];
}
