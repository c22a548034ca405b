/**
 * `--only sweep`: what each rule of the rate limiter buys (issue #31). The shared-key sweep
 * (test/unit/support/sharedKey.cts: 2,000 seeded scenarios of 2–6 processes on one key, the API's
 * strictest reading, a virtual clock) and the bench's scenes on the same model, run for the limiter,
 * for the simple baseline (BaselineLimiter), and for the limiter with each rule switched off in turn.
 * A rule stays where this table shows bans avoided or seconds saved; the figures are quoted in
 * RULES and in RateLimiter.ts. Virtual time: a few minutes of CPU, no waiting.
 */
import { RULE_NAMES, type LimiterVariant, type RuleName } from '../../nodes/shared/transport/RateLimiter';
import { MODEL_SCENES, runSeeds, runSweep, type SweepSummary } from '../../test/unit/support/sharedKey.cjs';
import type { Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { log } from '../settings.cjs';

const SWEEP_SCENARIOS = 2000;
const SEEDS_PER_SCENE = 10;

interface Variant {
	name: string;
	limiter: LimiterVariant;
	without: RuleName[];
}

export interface SweepVariantResult {
	name: string;
	sweep: Omit<SweepSummary, 'banned'>;
	scenes: Record<string, Awaited<ReturnType<typeof runSeeds>>>;
}

export async function runSweepScenario(context: BenchContext): Promise<SweepVariantResult[]> {
	const variants: Variant[] = [
		{ name: 'the limiter', limiter: 'limiter', without: [] },
		{ name: 'the baseline', limiter: 'baseline', without: [] },
		...RULE_NAMES.map((rule): Variant => ({ name: `without ${rule}`, limiter: 'limiter', without: [rule] })),
	];
	const results: SweepVariantResult[] = [];
	for (const variant of variants) {
		const from = Date.now();
		const { banned, ...sweep } = await runSweep({ count: SWEEP_SCENARIOS, limiter: variant.limiter, without: variant.without });
		void banned;
		const scenes: SweepVariantResult['scenes'] = {};
		for (const [name, base] of Object.entries(MODEL_SCENES)) scenes[name] = await runSeeds({ ...base, limiter: variant.limiter, without: variant.without }, SEEDS_PER_SCENE);
		results.push({ name: variant.name, sweep, scenes });
		log(`sweep ${variant.name}: ${sweep.sequentialBans} + ${sweep.blindBans} bans (${sweep.blindBansPerThousand.toFixed(2)}/1,000 blind) in ${Date.now() - from} ms`);
	}
	context.results.sweep = results;
	return results;
}

export function sweepRows({ sweep: results }: Results): Row[] {
	if (!results?.length) return [];
	const section = `What each rule buys: the shared-key sweep (${SWEEP_SCENARIOS} seeded scenarios, virtual clock) and the bench's scenes on the model (${SEEDS_PER_SCENE} seeds each: creates' span / bound, median, and bans)`;
	const limiter = results[0];
	const rows: Row[] = [];
	for (const result of results) {
		const isLimiter = result === limiter;
		const scenes = Object.entries(result.scenes)
			.map(([name, figures]) => `${name} ${figures.median.toFixed(2)}×${figures.bans ? ` (${figures.bans} bans)` : ''}`)
			.join('; ');
		rows.push({
			section,
			figure: `${result.name}: bans where processes start one at a time / blind starts per 1,000`,
			measured: `${result.sweep.sequentialBans} / ${result.sweep.blindBansPerThousand.toFixed(2)} (${result.sweep.blindBans} of ${result.sweep.starts} starts)`,
			target: isLimiter ? '0 / ≤ 1' : '— (info)',
			met: isLimiter ? result.sweep.sequentialBans === 0 && result.sweep.blindBansPerThousand <= 1 : undefined,
		});
		rows.push({ section, figure: `${result.name}: the scenes`, measured: scenes, target: '— (info)' });
	}
	return rows;
}
