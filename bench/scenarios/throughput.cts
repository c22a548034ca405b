/**
 * `--only throughput`: 100 items of 3 s tasks through the Unifically node in n8n's real engine
 * (harness/engine.cts → n8n-core WorkflowExecute, in a child process: bench/child.cts), against the
 * bound N/10 + T; its politeness (429s, status reads per task) and the request timeline behind it.
 */
import { keyRows, type BenchContext, type KeyStatsLike, type Results } from '../results.cjs';
import type { ThroughputResult } from '../protocol.cjs';
import { seconds, type Row } from '../report.cjs';
import { throughputTimeline } from '../requestLog.cjs';
import { Scenario, runScenario } from '../scenarioProcess.cjs';
import { BAN_SECONDS, RATE_LIMIT, TARGETS, TASK_MS, log, type Args } from '../settings.cjs';

/** Runs the batch, alone; `before` (another child's warm-up) is awaited after forking, before it starts. */
export async function runThroughput({ args, results, newSimulator, failed }: BenchContext, before?: Promise<unknown>) {
	const recorded = await newSimulator('throughput', { taskLatencyMs: TASK_MS });
	const apiKey = 'sk-bench-throughput';
	const scenario = new Scenario('Throughput', {
		scenario: 'throughput',
		simUrl: recorded.sim.url,
		apiKey,
		items: args.items,
		requestsPerSecond: RATE_LIMIT,
		timeoutMs: 600_000,
	});
	await before?.catch(() => undefined);
	log(`Throughput: ${args.items} items × ${TASK_MS / 1000} s tasks through the node`);
	await runScenario<ThroughputResult>(scenario).then(async (result) => {
		const startedAt = await scenario.started;
		const bound = (args.items / RATE_LIMIT) * 1000 + TASK_MS;
		results.throughput = {
			...result,
			bound,
			ratio: result.wallMs / bound,
			stats: recorded.sim.stats().byKey[apiKey],
			timeline: throughputTimeline(recorded, apiKey, startedAt),
		};
		log(`Throughput: ${seconds(result.wallMs, 2)} (${result.completed}/${args.items} completed)`);
	}, failed('Throughput'));
}

export const throughputSection = (args: Args) => `Throughput: N = ${args.items} items, ${TASK_MS / 1000} s tasks, ${RATE_LIMIT}/s limit, ${BAN_SECONDS} s ban`;

/** The wall time against the bound, and against the naive baseline when it ran too. */
export function throughputRows(results: Results, args: Args): Row[] {
	const rows: Row[] = [];
	const { throughput, naive } = results;
	const n = args.items;
	if (!throughput) return rows;
	const section = throughputSection(args);
	const ok = throughput.status === 'success' && throughput.completed === n;
	rows.push({
		section,
		figure: `wall time, whole workflow (bound N/10 + T = ${seconds(throughput.bound)})`,
		measured: `${seconds(throughput.wallMs, 2)} = ${throughput.ratio.toFixed(2)}× bound${ok ? '' : ` (${throughput.completed}/${n} completed, ${throughput.status})`}`,
		target: `≤ ${TARGETS.wallRatio.toFixed(2)}× bound (${seconds(throughput.bound * TARGETS.wallRatio, 2)})`,
		met: ok && throughput.ratio <= TARGETS.wallRatio,
	});
	if (naive) {
		rows.push({
			section,
			figure: `ratio to naive sequential (${naive.items} items measured, ×${n / naive.items} → ${seconds(naive.extrapolatedMs, 0)})`,
			measured: `${(throughput.wallMs / naive.extrapolatedMs).toFixed(3)}× (${(naive.extrapolatedMs / throughput.wallMs).toFixed(1)}× faster)`,
			target: '— (info)',
		});
	}
	return rows;
}

/** The batch's key as the simulator counted it: 429s, reads per task, the closest 11 requests. */
export function throughputPolitenessRows(results: Results, args: Args): Row[] {
	const rows: Row[] = [];
	const { throughput } = results;
	if (!throughput) return rows;
	const section = `Politeness (the ${args.items}-item batch)`;
	const stats = throughput.stats as KeyStatsLike | undefined;
	if (stats) keyRows(rows, section, stats);
	const spans = results.simulators.throughput?.minSpanOf11;
	if (spans) {
		rows.push({
			section,
			figure: 'closest 11 accepted creates / reads spanned',
			measured: `${spans.create ?? '—'} ms / ${spans.status ?? '—'} ms`,
			target: '> 1000 ms (info: the margin)',
		});
	}
	const t = throughput.timeline;
	rows.push({
		section,
		figure: 'finished → seen by a read (median / max)',
		measured: `${seconds(t.detectionDelayMs.median, 2)} / ${seconds(t.detectionDelayMs.max, 2)}`,
		target: '— (info)',
	});
	return rows;
}
