/**
 * Several processes on one API key (n8n queue-mode workers, each with its own rate limiter) against
 * a model of the API's strictest reading (a sliding second, the 11th request refused and the key
 * banned), on a virtual clock: the same interleavings every run, and many of them. The named
 * scenarios protect the rules; the randomized sweep tries the paths users improvise.
 */
import type { RuleName } from '../../nodes/shared/transport/RateLimiter';

import { MODEL_SCENES, NEAR, runSeeds, runSharedKey, runSweep, sweepScenario, type SweepSummary } from './support/sharedKey.cjs';

describe('named scenarios', () => {
	test('one process alone: at most the limit less one in any second (NEWCOMER_SPARE), within 1.15 × its bound', async () => {
		const result = await runSeeds({ processes: [{ startMs: 0, items: 100 }], ...NEAR });
		expect(result.bans).toBe(0);
		expect(result.peak).toBe(9);
		expect(result.meanRatio).toBeLessThan(1.15);
	});

	test('a batch joining a key another process spends at full rate: never banned', async () => {
		const result = await runSeeds({ processes: [{ startMs: 0, items: 200 }, { startMs: 5000, items: 40 }], ...NEAR });
		expect(result.bans).toBe(0);
		expect(result.peak).toBeLessThanOrEqual(10);
	});

	test("the queue-mode shape: a 300-item batch, 20-item batches joining at 4 s, 12 s and 20 s: never banned, creates within 1.45 × the key's bound", async () => {
		const result = await runSeeds(MODEL_SCENES['300 + 20 joining at 4, 12, 20 s']);
		expect(result.bans).toBe(0);
		expect(result.meanRatio).toBeLessThan(1.45);
	});

	test('SHARED_SPARE_WINDOWS: once a newcomer\'s spare is back in the window the joining batches plan 9, not 8: faster, never banned', async () => {
		const scene = MODEL_SCENES['300 + 20 joining at 4, 12, 20 s'];
		const withRule = await runSeeds(scene);
		const without = await runSeeds({ ...scene, without: ['SHARED_SPARE_WINDOWS'] });
		console.log(`joining: ${withRule.median.toFixed(2)} × (median of 10 seeds), the second spare kept while shared ${without.median.toFixed(2)} ×`);
		expect(withRule.bans + without.bans).toBe(0);
		expect(withRule.peak).toBeLessThanOrEqual(10);
		expect(withRule.median).toBeLessThan(without.median - 0.03);
	});

	test('the same joining batch against a distant API (0–400 ms each way): never banned', async () => {
		const result = await runSeeds({ processes: [{ startMs: 0, items: 150 }, { startMs: 3000, items: 40 }, { startMs: 9000, items: 40 }], requestDelayMs: [0, 400], answerDelayMs: [0, 400] });
		expect(result.bans).toBe(0);
	});

	test('newcomers one at a time, 1.1 s apart, while a process spends the key at full rate: never banned', async () => {
		const result = await runSeeds({
			processes: [{ startMs: 0, items: 300 }, ...[5000, 6100, 7200, 8300].map((startMs) => ({ startMs, items: 30 }))],
			...NEAR,
		});
		expect(result.bans).toBe(0);
		expect(result.peak).toBeLessThanOrEqual(10);
	});

	test('the same against a distant API (0–400 ms each way), newcomers 2 s apart: never banned', async () => {
		const result = await runSeeds({
			processes: [{ startMs: 0, items: 300 }, ...[5000, 7000, 9000, 11_000].map((startMs) => ({ startMs, items: 30 }))],
			requestDelayMs: [0, 400],
			answerDelayMs: [0, 400],
		});
		expect(result.bans).toBe(0);
	});

	test('after a ban (AFTER_429): never a second ban', async () => {
		// Sweep scenarios where batches starting blind within a second banned the key (4237 until
		// SHARED_SPARE_WINDOWS, 2269 since); in 1066 the processes, going on at their rates together when
		// the ban ended, banned it again without the rule (and 4237, before, 70 times: every minute until
		// the batches ended).
		const bannedAgain = async (without: RuleName[] = []) => {
			const found: string[] = [];
			for (const seed of [171, 672, 1066, 1305, 1859, 2075, 2269, 2525, 3041, 4237, 5489, 5971]) {
				const outcome = await runSharedKey({ ...sweepScenario(seed), without });
				if (outcome.bans > 1) found.push(`seed ${seed}: ${outcome.bans} bans`);
			}
			return found;
		};
		expect(await bannedAgain()).toEqual([]);
		expect(await bannedAgain(['AFTER_429'])).toEqual(['seed 1066: 2 bans']);
	});

	test('with every task read once finished (scene A, its worst runs, and the joining batches as real n8n shows them): never banned, each task read', async () => {
		for (const name of ['2 × 40, 0.1 s apart, 3 s tasks read, busy workers', '300 + 20 joining, 3 s tasks read, busy workers', '2 × 40, creates 4 + 4, warm reads 0.3 s apart, busy workers'] as const) {
			const scene = MODEL_SCENES[name];
			const trace: string[] = [];
			const outcome = await runSharedKey({ ...scene, seed: 1, trace });
			const items = scene.processes.reduce((sum, process) => sum + process.items, 0);
			const reads = trace.filter((line) => / read granted .* remaining /.test(line)).length;
			expect(outcome.bans).toBe(0);
			// Read after the task's 3 s: at most one read per task finds it unfinished.
			expect(reads).toBeGreaterThanOrEqual(items);
			expect(reads).toBeLessThan(items * 1.1);
			// The span runs to the last read: at least the last create plus one task.
			expect(outcome.spanMs).toBeGreaterThan(outcome.boundMs);
			const seeds = await runSeeds(scene);
			expect(seeds.bans).toBe(0);
			console.log(`${name}: ${seeds.median.toFixed(2)} × its bound (median of 10 seeds), worst ${seeds.worst.toFixed(2)} ×`);
		}
	});

	test('READ_ROOM: two workers whose reads start 0.3 s apart on warm limiters (scene A\'s slow runs in real n8n): never banned, and the later one is not held to the part its first answer showed', async () => {
		const scene = MODEL_SCENES['2 × 40, creates 4 + 4, warm reads 0.3 s apart, busy workers'];
		const withRule = await runSeeds(scene);
		const without = await runSeeds({ ...scene, without: ['READ_ROOM'] });
		console.log(`reads 0.3 s apart: ${withRule.median.toFixed(2)} × (median of 10 seeds), without READ_ROOM ${without.median.toFixed(2)} ×`);
		expect(withRule.bans + without.bans).toBe(0);
		// The creates alone take 40/4 s + the last task's 3 s: 1.18 × the key's bound of 11 s.
		expect(withRule.median).toBeLessThan(1.4);
		expect(without.median).toBeGreaterThan(1.55);
	});

	test('two processes starting together: never banned', async () => {
		const result = await runSeeds({ processes: [{ startMs: 0, items: 40 }, { startMs: 0, items: 40 }], ...NEAR });
		expect(result.bans).toBe(0);
	});

	test('six processes starting together from an idle key: never banned', async () => {
		const result = await runSeeds({ processes: Array.from({ length: 6 }, () => ({ startMs: 0, items: 20 })), ...NEAR });
		expect(result.bans).toBe(0);
	});

	test('Requests per Second split by hand (3 each for three processes), whatever the network does: never more than 9 in a second', async () => {
		const result = await runSeeds({ processes: Array.from({ length: 3 }, () => ({ startMs: 0, items: 27, cap: 3 })), requestDelayMs: [0, 150], answerDelayMs: [0, 400] });
		expect(result.bans).toBe(0);
		expect(result.peak).toBeLessThanOrEqual(9);
	});
});

/**
 * The sweep: SWEEP_SCENARIOS seeded scenarios (sweepScenario: 2–6 processes starting at random
 * moments in the first 30 s, a third of them with two or three starting within the same second,
 * batches of 5–300 items, the API 0–400 ms away each way, the default credential or a split by
 * hand). Prints the ban rate and the slowdown's distribution, for the limiter and for the simple
 * baseline it is measured against (BaselineLimiter).
 *
 * "One at a time" is read physically (support/sharedKey.cts, `oneAtATime`): a process starts once
 * the others have seen the previous newcomer and a window has passed since it started. Issue #22
 * worded it "after the others have had an answer since the last start"; that reading cannot be
 * kept by any limiter that has only the API's headers: answers can come milliseconds after a start
 * and say nothing of it, and what the API counted stays in its window for a second whatever the
 * processes learn. With k spare requests, k + 1 newcomers within one second ban the key whatever
 * came back in between (docs/scaling.md). Bans under the wording are printed too.
 */
describe('randomized sweep', () => {
	const SCENARIOS = Number(process.env.SWEEP_SCENARIOS ?? 2000);
	const FIRST = Number(process.env.SWEEP_FIRST_SEED ?? 1);
	const line = (name: string, sweep: SweepSummary) =>
		`${name}: bans ${sweep.sequentialBans} where processes started one at a time; ${sweep.blindBans} where some started blind = ` +
		`${sweep.blindBansPerThousand.toFixed(2)} per 1,000 process starts; issue #22's wording: ${sweep.bansAfterAnAnswer}; slowdown vs each scenario's bound: ` +
		`p10 ${sweep.ratio.p10.toFixed(2)}, median ${sweep.ratio.median.toFixed(2)}, p90 ${sweep.ratio.p90.toFixed(2)}, p99 ${sweep.ratio.p99.toFixed(2)}, max ${sweep.ratio.max.toFixed(2)}`;

	test(`${SCENARIOS} seeded scenarios: no ban when processes start one at a time; blind starts within the same second rarely; the baseline bans far more`, async () => {
		const limiter = await runSweep({ first: FIRST, count: SCENARIOS });
		const baseline = await runSweep({ first: FIRST, count: SCENARIOS, limiter: 'baseline' });
		console.log(
			[`shared-key sweep: ${SCENARIOS} scenarios from seed ${FIRST}, ${limiter.starts} process starts`, line('limiter', limiter), line('baseline', baseline), ...limiter.banned].join('\n'),
		);
		expect(limiter.sequentialBans).toBe(0);
		expect(limiter.blindBansPerThousand).toBeLessThanOrEqual(1);
		// What the rules buy over the simple limiter (bench/RESULTS.md, "Rules").
		expect(baseline.sequentialBans + baseline.blindBans).toBeGreaterThan(100 * Math.max(1, limiter.blindBans));
	}, 600_000);

	// The same scenarios with every task read once finished (3 s tasks): the status reads' window too,
	// where READ_ROOM keeps the room it saw. Fewer scenarios: each runs about twice as long.
	const READ_SCENARIOS = Math.ceil(SCENARIOS / 3);
	test(`${READ_SCENARIOS} of them with every task read: no ban when processes start one at a time; blind starts rarely`, async () => {
		const limiter = await runSweep({ first: FIRST, count: READ_SCENARIOS, taskMs: 3000 });
		console.log([`shared-key sweep with reads: ${READ_SCENARIOS} scenarios from seed ${FIRST}, ${limiter.starts} process starts`, line('limiter', limiter), ...limiter.banned].join('\n'));
		expect(limiter.sequentialBans).toBe(0);
		expect(limiter.blindBansPerThousand).toBeLessThanOrEqual(1);
	}, 600_000);
});
