/**
 * `--only large`: 1,000 items of 30 s tasks in one process (bench/child.cts), where the 10 status
 * reads/s set the pace as much as the creates; against the bound N/10 + T.
 */
import type { ThroughputResult } from '../protocol.cjs';
import { seconds, type Row } from '../report.cjs';
import { throughputTimeline } from '../requestLog.cjs';
import { keyRows, type BenchContext, type KeyStatsLike, type Results } from '../results.cjs';
import { Scenario, runScenario } from '../scenarioProcess.cjs';
import { LARGE_ITEMS, LARGE_TASK_MS, RATE_LIMIT, TARGETS, log } from '../settings.cjs';

/** ~2.5 minutes, mostly waiting: bench/main.cts runs it beside the naive baseline and Estimate Cost. */
export async function runLarge({ results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('large', { taskLatencyMs: LARGE_TASK_MS });
	const apiKey = 'sk-bench-large';
	const scenario = new Scenario('Large batch', {
		scenario: 'throughput',
		simUrl: recorded.sim.url,
		apiKey,
		items: LARGE_ITEMS,
		requestsPerSecond: RATE_LIMIT,
		timeoutMs: 900_000,
	});
	log(`Large batch: ${LARGE_ITEMS} items × ${LARGE_TASK_MS / 1000} s tasks`);
	await runScenario<ThroughputResult>(scenario).then(async (result) => {
		const startedAt = await scenario.started;
		const bound = (LARGE_ITEMS / RATE_LIMIT) * 1000 + LARGE_TASK_MS;
		results.large = {
			...result,
			bound,
			ratio: result.wallMs / bound,
			stats: recorded.sim.stats().byKey[apiKey],
			timeline: throughputTimeline(recorded, apiKey, startedAt),
		};
		log(`Large batch: ${seconds(result.wallMs, 2)} (${result.completed}/${LARGE_ITEMS} completed)`);
	}, failed('Large batch'));
}

export function largeRows(results: Results): Row[] {
	const rows: Row[] = [];
	const { large } = results;
	if (large) {
		const section = `Large batch: N = ${LARGE_ITEMS.toLocaleString('en')} items, ${LARGE_TASK_MS / 1000} s tasks`;
		const ok = large.status === 'success' && large.completed === LARGE_ITEMS;
		rows.push({
			section,
			figure: `wall time, whole workflow (bound N/10 + T = ${seconds(large.bound)})`,
			measured: `${seconds(large.wallMs, 2)} = ${large.ratio.toFixed(2)}× bound${ok ? '' : ` (${large.completed}/${LARGE_ITEMS} completed, ${large.status})`}`,
			target: `≤ ${TARGETS.largeWallRatio.toFixed(2)}× bound (${seconds(large.bound * TARGETS.largeWallRatio, 2)})`,
			met: ok && large.ratio <= TARGETS.largeWallRatio,
		});
		if (large.stats) keyRows(rows, section, large.stats as KeyStatsLike);
		rows.push({
			section,
			figure: 'finished → seen by a read (median / max)',
			measured: `${seconds(large.timeline.detectionDelayMs.median, 2)} / ${seconds(large.timeline.detectionDelayMs.max, 2)}`,
			target: '— (info)',
		});
	}
	return rows;
}
