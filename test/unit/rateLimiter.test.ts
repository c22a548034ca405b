/**
 * The per-key rate limiter (nodes/Unifically/transport/RateLimiter.ts) on its own, with short
 * windows so that the rules show in a few hundred milliseconds. Timings are asserted with wide
 * margins (the machine is shared): each test checks an order or a lower bound that only the rule
 * under test can produce.
 */
import { RateLimiter, readRateLimitHeaders, type RateLimitHeaders } from '../../nodes/Unifically/transport/RateLimiter';

import { runSharedKey, type SharedKeyScenario } from './support/sharedKey';

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `count` requests through `limiter` one after the other, answered at once; returns grant times. */
async function grantTimes(limiter: RateLimiter, count: number, headers?: (index: number) => RateLimitHeaders | undefined) {
	const times: number[] = [];
	for (let index = 0; index < count; index++) {
		const release = await limiter.acquire();
		times.push(Date.now());
		release(headers?.(index));
	}
	return times;
}

const gaps = (times: number[]) => times.slice(1).map((time, index) => time - times[index]);

describe('reading the rate-limit headers', () => {
	const now = 1_706_356_000_000;

	test('present, as the seed shows them (Reset in unix seconds)', () => {
		expect(
			readRateLimitHeaders({ 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '8', 'x-ratelimit-reset': '1706356800' }, now),
		).toEqual({ limit: 10, remaining: 8, resetAt: 1_706_356_800_000 });
	});

	test('any letter case, arrays and numbers', () => {
		expect(readRateLimitHeaders({ 'X-RateLimit-Limit': ['10'], 'X-RateLimit-Remaining': 3 }, now)).toEqual({
			limit: 10,
			remaining: 3,
			resetAt: undefined,
		});
	});

	test('Reset in milliseconds or in seconds from now', () => {
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': String(now + 500) }, now)?.resetAt).toBe(now + 500);
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '2' }, now)?.resetAt).toBe(now + 2000);
	});

	test('missing: nothing to go by without Remaining; Limit and Reset are optional', () => {
		expect(readRateLimitHeaders({}, now)).toBeUndefined();
		expect(readRateLimitHeaders(undefined, now)).toBeUndefined();
		expect(readRateLimitHeaders({ 'x-ratelimit-limit': '10', 'x-ratelimit-reset': '1706356800' }, now)).toBeUndefined();
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '4' }, now)).toEqual({ limit: undefined, remaining: 4, resetAt: undefined });
	});

	test('malformed values are ignored, one by one', () => {
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': 'lots' }, now)).toBeUndefined();
		expect(readRateLimitHeaders({ 'x-ratelimit-remaining': '-1' }, now)).toBeUndefined();
		expect(
			readRateLimitHeaders({ 'x-ratelimit-limit': 'ten', 'x-ratelimit-remaining': ' 7 ', 'x-ratelimit-reset': 'Tue, 01 Jan 2030' }, now),
		).toEqual({ limit: undefined, remaining: 7, resetAt: undefined });
		expect(readRateLimitHeaders({ 'x-ratelimit-limit': '0', 'x-ratelimit-remaining': '0' }, now)).toEqual({
			limit: undefined,
			remaining: 0,
			resetAt: undefined,
		});
	});
});

describe('RateLimiter', () => {
	test('paces requests through the window instead of bursting the budget at its start', async () => {
		// 5 per 500 ms: one every ~100 ms, although all 5 would fit in the window at once.
		const limiter = new RateLimiter(5, 500);
		const times = await grantTimes(limiter, 5);
		// On schedule (a late grant lets the next catch up by at most half an interval).
		expect(times[4] - times[0]).toBeGreaterThanOrEqual(395);
		for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(48);
	});

	test('holds each slot until a window after its answer: one process alone cannot exceed the cap', async () => {
		const limiter = new RateLimiter(2, 200);
		// A first answer (until then one request at a time), gone from the window before the test.
		(await limiter.acquire())();
		await sleep(250);
		const first = await limiter.acquire();
		const second = await limiter.acquire();
		let thirdGranted = false;
		const third = limiter.acquire().then((release) => {
			thirdGranted = true;
			return release;
		});
		// Both slots are in flight: however long they take, no third request is sent.
		await sleep(400);
		expect(thirdGranted).toBe(false);
		const answeredAt = Date.now();
		first();
		second();
		// Answered now: its slot is free again only a window (200 ms) later.
		await sleep(100);
		expect(thirdGranted).toBe(false);
		(await third)();
		expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(199);
	});

	test("the credential's cap is an upper bound, whatever the API says is left", async () => {
		const limiter = new RateLimiter(2, 300);
		// The API offers 10 per window, 9 left: still at most 2 in any window of this process.
		const times = await grantTimes(limiter, 5, () => ({ limit: 10, remaining: 9 }));
		for (let index = 2; index < times.length; index++) expect(times[index] - times[index - 2]).toBeGreaterThanOrEqual(295);
		expect(limiter.share).toBeLessThanOrEqual(2);
	});

	test("the API's own lower limit is honoured too", async () => {
		const limiter = new RateLimiter(10, 300);
		(await limiter.acquire())({ limit: 2, remaining: 1 });
		const times = await grantTimes(limiter, 3, () => ({ limit: 2, remaining: 1 }));
		expect(times[2] - times[0]).toBeGreaterThanOrEqual(295);
	});

	test('a pause (a 429) holds every request back', async () => {
		const limiter = new RateLimiter(10, 100);
		limiter.pause(250);
		const startedAt = Date.now();
		(await limiter.acquire())();
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(240);
	});

	test('grants in arrival order', async () => {
		const limiter = new RateLimiter(1, 50);
		const order: number[] = [];
		await Promise.all(
			[0, 1, 2, 3].map(async (index) => {
				const release = await limiter.acquire();
				order.push(index);
				release();
			}),
		);
		expect(order).toEqual([0, 1, 2, 3]);
	});

	test('until its first answer, one request at a time (the answer may show the key in use elsewhere)', async () => {
		const limiter = new RateLimiter(10, 100);
		const first = await limiter.acquire();
		let secondGranted = false;
		const second = limiter.acquire().then((release) => {
			secondGranted = true;
			return release;
		});
		await sleep(150);
		expect(secondGranted).toBe(false);
		first();
		(await second)();
		expect(secondGranted).toBe(true);
	});

	describe('giving way to the key\'s other clients', () => {
		test('alone on the key (Remaining = the budget minus its own requests), it keeps its full rate', async () => {
			const limiter = new RateLimiter(10, 1000);
			let mine = 0;
			const times = await grantTimes(limiter, 6, () => ({ limit: 10, remaining: 10 - ++mine }));
			expect(limiter.share).toBe(10);
			// ~100 ms apart: the pace of 10 per window, nothing slower.
			expect(times[5] - times[0]).toBeLessThan(900);
		});

		test('another client spending the key: lower share, and no more than half of what is left until a window after that answer', async () => {
			const limiter = new RateLimiter(10, 400);
			// The first answer shows 8 of 10 spent in the window, only 1 of them ours.
			(await limiter.acquire())({ limit: 10, remaining: 2 });
			// Never plan more than what the others leave (10 − 7 − 1 spare), then slow down (nearly spent).
			expect(limiter.share).toBeLessThanOrEqual(2);
			const startedAt = Date.now();
			// Half of the 2 left may go at once (after the pace)...
			(await limiter.acquire())();
			// ...then nothing until the answer's word expires (a window after it): the others' requests
			// are still counted until then.
			(await limiter.acquire())();
			expect(Date.now() - startedAt).toBeGreaterThanOrEqual(350);
		});

		test('Remaining 0 with others about: waits a window after that answer, even when Reset names an earlier time', async () => {
			// A sliding window's Reset (whole seconds) frees only its oldest request: processes that all
			// resumed at the same Reset were banned in the shared-key model below.
			const limiter = new RateLimiter(10, 400);
			const answeredAt = Date.now();
			(await limiter.acquire())({ limit: 10, remaining: 0, resetAt: answeredAt + 100 });
			(await limiter.acquire())();
			expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(390);
		});

		test('when the others stop, it goes back up to the cap', async () => {
			const limiter = new RateLimiter(10, 100);
			(await limiter.acquire())({ limit: 10, remaining: 1 });
			const lowered = limiter.share;
			expect(lowered).toBeLessThan(10);
			// Answers showing only our own request in the window, for more than 3 windows.
			for (let index = 0; index < 8; index++) {
				(await limiter.acquire())({ limit: 10, remaining: 9 });
				await sleep(60);
			}
			(await limiter.acquire())();
			expect(limiter.share).toBe(10);
		});
	});

	describe('after a 429', () => {
		test('waits it out, then goes on at half its rate, held there before probing back up', async () => {
			const limiter = new RateLimiter(8, 50);
			limiter.pause(200);
			limiter.rateLimited(200);
			expect(limiter.share).toBe(4);
			const startedAt = Date.now();
			const times = await grantTimes(limiter, 4);
			expect(times[0] - startedAt).toBeGreaterThanOrEqual(190);
			// Half the rate: 4 per 50 ms window → 12.5 ms apart; still at half during the hold.
			expect(times[3] - times[0]).toBeGreaterThanOrEqual(36);
			expect(limiter.share).toBe(4);
			// The hold is 10 windows (500 ms) after the pause; then it probes back up, additively.
			await sleep(700);
			(await limiter.acquire())();
			expect(limiter.share).toBeGreaterThan(4);
			await sleep(600);
			(await limiter.acquire())();
			expect(limiter.share).toBe(8);
		});

		test('a second 429 halves it again, never below one request every two windows', async () => {
			const limiter = new RateLimiter(4, 50);
			for (let index = 0; index < 5; index++) limiter.rateLimited(0);
			expect(limiter.share).toBe(0.5);
		});
	});
});

/**
 * Several processes on one key (as n8n queue-mode workers), each with its own limiter, against a
 * model of the API's strictest reading (a sliding second, the 11th request refused), on jest's fake
 * clock: the same interleavings every run, and many of them (start offsets, delays in and out).
 */
describe('several processes on one key (fake clock, seeded interleavings)', () => {
	const SEEDS = Array.from({ length: 40 }, (_, index) => index + 1);
	const advance = async (ms: number) => {
		await jest.advanceTimersByTimeAsync(ms);
	};

	async function runAll(scenario: Omit<SharedKeyScenario, 'seed'>) {
		jest.useFakeTimers();
		try {
			const outcomes = [];
			for (const seed of SEEDS) {
				// A fixed clock, at a different point of the second for each seed (the Reset header is whole seconds).
				jest.setSystemTime(1_800_000_000_000 + seed * 137);
				outcomes.push(await runSharedKey({ ...scenario, seed }, advance));
			}
			return {
				rateLimited: outcomes.reduce((sum, outcome) => sum + outcome.rateLimited, 0),
								meanRatio: outcomes.reduce((sum, outcome) => sum + outcome.ratio, 0) / outcomes.length,
				peak: Math.max(...outcomes.map((outcome) => outcome.peak)),
			};
		} finally {
			jest.useRealTimers();
		}
	}

	test('one process alone keeps the full budget (slow start costs nothing when answers come back fast)', async () => {
		const result = await runAll({ items: [80], answerDelayMs: [3, 20] });
		expect(result.rateLimited).toBe(0);
		expect(result.meanRatio).toBeLessThan(1.1);
	});

	test('two processes at once: never a 429, and the key is shared without halving the pace', async () => {
		const result = await runAll({ items: [40, 40], answerDelayMs: [3, 20], startSpreadMs: 100 });
		expect(result.rateLimited).toBe(0);
		// The old rules (a spare of 3, half of Remaining) measured 1.60 here.
		expect(result.meanRatio).toBeLessThan(1.55);
	}, 60_000);

	test('two processes against a distant API (requests counted out of order, answers late): never a 429', async () => {
		const result = await runAll({ items: [40, 40], requestDelayMs: [0, 100], answerDelayMs: [50, 300], startSpreadMs: 100 });
		expect(result.rateLimited).toBe(0);
	}, 60_000);

	test('three processes starting together: never a 429 (the old rules: in every run)', async () => {
		const result = await runAll({ items: [27, 27, 27], answerDelayMs: [3, 20], startSpreadMs: 100 });
		expect(result.rateLimited).toBe(0);
	}, 60_000);

	test('four processes starting together: never a 429', async () => {
		const result = await runAll({ items: [20, 20, 20, 20], answerDelayMs: [3, 20], startSpreadMs: 100 });
		expect(result.rateLimited).toBe(0);
	}, 60_000);

	test('two processes on a busy machine (requests and answers late by tens of milliseconds): never a 429', async () => {
		const result = await runAll({ items: [40, 40], requestDelayMs: [0, 30], answerDelayMs: [3, 60], startSpreadMs: 300 });
		expect(result.rateLimited).toBe(0);
	}, 60_000);

	test('Requests per Second split by hand (5 each for two workers): never a 429, and close to the bound once started', async () => {
		const result = await runAll({ items: [40, 40], cap: 5, requestDelayMs: [0, 30], answerDelayMs: [3, 60], startSpreadMs: 300 });
		expect(result.rateLimited).toBe(0);
		// Rule 1 alone keeps a split that adds up to the budget safe: no giving way on top (1.48 with it).
		expect(result.meanRatio).toBeLessThan(1.3);
	}, 60_000);

	test('a split by hand that does not add up (5 each for three workers): still never a 429', async () => {
		const result = await runAll({ items: [27, 27, 27], cap: 5, answerDelayMs: [3, 20], startSpreadMs: 100 });
		expect(result.rateLimited).toBe(0);
	}, 60_000);

	test('Requests per Second split by hand (3 each for three workers): never a 429, whatever the network does', async () => {
		const result = await runAll({ items: [27, 27, 27], cap: 3, requestDelayMs: [0, 150], answerDelayMs: [0, 400], startSpreadMs: 100 });
		expect(result.rateLimited).toBe(0);
		expect(result.peak).toBeLessThanOrEqual(9);
	}, 60_000);
});
