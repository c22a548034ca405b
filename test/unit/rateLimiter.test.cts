/**
 * The per-key rate limiter on its own: the pure model of what the API's answers say
 * (nodes/shared/transport/keyModel.ts) on numbers, and the gate that hands out slots
 * (transport/RateLimiter.ts) on a virtual clock — exact times, no real waiting, nothing that a busy
 * machine can disturb. Each test names the rule it protects (RULES in keyModel.ts, the list in
 * RateLimiter.ts).
 */
import { isHandSplit, KeyModel, nextShare, ownInWindow, plannedBudget, RULES } from '../../nodes/shared/transport/keyModel';
import { BaselineLimiter } from '../../nodes/shared/transport/BaselineLimiter';
import { RateLimiter, readRateLimitHeaders, type Limiter, type RateLimitHeaders } from '../../nodes/shared/transport/RateLimiter';

import { VirtualClock } from './support/virtualClock.cjs';

/** Runs `work` on a fresh virtual clock, to its end. */
async function onClock<T>(work: (clock: VirtualClock) => Promise<T>): Promise<T> {
	const clock = new VirtualClock(0);
	let result: { value: T } | undefined;
	let failure: unknown;
	const running = work(clock).then(
		(value) => {
			result = { value };
		},
		(error) => {
			failure = error ?? new Error('failed');
		},
	);
	await clock.runUntil(() => result !== undefined || failure !== undefined);
	await running;
	if (failure) throw failure;
	return result!.value;
}

/** Asks `limiter` for a slot without waiting: `grantedAt()` is -1 until it is granted. */
function acquireLater(clock: VirtualClock, limiter: RateLimiter) {
	let at = -1;
	const release = limiter.acquire().then((done) => {
		at = clock.now();
		return done;
	});
	return { release, grantedAt: () => at };
}

/** Sends `count` requests through `limiter` one after the other, answered at once; returns grant times. */
async function grantTimes(clock: VirtualClock, limiter: Limiter, count: number, headers?: (index: number) => RateLimitHeaders | undefined) {
	const times: number[] = [];
	for (let index = 0; index < count; index++) {
		const release = await limiter.acquire();
		times.push(clock.now());
		release(headers?.(index));
	}
	return times;
}

describe('reading the rate-limit headers', () => {
	const now = 1_706_356_000_000;

	test('present, as the API doc shows them (Reset in unix seconds)', () => {
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

describe('what the answers say about the key (keyModel, pure)', () => {
	const W = 1000;

	test("own requests in the API's window: this one and those granted less than a window before it", () => {
		const answer = { grantedAt: 5000, answeredAt: 5100, headers: { remaining: 5 } };
		// 3900 is more than a window before; 5050 was granted after it (counted after it).
		expect(ownInWindow(answer, [3900, 4200, 4800, 5000, 5050], W)).toBe(3);
	});

	test("others = the key's use less this process's own; the most seen lately counts (OTHERS_MEMORY_WINDOWS)", () => {
		const model = new KeyModel(W, 10);
		expect(model.observe({ grantedAt: 0, answeredAt: 10, headers: { limit: 10, remaining: 5 } }, [0]).othersLately).toBe(4);
		// A later answer after a lull shows fewer others: the most seen in the last 1.5 windows still counts.
		expect(model.observe({ grantedAt: 400, answeredAt: 410, headers: { limit: 10, remaining: 8 } }, [0, 400]).othersLately).toBe(4);
		expect(model.othersLately(10 + RULES.othersMemoryWindows * W + 1)).toBe(0);
	});

	test('alone again after FORGET_WINDOWS without others', () => {
		const model = new KeyModel(W, 10);
		model.observe({ grantedAt: 0, answeredAt: 10, headers: { limit: 10, remaining: 5 } }, [0]);
		expect(model.isShared(10 + RULES.forgetWindows * W)).toBe(true);
		expect(model.isShared(11 + RULES.forgetWindows * W)).toBe(false);
	});

	test('SHARED_SPARE_WINDOWS: the second spare only while the others\' use has just risen', () => {
		const model = new KeyModel(W, 10);
		// Others first seen (0 → 4): risen.
		model.observe({ grantedAt: 0, answeredAt: 10, headers: { limit: 10, remaining: 5 } }, [0]);
		expect(model.othersRoseLately(10 + RULES.sharedSpareWindows * W)).toBe(true);
		// The same use of theirs later on: not a rise; the spare ends SHARED_SPARE_WINDOWS after the rise.
		model.observe({ grantedAt: 1000, answeredAt: 1010, headers: { limit: 10, remaining: 5 } }, [1000]);
		model.observe({ grantedAt: 2500, answeredAt: 2510, headers: { limit: 10, remaining: 5 } }, [2500]);
		expect(model.isShared(11 + RULES.sharedSpareWindows * W)).toBe(true);
		expect(model.othersRoseLately(11 + RULES.sharedSpareWindows * W)).toBe(false);
		// They use more (4 → 5): risen again.
		model.observe({ grantedAt: 3500, answeredAt: 3510, headers: { limit: 10, remaining: 4 } }, [3500]);
		expect(model.othersRoseLately(3510 + RULES.sharedSpareWindows * W)).toBe(true);
	});

	test("the API's limit, once said, replaces the credential's cap", () => {
		const model = new KeyModel(W, 10);
		expect(model.limit).toBe(10);
		model.observe({ grantedAt: 0, answeredAt: 10, headers: { limit: 4, remaining: 3 } }, [0]);
		expect(model.limit).toBe(4);
	});

	test('NEWCOMER_SPARE: the default credential plans the budget less one; a split by hand (HAND_SPLIT) plans it all', () => {
		expect(plannedBudget(10, 10)).toBe(9);
		expect(plannedBudget(10, 8)).toBe(9);
		expect(isHandSplit(5, 10)).toBe(true);
		expect(isHandSplit(6, 10)).toBe(false);
		expect(plannedBudget(10, 5)).toBe(10);
	});

	describe('PROPORTIONAL_SHARE', () => {
		const view = (own: number, used: number) => ({ limit: 10, othersLately: used - own, shared: true, used, own });

		test('over the budget (a newcomer): cut at once to its part, in proportion to its use', () => {
			// 9 of ours and the newcomer's 1: its part 9 × 9/10, and no more than the newcomer leaves (9 − 1).
			expect(nextShare(9, view(9, 10), 9, 10, 0)).toBe(8);
			// Its part 9 × 6/10 = 5.4, but the others (4) leave it 5.
			expect(nextShare(9, view(6, 10), 9, 10, 0)).toBe(5);
			// The newcomer: 9 × 1/10, never below MIN_SHARE.
			expect(nextShare(1, view(1, 10), 9, 10, 0)).toBe(RULES.minShare * 2 > 0.9 ? RULES.minShare : 0.9);
		});

		test('under the budget: grows towards its part by GROWTH_PER_WINDOW of the gap per window, never past it', () => {
			const grown = nextShare(3, view(3, 6), 9, 10, 1);
			expect(grown).toBeCloseTo(3 + RULES.growthPerWindow * (4.5 - 3));
			expect(nextShare(3, view(3, 6), 9, 10, 100)).toBeLessThanOrEqual(4.5);
		});

		test('READ_ROOM (status reads): within the budget a cut stops at the room the others leave; over it, the proportional part', () => {
			// A worker's first read answer shows the other's 2 reads and its own 1 (used 3 of a budget of 8):
			// creates cut to 8 × 1/3 and keep it; reads keep the room the other leaves, 8 − 2.
			const early = { limit: 10, othersLately: 2, shared: true, used: 3, own: 1 };
			expect(nextShare(9, early, 8, 10, 0)).toBeCloseTo(8 / 3);
			expect(nextShare(9, early, 8, 10, 0, true)).toBe(6);
			// Never above the current share, and growth is unchanged (towards the proportional part).
			expect(nextShare(4, early, 8, 10, 0, true)).toBe(4);
			expect(nextShare(2, early, 8, 10, 1, true)).toBeCloseTo(2 + RULES.growthPerWindow * (8 / 3 - 2));
			// Over the budget the key needs the cut: the proportional part, as for creates.
			const over = { limit: 10, othersLately: 5, shared: true, used: 9, own: 4 };
			expect(nextShare(6, over, 8, 10, 0, true)).toBe(nextShare(6, over, 8, 10, 0));
			// Its part 8 × 4/9, and no more than the others leave (8 − 5).
			expect(nextShare(6, over, 8, 10, 0, true)).toBe(3);
		});

		test('processes reacting to the same view at once end within the budget, however many they are', () => {
			for (const owns of [
				[9, 1],
				[3, 3, 3, 2],
				[1, 1, 1, 1, 1, 1],
				[5, 2, 2],
			]) {
				const used = owns.reduce((sum, own) => sum + own, 0);
				const shares = owns.map((own) => nextShare(own, view(own, used), 9, 10, 1));
				expect(shares.reduce((sum, share) => sum + share, 0)).toBeLessThanOrEqual(9 + 1e-9);
			}
		});
	});
});

describe('the gate (RateLimiter, on a virtual clock)', () => {
	test('PACE: requests spread through the window instead of bursting the budget at its start', async () => {
		// A cap of 5 per 500 ms: one every 100 ms, none sooner (4 slots: the newcomer spare, as no API limit was said).
		const times = await onClock(async (clock) => await grantTimes(clock, new RateLimiter(5, 500, clock), 4));
		expect(times).toEqual([0, 100, 200, 300]);
	});

	test('CAP_HOLD: a slot is held until a window after its answer, however long the answer takes', async () => {
		const { thirdAt, answeredAt } = await onClock(async (clock) => {
			const limiter = new RateLimiter(2, 200, clock);
			// The API's limit is 10: a cap of 2 is a split by hand, both slots usable.
			(await limiter.acquire())({ limit: 10, remaining: 9 });
			await clock.sleep(250);
			const first = await limiter.acquire();
			const second = await limiter.acquire();
			const third = acquireLater(clock, limiter);
			await clock.sleep(400);
			expect(third.grantedAt()).toBe(-1);
			const answeredAt = clock.now();
			first();
			second();
			(await third.release)();
			const thirdAt = third.grantedAt();
			return { thirdAt, answeredAt };
		});
		expect(thirdAt - answeredAt).toBeGreaterThanOrEqual(200);
		expect(thirdAt - answeredAt).toBeLessThanOrEqual(220);
	});

	test("CAP_HOLD: the credential's cap is an upper bound, whatever the API says is left", async () => {
		const times = await onClock(async (clock) => await grantTimes(clock, new RateLimiter(2, 300, clock), 5, () => ({ limit: 10, remaining: 9 })));
		for (let index = 2; index < times.length; index++) expect(times[index] - times[index - 2]).toBeGreaterThanOrEqual(300);
	});

	test("CAP_HOLD: the API's own lower limit is honoured too", async () => {
		const times = await onClock(async (clock) => {
			const limiter = new RateLimiter(10, 300, clock);
			(await limiter.acquire())({ limit: 2, remaining: 1 });
			return await grantTimes(clock, limiter, 3, () => ({ limit: 2, remaining: 1 }));
		});
		expect(times[2] - times[0]).toBeGreaterThanOrEqual(300);
	});

	test('NEWCOMER_SPARE: alone on the key, the default credential never holds more than the limit less one', async () => {
		const held = await onClock(async (clock) => {
			const limiter = new RateLimiter(10, 1000, clock);
			let inWindow = 0;
			let most = 0;
			const counted: number[] = [];
			// Answers that take 300 ms: slots pile up until the cap holds them back.
			await Promise.all(
				Array.from({ length: 100 }, async () => {
					const release = await limiter.acquire();
					inWindow++;
					most = Math.max(most, inWindow);
					counted.push(clock.now());
					const inApiWindow = counted.filter((at) => at > clock.now() - 1000).length;
					await clock.sleep(300);
					release({ limit: 10, remaining: 10 - inApiWindow });
					await clock.sleep(1000);
					inWindow--;
				}),
			);
			return most;
		});
		expect(held).toBe(9);
	});

	test('SLOW_START: one request until the first answer', async () => {
		const secondAt = await onClock(async (clock) => {
			const limiter = new RateLimiter(10, 100, clock);
			const first = await limiter.acquire();
			const second = acquireLater(clock, limiter);
			await clock.sleep(150);
			expect(second.grantedAt()).toBe(-1);
			first();
			(await second.release)();
			return second.grantedAt();
		});
		expect(secondAt).toBeGreaterThanOrEqual(150);
	});

	test('a request waiting for an answer goes the moment the answer comes, not at the next look', async () => {
		const second = await onClock(async (clock) => {
			const limiter = new RateLimiter(10, 1000, clock);
			const release = await limiter.acquire();
			const next = limiter.acquire().then(() => clock.now());
			await clock.sleep(250);
			release({ limit: 10, remaining: 9 });
			return await next;
		});
		expect(second).toBe(250);
	});

	test('a pause (a 429) holds every request back', async () => {
		const at = await onClock(async (clock) => {
			const limiter = new RateLimiter(10, 100, clock);
			limiter.pause(250);
			(await limiter.acquire())();
			return clock.now();
		});
		expect(at).toBe(250);
	});

	test('grants in arrival order', async () => {
		const order = await onClock(async (clock) => {
			const limiter = new RateLimiter(1, 50, clock);
			const granted: number[] = [];
			await Promise.all(
				[0, 1, 2, 3].map(async (index) => {
					const release = await limiter.acquire();
					granted.push(index);
					release();
				}),
			);
			return granted;
		});
		expect(order).toEqual([0, 1, 2, 3]);
	});

	test('AFTER_429: waits it out, then half its rate, held there HOLD_WINDOWS_AFTER_429 windows, then back up', async () => {
		const result = await onClock(async (clock) => {
			const limiter = new RateLimiter(8, 50, clock);
			limiter.pause(200);
			limiter.rateLimited(200);
			const halved = limiter.share;
			const times = await grantTimes(clock, limiter, 4);
			const during = limiter.share;
			await clock.sleep(200 + RULES.holdWindowsAfter429 * 50);
			for (let index = 0; index < 30; index++) (await limiter.acquire())();
			return { halved, times, during, after: limiter.share };
		});
		expect(result.halved).toBe(4);
		expect(result.times[0]).toBe(200);
		// Half the rate: 4 per 50 ms window → 12.5 ms apart.
		expect(result.times[3] - result.times[0]).toBeGreaterThanOrEqual(37.5);
		expect(result.during).toBe(4);
		expect(result.after).toBe(8);
	});

	test('AFTER_429: a second 429 halves it again, never below MIN_SHARE', () => {
		const limiter = new RateLimiter(4, 50, new VirtualClock(0));
		for (let index = 0; index < 5; index++) limiter.rateLimited(0);
		expect(limiter.share).toBe(RULES.minShare);
	});
});

describe('the baseline the limiter is measured against (BaselineLimiter, issue #31)', () => {
	test('paces at the limit less one, one token at a time', async () => {
		const times = await onClock(async (clock) => await grantTimes(clock, new BaselineLimiter(10, 900, clock), 4, () => ({ limit: 10, remaining: 8 })));
		expect(times).toEqual([0, 100, 200, 300]);
	});

	test('an answer with Remaining ≤ 1 holds it until its oldest request of the window has left the window', async () => {
		const times = await onClock(async (clock) => {
			const limiter = new BaselineLimiter(10, 900, clock);
			const granted: number[] = [];
			for (const remaining of [8, 1, 8]) {
				const release = await limiter.acquire();
				granted.push(clock.now());
				release({ limit: 10, remaining });
			}
			return granted;
		});
		// The second answer said 1 left: the third waits until the first (granted at 0) leaves, at 900.
		expect(times).toEqual([0, 100, 900]);
	});

	test('a 429 waits out the ban, then half the rate for a while', async () => {
		const times = await onClock(async (clock) => {
			const limiter = new BaselineLimiter(10, 900, clock);
			limiter.pause(500);
			limiter.rateLimited(500);
			return await grantTimes(clock, limiter, 3, () => ({ limit: 10, remaining: 8 }));
		});
		expect(times).toEqual([500, 700, 900]);
	});
});
