/**
 * What the API's answers say about an API key's budget, and how much of it this process may plan
 * to use. Pure: no clock, no I/O — every function takes the time it reasons about, so each rule is
 * tested on numbers (test/unit/rateLimiter.test.cts) and on many processes sharing one key on a
 * virtual clock (test/unit/support/sharedKey.cts).
 *
 * The API counts every request of a key, from every client (n8n workers, webhook processes, other
 * tools), in a one-second window, and bans the key for 60 s on the first request beyond its
 * `X-RateLimit-Limit`. Its answers say how much of the window was in use when it counted the
 * request (`X-RateLimit-Remaining`). What a process sent itself it knows; the rest is the others'.
 */

/**
 * What the API's rate-limit headers said about the key's budget when it answered a request
 * (API doc, "Rate Limit Headers": `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset`).
 */
export interface RateLimitHeaders {
	/** The key's budget per window, when the API said it. */
	limit?: number;
	/** What is left of it, counted over every client of the key. */
	remaining: number;
	/**
	 * When the budget resets (ms since epoch), when the API said it in a form we could read. Read,
	 * never trusted to end a wait: a sliding window's whole-second Reset frees only its oldest request.
	 */
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
 * `Reset` is read as unix seconds (the API doc), unix milliseconds, or seconds from now.
 */
export function readRateLimitHeaders(headers: Record<string, HeaderValue> | undefined, now: number): RateLimitHeaders | undefined {
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

/**
 * The numbers of the rules below. Each figure "buys" is the shared-key sweep (2,000 seeded
 * scenarios, 8,090 process starts, test/unit/sharedKey.test.cts) with the rule off or changed,
 * against the limiter as it is: 0 bans where processes start one at a time, 0.49 per 1,000 starts
 * where some start blind (docs/scaling.md, "Rules").
 */
export const RULES = {
	/**
	 * NEWCOMER_SPARE: with a cap above half the key's budget (the default credential), the key's
	 * processes together plan at most `limit − 1` requests per window, a lone process included.
	 * Why: a process that joins knows nothing of the key until its first answer; that first,
	 * blind request must always fit. Protects: "a batch joins a key another process spends at full
	 * rate" (sweep, sequential starts; queue-mode e2e "joining batches"). Buys: 18 bans where
	 * processes start one at a time and 7.91 per 1,000 blind starts without it. Cost: a lone batch
	 * runs at 9/10 of the budget (the sweep's 100 items: 1.15 × instead of 1.03 ×).
	 */
	newcomerSpare: 1,
	/**
	 * SHARED_SPARE: one more spare while others use the key and their use has just risen
	 * (SHARED_SPARE_WINDOWS; see plannedBudget). Buys: 2.22 instead of 0.49 bans per 1,000 blind
	 * starts without it (two newcomers within a second). Cost: batches joining 1.32 × instead of
	 * 1.25 ×.
	 */
	sharedSpare: 1,
	/**
	 * SHARED_SPARE_WINDOWS: the second spare is kept only this many windows after the others' use
	 * rose (a newcomer, or one growing): that is when the spare the newcomer's blind request took is
	 * still in the window. In steady sharing the key's processes plan `limit − 1`, as a lone one does.
	 * Buys: the model's joining scene 1.32 × instead of 1.38 × (with reads 1.35 × instead of 1.40 ×),
	 * scene A with reads 1.47 × instead of 1.52 ×; the sweep's bans unchanged (0 one at a time; 0.49
	 * per 1,000 blind starts, seeds 2001–6000 0.62, with reads 0.38). At 2 windows: 0.62 and 0.75.
	 */
	sharedSpareWindows: 3,
	/**
	 * OTHERS_MEMORY_WINDOWS: the others' use counts at the most seen in this many windows. Why: one
	 * answer right after a lull must not look like room. Protects: sweep, processes of uneven pace.
	 */
	othersMemoryWindows: 1.5,
	/**
	 * FORGET_WINDOWS: after this many windows without seeing another client, the key is this
	 * process's alone again and it grows back to its cap. Why: a finished batch elsewhere should
	 * not slow this one for long. At 1.5: 0.74 instead of 0.49 bans per 1,000 blind starts for
	 * 2 × 40 started 0.6 s apart at 1.60 × instead of 1.65 ×.
	 */
	forgetWindows: 3,
	/**
	 * GROWTH_PER_WINDOW: when the key's use leaves room, a process's share grows by at most its part
	 * of that room (its share of the key's use), this fraction of it per window. Why: processes
	 * that see the same room at once must not all take the whole of it. At 1: 0.87 instead of
	 * 0.49 bans per 1,000 blind starts for 2 × 40 started 0.6 s apart at 1.57 × instead of 1.65 ×.
	 */
	growthPerWindow: 0.5,
	/** MIN_SHARE: the slowest a process goes, in requests per window, however busy the key is. */
	minShare: 0.5,
	/** HOLD_WINDOWS_AFTER_429: after a 429 the rate is halved and held down this many windows. */
	holdWindowsAfter429: 10,
} as const;

/** One answer, as the model needs it. */
export interface Answer {
	/** When this process let the request go (it was counted after that). */
	grantedAt: number;
	/** When its answer came back (it was counted before that). */
	answeredAt: number;
	headers: RateLimitHeaders;
}

/** The key as the answers showed it. */
export interface KeyView {
	/** The key's budget per window (the API's, else the credential's cap). */
	limit: number;
	/** The most requests of others (not this process) seen in the window lately. */
	othersLately: number;
	/** Others were seen within FORGET_WINDOWS. */
	shared: boolean;
	/** The key's whole use in the window at the last answer (this process included). */
	used: number;
	/** This process's requests in that count (estimated from what it sent). */
	own: number;
}

/**
 * Requests of this process the API had counted in its window when it counted `answer`'s request:
 * the request itself and those granted less than a window before it (a request granted earlier
 * reaches the API earlier, give or take the network's jitter, which the newcomer spare absorbs).
 */
export function ownInWindow(answer: Answer, ownGrants: readonly number[], windowMs: number): number {
	const from = answer.grantedAt - windowMs;
	let own = 0;
	for (const grantedAt of ownGrants) if (grantedAt > from && grantedAt < answer.grantedAt) own++;
	return own + 1;
}

/** What the API's answers say about the key: the others' use, and whether the key is shared. */
export class KeyModel {
	private limitSeen: number | undefined;

	private readonly recent: Array<{ at: number; others: number }> = [];

	private othersSeenAt = Number.NEGATIVE_INFINITY;

	private othersRoseAt = Number.NEGATIVE_INFINITY;

	constructor(
		private readonly windowMs: number,
		private cap: number,
	) {}

	setCap(cap: number) {
		this.cap = cap;
	}

	/** The API's `X-RateLimit-Limit` once seen, else the credential's cap. */
	get limit(): number {
		return this.limitSeen ?? this.cap;
	}

	/** Reads one answer; `ownGrants` are the grant times of this process's requests still remembered. */
	observe(answer: Answer, ownGrants: readonly number[]): KeyView {
		if (answer.headers.limit !== undefined) this.limitSeen = answer.headers.limit;
		const limit = this.limit;
		const used = limit - Math.min(limit, Math.max(0, answer.headers.remaining));
		const own = ownInWindow(answer, ownGrants, this.windowMs);
		const others = Math.max(0, used - own);
		const now = answer.answeredAt;
		if (others > this.othersLately(now)) this.othersRoseAt = now;
		if (others > 0) this.othersSeenAt = now;
		this.recent.push({ at: now, others });
		while (this.recent.length && this.recent[0].at < now - RULES.forgetWindows * this.windowMs) this.recent.shift();
		return { limit, othersLately: this.othersLately(now), shared: this.isShared(now), used, own };
	}

	/** The most requests of others seen in the window within OTHERS_MEMORY_WINDOWS. */
	othersLately(now: number): number {
		let most = 0;
		for (const entry of this.recent) if (entry.at >= now - RULES.othersMemoryWindows * this.windowMs) most = Math.max(most, entry.others);
		return most;
	}

	/** The others' use rose (above the most seen within OTHERS_MEMORY_WINDOWS) within SHARED_SPARE_WINDOWS. */
	othersRoseLately(now: number): boolean {
		return now - this.othersRoseAt <= RULES.sharedSpareWindows * this.windowMs;
	}

	/** Others were seen within FORGET_WINDOWS. */
	isShared(now: number): boolean {
		return now - this.othersSeenAt <= RULES.forgetWindows * this.windowMs;
	}
}

/**
 * How many requests per window the key's processes may plan together: the limit less the newcomer
 * spare, and less one more while the others' use has just risen (SHARED_SPARE: after a newcomer's
 * blind request the others' requests already counted stay in the window for up to a second, so the
 * spare it used comes back only then; the second spare keeps a second newcomer within that second
 * safe). `shared`: the key is shared and the others' use rose within SHARED_SPARE_WINDOWS.
 */
export function plannedBudget(
	limit: number,
	cap: number,
	shared = false,
	spares: { newcomer: number; shared: number } = { newcomer: RULES.newcomerSpare, shared: RULES.sharedSpare },
): number {
	if (isHandSplit(cap, limit)) return limit;
	return Math.max(1, limit - spares.newcomer - (shared ? spares.shared : 0));
}

/**
 * HAND_SPLIT: a credential cap of at most half the key's budget is a split by hand (Requests per
 * Second = 10 ÷ the number of processes). Each process's cap alone then keeps the key within its
 * limit: no newcomer spare (the number of processes is known), and the share rules below only
 * apply when the others' use leaves no room for the whole cap.
 */
export function isHandSplit(cap: number, limit: number): boolean {
	return cap <= limit / 2;
}

/**
 * READ_ROOM (status reads only, `keepRoom`): while the key's use is within the planned budget, a
 * cut stops at the room the others' recent use leaves (`budget − othersLately`), not at the
 * proportional part. Why: reads come as tasks finish, so a process's use of the read window is
 * its demand, not its part, and the first answer a process gets may show the other's reads before
 * its own: the part it cuts to (1 of 3: 2.67 of 8) is the part it keeps, since the slot floor holds
 * its use to 2 (real n8n, scene A's slow runs: one worker reading 2–3 a second while its tasks
 * finish at 4). Buys: the model's "warm reads 0.3 s apart" scene 1.33 × instead of 1.68 ×; the
 * sweep with every task read (`taskMs`), 0 bans one at a time either way. Not for creates: there
 * every process has a backlog, and keeping the room each saw bans the sweep (15 one at a time).
 *
 * PROPORTIONAL_SHARE: the share of the planned budget this process runs at, given what the last
 * answer showed: its part of the budget in proportion to its own use of the key (`budget × own /
 * used`). Above its part (others just showed up, or several grew at once) it cuts to it at once;
 * below it, it grows towards it by GROWTH_PER_WINDOW of the gap per window elapsed. The parts of
 * all processes seeing the same key add up to the budget, however many they are, so processes that
 * react to the same view at the same moment cannot overshoot it together.
 */
export function nextShare(current: number, view: KeyView, budget: number, cap: number, windowsElapsed: number, keepRoom = false): number {
	const own = Math.max(1, view.own);
	const used = Math.max(own, view.used);
	const part = Math.min((budget * own) / used, budget - view.othersLately);
	let share = current >= part ? part : current + Math.min(1, windowsElapsed) * RULES.growthPerWindow * (part - current);
	// READ_ROOM: a cut while the key is within its budget stops at the room the others leave (the
	// part is never above it, so that room is the stop).
	if (keepRoom && current >= part && view.used <= budget) share = Math.min(current, budget - view.othersLately);
	return Math.min(cap, Math.max(RULES.minShare, share));
}
