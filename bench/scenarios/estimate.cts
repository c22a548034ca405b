/**
 * `--only estimate` and `--only overhead`: Estimate Cost over 1,000 items (bench/child.cts). A dry
 * run is a `POST /v1/tasks`, so at the API's limit (`estimate`) it measures the rate limiter; with
 * the limit lifted on both sides (`overhead`) it shows the node's own per-item cost.
 */
import type { EstimateResult } from '../protocol.cjs';
import { seconds, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { Scenario, runScenario } from '../scenarioProcess.cjs';
import { ESTIMATE_ITEMS, RATE_LIMIT, TASK_MS, UNTHROTTLED, log } from '../settings.cjs';

/**
 * Forks the at-the-limit child at once (so that loading n8n is over before the throughput batch
 * starts: `scenario.ready`); `run()` then starts it (~110 s, mostly waiting on the limit).
 */
export async function forkEstimate({ results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('estimate', { taskLatencyMs: TASK_MS });
	const apiKey = 'sk-bench-estimate';
	const scenario = new Scenario('Estimate Cost ×1000 (10/s)', {
		scenario: 'estimateCost',
		simUrl: recorded.sim.url,
		apiKey,
		items: ESTIMATE_ITEMS,
		requestsPerSecond: RATE_LIMIT,
		timeoutMs: 600_000,
	});
	const run = async () => {
		log(`Estimate Cost ×${ESTIMATE_ITEMS} at ${RATE_LIMIT}/s (~${Math.ceil((ESTIMATE_ITEMS / RATE_LIMIT) * 1.1)} s)`);
		await runScenario<EstimateResult>(scenario).then((result) => {
			results.estimate = {
				...result,
				itemsPerSecond: result.priced / (result.nodeExecutionMs / 1000),
				stats: recorded.sim.stats().byKey[apiKey],
			};
			log(`Estimate Cost ×${ESTIMATE_ITEMS} at ${RATE_LIMIT}/s: done in ${seconds(result.nodeExecutionMs)}`);
		}, failed('Estimate Cost at the API limit'));
	};
	return { scenario, run };
}

/** Alone (CPU-bound): the node's own cost, with the limit lifted on both sides. */
export async function runOverhead({ results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('overhead', { taskLatencyMs: TASK_MS, rateLimit: UNTHROTTLED });
	const apiKey = 'sk-bench-overhead';
	log(`Estimate Cost ×${ESTIMATE_ITEMS}, rate limit lifted (simulator and credential ${UNTHROTTLED}/s)`);
	await runScenario<EstimateResult>(
		new Scenario('Estimate Cost ×1000 (unthrottled)', {
			scenario: 'estimateCost',
			simUrl: recorded.sim.url,
			apiKey,
			items: ESTIMATE_ITEMS,
			requestsPerSecond: UNTHROTTLED,
			timeoutMs: 300_000,
		}),
	).then((result) => {
		results.overhead = {
			...result,
			itemsPerSecond: result.priced / (result.nodeExecutionMs / 1000),
			stats: recorded.sim.stats().byKey[apiKey],
		};
	}, failed('Estimate Cost unthrottled'));
}

export function estimateRows(results: Results): Row[] {
	const rows: Row[] = [];
	const { estimate, overhead } = results;
	const estimateRow = (result: EstimateResult & { itemsPerSecond: number }, label: string, target: string) => {
		const section = `Per-item overhead: Estimate Cost × ${ESTIMATE_ITEMS.toLocaleString('en')} items`;
		const ok = result.status === 'success' && result.priced === ESTIMATE_ITEMS;
		rows.push({
			section,
			figure: `${label}: items/s (ms per item)`,
			measured: `${result.itemsPerSecond.toFixed(1)} (${(result.nodeExecutionMs / result.priced).toFixed(2)} ms)${ok ? '' : ` — ${result.priced}/${ESTIMATE_ITEMS} priced, ${result.status}`}`,
			target,
		});
		rows.push({
			section,
			figure: `${label}: node process CPU per item`,
			measured: `${(result.cpuMs / Math.max(1, result.priced)).toFixed(2)} ms`,
			target: '— (info)',
		});
	};
	if (estimate) estimateRow(estimate, `at the API limit (${RATE_LIMIT}/s)`, `— (info; the limit caps it at ${RATE_LIMIT}/s)`);
	if (overhead) estimateRow(overhead, 'limit lifted (node’s own cost)', '— (info)');
	return rows;
}
