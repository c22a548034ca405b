/**
 * Several processes sharing one API key, each with its own RateLimiter, against a model of the API's
 * strictest reading of the API doc: a sliding one-second window per key, the 11th request in it refused
 * with 429 and the key banned, the three `X-RateLimit-*` headers on every answer. Runs on a virtual
 * clock (support/virtualClock.ts), so a minute of traffic takes milliseconds and the same seed gives
 * the same run: the limiter's rules are tried on many interleavings (start moments, network delays
 * in and out) that a real run on a shared machine only meets by chance.
 */
import { newLimiter, WINDOW_MS, type LimiterVariant, type RateLimitHeaders, type RuleName } from '../../../nodes/shared/transport/RateLimiter';
import { seededRandom as random } from '../../../simulator/server.cjs';

import { VirtualClock } from './virtualClock.cjs';

export interface SharedKeyProcess {
	/** When the process starts its batch (ms after the scenario starts). */
	startMs: number;
	/** Items of its batch, all started together (as a Generate batch). */
	items: number;
	/** The credential's Requests per Second in this process (default the API's limit). */
	cap?: number;
	/** Creates only: another cap (creates split by hand while reads share the key). */
	createCap?: number;
	/**
	 * Its status-read limiter has run before: no slow start. An n8n worker keeps its limiters as long
	 * as it runs, so from its second batch on its reads start at full pace.
	 */
	warmReads?: boolean;
}

export interface SharedKeyScenario {
	processes: SharedKeyProcess[];
	/** The key's budget per second (the API's). */
	limit?: number;
	/** Milliseconds before a request is counted (the way in), drawn per request. */
	requestDelayMs?: [number, number];
	/** Milliseconds after it is counted until the process has the answer (the way back, a busy event loop). */
	answerDelayMs?: [number, number];
	/** How long the key stays banned after a request beyond the limit (the API: 60 s). */
	banMs?: number;
	seed: number;
	/** Filled with one line per request when given (to read a run). */
	trace?: string[];
	/** Which limiter every process runs (default the node's; `baseline`: the simple one it is measured against). */
	limiter?: LimiterVariant;
	/** Rules of the node's limiter switched off (what each buys). */
	without?: RuleName[];
	/**
	 * Tasks of this many ms, each read once it should have finished (as the node aims its reads),
	 * through a second limiter per process against the key's status-read window: the model of the
	 * bench's real-n8n scenes, where every task is read too. Unset: creates only (the sweep).
	 */
	taskMs?: number;
}

export interface SharedKeyOutcome {
	/** Times the key was banned (a request beyond the limit while not banned). */
	bans: number;
	/** Requests the API refused with 429 (the ban's first, and those sent during it). */
	rateLimited: number;
	/** The most requests of the key in any one-second window. */
	peak: number;
	/** From the first start to the last request counted. */
	spanMs: number;
	/** The same for an ideal single client sending every item at the key's limit as soon as it exists. */
	boundMs: number;
	/** spanMs / boundMs. */
	ratio: number;
	/**
	 * Per process in order of start: whether it started after an answer, as issue #22 words "one at
	 * a time" — every process that had started before it (and was still running) had had an answer
	 * since the start before it. An answer can come milliseconds after a start and say nothing of it.
	 */
	afterAnAnswer: boolean[];
	/**
	 * Per process in order of start: whether it started once the key could have made room for it —
	 * every process still running had had an answer to a request the API counted after the previous
	 * newcomer's first request (it had seen that newcomer), and a window had passed since that
	 * start (what the API counted before cannot leave its window sooner). A start that is not is
	 * blind: nothing any process can do makes room for it (docs/scaling.md, "the risk that remains").
	 */
	oneAtATime: boolean[];
}

/** The ideal schedule's last request: every item sent at the limit as soon as its batch has started. */
export function idealSpanMs(processes: SharedKeyProcess[], limit: number): number {
	const arrivals = processes.flatMap((process) => Array.from({ length: process.items }, () => process.startMs)).sort((a, b) => a - b);
	let last = Number.NEGATIVE_INFINITY;
	for (const arrival of arrivals) last = Math.max(arrival, last + 1000 / limit);
	return last - arrivals[0];
}

/** Runs one scenario to the end on a virtual clock of its own. */
export async function runSharedKey(scenario: SharedKeyScenario): Promise<SharedKeyOutcome> {
	const limit = scenario.limit ?? 10;
	const banMs = scenario.banMs ?? 60_000;
	const clock = new VirtualClock();
	const began = clock.now();
	const rng = random(scenario.seed);
	const draw = ([min, max]: [number, number] = [0, 0]) => min + rng() * (max - min);
	const counted: number[] = [];
	const createWindow: number[] = [];
	let bannedUntil = Number.NEGATIVE_INFINITY;
	let bans = 0;
	let rateLimited = 0;
	let peak = 0;

	const readWindow: number[] = [];
	let lastRead = Number.NEGATIVE_INFINITY;

	/** The API: counts the request now, answers with the key's budget as it stands (creates and reads each in a window of their own). */
	function count(kind: 'create' | 'status' = 'create'): { allowed: boolean; headers?: RateLimitHeaders; retryAfterMs?: number } {
		const now = clock.now();
		if (now < bannedUntil) {
			rateLimited++;
			return { allowed: false, retryAfterMs: bannedUntil - now };
		}
		const window = kind === 'create' ? createWindow : readWindow;
		while (window.length && window[0] <= now - 1000) window.shift();
		if (window.length >= limit) {
			rateLimited++;
			bans++;
			bannedUntil = now + banMs;
			return { allowed: false, retryAfterMs: banMs };
		}
		window.push(now);
		if (kind === 'create') counted.push(now);
		else lastRead = Math.max(lastRead, now);
		peak = Math.max(peak, window.length);
		return {
			allowed: true,
			headers: { limit, remaining: limit - window.length, resetAt: Math.ceil((window[0] + 1000) / 1000) * 1000 },
		};
	}

	const order = scenario.processes.map((process, index) => ({ ...process, index })).sort((a, b) => a.startMs - b.startMs);
	/** Per process, per answer: [when the API counted the request, when its answer came back]. */
	const answers: Array<Array<[number, number]>> = scenario.processes.map(() => []);
	/** Per process: when the API counted its first request that it let in. */
	const firstCounted: number[] = scenario.processes.map(() => Number.POSITIVE_INFINITY);
	const finishedAt: number[] = scenario.processes.map(() => Number.POSITIVE_INFINITY);

	async function runProcess(process: SharedKeyProcess, index: number) {
		await clock.sleep(process.startMs);
		const newOne = (kind: 'create' | 'status', cap: number, warm = false) =>
			newLimiter(scenario.limiter ?? 'limiter', cap, WINDOW_MS, clock, new Set([...(scenario.without ?? []), ...(warm ? (['SLOW_START'] as const) : [])]), kind);
		const limiters = { create: newOne('create', process.createCap ?? process.cap ?? limit), status: newOne('status', process.cap ?? limit, process.warmReads) };
		/** One request until the API lets it in; resolves with when it was counted. */
		async function send(kind: 'create' | 'status'): Promise<number> {
			const limiter = limiters[kind];
			for (;;) {
				const release = await limiter.acquire();
				const grantedAt = clock.now() - began;
				await clock.sleep(draw(scenario.requestDelayMs));
				const countedAt = clock.now() - began;
				const answer = count(kind);
				if (answer.allowed && kind === 'create') firstCounted[index] = Math.min(firstCounted[index], countedAt);
				scenario.trace?.push(
					`p${index} ${kind === 'create' ? '' : 'read '}granted ${grantedAt} counted ${countedAt} ${answer.allowed ? `remaining ${answer.headers!.remaining}` : '429'} share ${limiter.share.toFixed(2)}`,
				);
				await clock.sleep(draw(scenario.answerDelayMs));
				if (kind === 'create') answers[index].push([countedAt, clock.now() - began]);
				if (answer.allowed) {
					release(answer.headers);
					return countedAt;
				}
				// As the transport does: nothing created; the key waits out the ban (both kinds), then slower for a while.
				release();
				limiters.create.pause(answer.retryAfterMs!);
				limiters.status.pause(answer.retryAfterMs!);
				limiter.rateLimited(answer.retryAfterMs!);
			}
		}
		await Promise.all(
			Array.from({ length: process.items }, async () => {
				const createdAt = await send('create');
				if (scenario.taskMs === undefined) return;
				// Read once it should have finished (the node aims just past the duration it learned);
				// a read that finds it unfinished looks again 200 ms later.
				await clock.sleep(scenario.taskMs + 50);
				while ((await send('status')) < createdAt + scenario.taskMs) await clock.sleep(200);
			}),
		);
		finishedAt[index] = clock.now() - began;
	}

	let done = false;
	const all = Promise.all(scenario.processes.map(async (process, index) => await runProcess(process, index))).then(() => {
		done = true;
	});
	// A day of virtual time: a limiter that bans the key again and again still finishes (the baseline can).
	await clock.runUntil(() => done, 86_400_000);
	await all;

	const running = (earlier: { index: number }, at: number) => finishedAt[earlier.index] > at;
	const afterAnAnswer = order.map((process, position) => {
		if (position === 0) return true;
		const previousStart = order[position - 1].startMs;
		return order
			.slice(0, position)
			.every((earlier) => !running(earlier, process.startMs) || answers[earlier.index].some(([, at]) => at > previousStart && at <= process.startMs));
	});
	const oneAtATime = order.map((process, position) => {
		if (position === 0) return true;
		const previous = order[position - 1];
		if (process.startMs - previous.startMs < 1000) return false;
		const newcomerCounted = firstCounted[previous.index];
		return order
			.slice(0, position - 1)
			.every(
				(earlier) =>
					!running(earlier, process.startMs) ||
					answers[earlier.index].some(([countedAt, answeredAt]) => countedAt > newcomerCounted && answeredAt <= process.startMs),
			);
	});
	// With reads: to the last read, against the bench's bound (every create at the limit, then one task).
	const spanMs = (scenario.taskMs === undefined ? counted[counted.length - 1] - began : lastRead - began) - order[0].startMs;
	const boundMs = Math.max(1, idealSpanMs(scenario.processes, limit) + (scenario.taskMs ?? 0));
	return { bans, rateLimited, peak, spanMs, boundMs, ratio: spanMs / boundMs, afterAnAnswer, oneAtATime };
}

/**
 * The randomized sweep's scenarios: 2–6 processes, each starting at a random moment in the first
 * 30 s (in about a third of the scenarios two or three of them within the same second), batches of
 * 5–300 items, the API 0–400 ms away on the way in and out, the default credential or Requests per
 * Second split by hand.
 */
export function sweepScenario(seed: number): SharedKeyScenario & { handSplit: boolean } {
	const rng = random(seed * 7919 + 17);
	const count = 2 + Math.floor(rng() * 5);
	const handSplit = rng() < 0.3;
	const cap = handSplit ? Math.max(1, Math.floor(10 / count)) : undefined;
	const processes: SharedKeyProcess[] = Array.from({ length: count }, () => ({
		startMs: Math.round(rng() * 30_000),
		items: 5 + Math.floor(rng() ** 2 * 295),
		cap,
	}));
	if (rng() < 0.35) {
		// Two or three start within the same second.
		const together = Math.min(count, 2 + Math.floor(rng() * 2));
		for (let index = 1; index < together; index++) processes[index].startMs = processes[0].startMs + Math.round(rng() * 1000);
	}
	const inMax = rng() * 400;
	const outMax = rng() * 400;
	return { processes, requestDelayMs: [0, inMax], answerDelayMs: [0, outMax], seed, handSplit };
}

export interface SweepSummary {
	scenarios: number;
	starts: number;
	/** Bans in scenarios where every process started one at a time (`oneAtATime`). */
	sequentialBans: number;
	/** Bans in scenarios where some started blind. */
	blindBans: number;
	/** Bans per 1,000 process starts, blind starts included. */
	blindBansPerThousand: number;
	/** Bans where every start came after an answer since the one before (issue #22's wording). */
	bansAfterAnAnswer: number;
	/** The slowdown against each scenario's bound: p10, median, p90, p99, max. */
	ratio: { p10: number; median: number; p90: number; p99: number; max: number };
	banned: string[];
}

/** The randomized sweep (`sweepScenario`) over `count` seeds from `first`, with one limiter; with `taskMs`, every task read once finished (both windows). */
export async function runSweep({
	first = 1,
	count = 2000,
	limiter,
	without,
	taskMs,
}: { first?: number; count?: number; limiter?: LimiterVariant; without?: RuleName[]; taskMs?: number } = {}): Promise<SweepSummary> {
	let sequentialBans = 0;
	let blindBans = 0;
	let bansAfterAnAnswer = 0;
	let starts = 0;
	const ratios: number[] = [];
	const banned: string[] = [];
	for (let seed = first; seed < first + count; seed++) {
		const scenario = sweepScenario(seed);
		const outcome = await runSharedKey({ ...scenario, limiter, without, taskMs });
		starts += scenario.processes.length;
		const blind = !outcome.oneAtATime.every(Boolean);
		if (blind) blindBans += outcome.bans;
		else sequentialBans += outcome.bans;
		if (outcome.afterAnAnswer.every(Boolean)) bansAfterAnAnswer += outcome.bans;
		ratios.push(outcome.ratio);
		if (outcome.bans > 0) banned.push(`seed ${seed}${blind ? ' (blind starts)' : ''}: ${outcome.bans} ban(s)`);
	}
	ratios.sort((a, b) => a - b);
	const quantile = (q: number) => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))];
	return {
		scenarios: count,
		starts,
		sequentialBans,
		blindBans,
		blindBansPerThousand: (1000 * blindBans) / Math.max(1, starts),
		bansAfterAnAnswer,
		ratio: { p10: quantile(0.1), median: quantile(0.5), p90: quantile(0.9), p99: quantile(0.99), max: quantile(1) },
		banned,
	};
}

/** The API next to the processes: 0–5 ms on the way in, 2–15 ms back. */
export const NEAR = { requestDelayMs: [0, 5] as [number, number], answerDelayMs: [2, 15] as [number, number] };
/** An n8n worker busy with its batch: answers handled 5–80 ms after the API sent them. */
const BUSY = { requestDelayMs: [0, 20] as [number, number], answerDelayMs: [5, 80] as [number, number] };
const FAR = { requestDelayMs: [0, 100] as [number, number], answerDelayMs: [50, 300] as [number, number] };

/** The bench's scene B: a 300-item batch, 20-item batches joining at 4, 12 and 20 s. */
const JOINING: SharedKeyProcess[] = [
	{ startMs: 0, items: 300 },
	{ startMs: 4000, items: 20 },
	{ startMs: 12_000, items: 20 },
	{ startMs: 20_000, items: 20 },
];

/** The bench's scenes on the model (creates only, unless tasks are read): what `npm run bench` measures in real n8n. */
export const MODEL_SCENES = {
	'one batch of 100': { processes: [{ startMs: 0, items: 100 }], ...NEAR },
	'2 × 40 at once': { processes: [{ startMs: 0, items: 40 }, { startMs: 0, items: 40 }], ...NEAR },
	'2 × 40, the second 0.5 s later': { processes: [{ startMs: 0, items: 40 }, { startMs: 500, items: 40 }], ...NEAR },
	'300 + 20 joining at 4, 12, 20 s': { processes: JOINING, ...NEAR },
	'2 × 40, a distant API (0–0.1 s in, 0.05–0.3 s out)': { processes: [{ startMs: 0, items: 40 }, { startMs: 300, items: 40 }], ...FAR },
	'1,000 items': { processes: [{ startMs: 0, items: 1000 }], ...NEAR },
	// Scene A as real n8n queue mode shows it (bench/RESULTS.md): the batches start about 0.1 s apart,
	// every task is read once finished (3 s), and a busy worker handles answers 5–80 ms late.
	'2 × 40, 0.1 s apart, 3 s tasks read, busy workers': {
		processes: [{ startMs: 0, items: 40 }, { startMs: 100, items: 40 }],
		...BUSY,
		taskMs: 3000,
	},
	'one batch of 100, 3 s tasks read, a busy worker': { processes: [{ startMs: 0, items: 100 }], ...BUSY, taskMs: 3000 },
	'1,000 items, 30 s tasks read, a busy worker': { processes: [{ startMs: 0, items: 1000 }], ...BUSY, taskMs: 30_000 },
	'300 + 20 joining, 3 s tasks read, busy workers': { processes: JOINING, ...BUSY, taskMs: 3000 },
	// Scene A's worst runs in real n8n (bench/RESULTS.md, third look): the creates split evenly, but one
	// worker's reads held to 2–3 a second while its tasks finish at 4. Warm limiters, reads 0.3 s apart:
	// the later reader's first answer shows the other's reads, and the part it cuts to is the part it keeps.
	'2 × 40, creates 4 + 4, warm reads 0.3 s apart, busy workers': {
		processes: [
			{ startMs: 0, items: 40, createCap: 4, warmReads: true },
			{ startMs: 300, items: 40, createCap: 4, warmReads: true },
		],
		...BUSY,
		taskMs: 3000,
	},
} satisfies Record<string, Omit<SharedKeyScenario, 'seed'>>;

/** One scenario over seeds 1…`seeds`: bans, the slowdown (mean, median, worst) and the busiest second. */
export async function runSeeds(scenario: Omit<SharedKeyScenario, 'seed'>, seeds = 10) {
	const outcomes: SharedKeyOutcome[] = [];
	for (let seed = 1; seed <= seeds; seed++) outcomes.push(await runSharedKey({ ...scenario, seed }));
	const ratios = outcomes.map((outcome) => outcome.ratio).sort((a, b) => a - b);
	return {
		bans: outcomes.reduce((sum, outcome) => sum + outcome.bans, 0),
		meanRatio: ratios.reduce((sum, ratio) => sum + ratio, 0) / ratios.length,
		median: ratios[Math.floor(ratios.length / 2)],
		worst: ratios[ratios.length - 1],
		peak: Math.max(...outcomes.map((outcome) => outcome.peak)),
	};
}
