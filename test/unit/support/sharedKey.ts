/**
 * Several processes sharing one API key, each with its own RateLimiter, against a model of the API's
 * strictest reading of the seed: a sliding one-second window per key, the 11th request in it refused
 * with 429, the three `X-RateLimit-*` headers on every answer. Runs on jest's fake clock, so a run of
 * a hundred requests takes milliseconds and the same seed gives the same run: the limiter's rules
 * can be tried on many interleavings (start offsets, network delays in and out) that a real run on a
 * shared machine only meets by chance.
 */
import { RateLimiter, WINDOW_MS, type RateLimitHeaders } from '../../../nodes/Unifically/transport/RateLimiter';

export interface SharedKeyScenario {
	/** Items per process, all started together in each process (as a Generate batch). */
	items: number[];
	/** The key's budget per second (the API's). */
	limit?: number;
	/** The credential's Requests per Second in every process (default the API's limit). */
	cap?: number;
	/** Milliseconds before a request is counted (the way in), drawn per request. */
	requestDelayMs?: [number, number];
	/** Milliseconds after it is counted until the process has the answer (work, the way back, a busy event loop). */
	answerDelayMs?: [number, number];
	/** Each process starts at a random moment in [0, startSpreadMs]. */
	startSpreadMs?: number;
	seed: number;
	/** Filled with one line per request when given (to read a run). */
	trace?: string[];
}

export interface SharedKeyOutcome {
	/** Requests the API refused with 429 (each would be a ban of the key). */
	rateLimited: number;
	/** From the first request counted to the last. */
	spanMs: number;
	/** The most requests of the key in any one-second window. */
	peak: number;
	/** The span compared with the key's budget: `(total - 1) / limit` seconds. */
	ratio: number;
}

/** mulberry32: a small seeded random number generator. */
function random(seed: number) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * Runs one scenario to the end. Call with jest's modern fake timers on (`jest.useFakeTimers()`),
 * passing `jest.advanceTimersByTimeAsync`.
 */
export async function runSharedKey(
	scenario: SharedKeyScenario,
	advance: (ms: number) => Promise<void>,
): Promise<SharedKeyOutcome> {
	const limit = scenario.limit ?? 10;
	const rng = random(scenario.seed);
	const draw = ([min, max]: [number, number] = [0, 0]) => min + rng() * (max - min);
	const wait = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));
	const counted: number[] = [];
	const window: number[] = [];
	let rateLimited = 0;
	let peak = 0;

	/** The API: counts the request now, answers with the key's budget as it stands. */
	function count(): { allowed: boolean; headers: RateLimitHeaders } {
		const now = Date.now();
		while (window.length && window[0] <= now - 1000) window.shift();
		if (window.length >= limit) {
			rateLimited++;
			return { allowed: false, headers: { limit, remaining: 0, resetAt: now + 1000 } };
		}
		window.push(now);
		counted.push(now);
		peak = Math.max(peak, window.length);
		return {
			allowed: true,
			headers: { limit, remaining: limit - window.length, resetAt: Math.ceil((window[0] + 1000) / 1000) * 1000 },
		};
	}

	const began = Date.now();
	async function runProcess(items: number, index: number) {
		await wait(draw([0, scenario.startSpreadMs ?? 0]));
		const limiter = new RateLimiter(scenario.cap ?? limit, WINDOW_MS);
		await Promise.all(
			Array.from({ length: items }, async () => {
				for (;;) {
					const release = await limiter.acquire();
					const grantedAt = Date.now() - began;
					await wait(draw(scenario.requestDelayMs));
					const answer = count();
					scenario.trace?.push(
						`p${index} granted ${grantedAt} counted ${Date.now() - began} ${answer.allowed ? `remaining ${answer.headers.remaining}` : '429'} share ${limiter.share.toFixed(2)}`,
					);
					await wait(draw(scenario.answerDelayMs));
					if (answer.allowed) {
						release(answer.headers);
						return;
					}
					// As the transport does: nothing created; wait it out (a short ban here), slower for a while.
					release();
					limiter.pause(1000);
					limiter.rateLimited(1000);
				}
			}),
		);
	}

	let done = false;
	const all = Promise.all(scenario.items.map(async (items, index) => await runProcess(items, index))).then(() => {
		done = true;
	});
	for (let elapsed = 0; !done; elapsed += 5) {
		if (elapsed > 600_000) throw new Error('shared-key run did not finish in 10 simulated minutes');
		await advance(5);
	}
	await all;
	const total = counted.length;
	const spanMs = counted[total - 1] - counted[0];
	return { rateLimited, spanMs, peak, ratio: spanMs / (((total - 1) / limit) * 1000) };
}
