/**
 * `--only shared`: several processes on one key, each with its own rate limiter (as n8n queue-mode
 * workers), started together (or joining), default credential: two processes, a batch joined by
 * others, three processes, and two processes against an API that answers like a distant one
 * (requests counted out of order, answers 0.05–0.3 s late). One variant at a time, each on a
 * simulator of its own; the aggregate wall time is held against the key's shared bound.
 */
import type { ThroughputResult } from '../protocol.cjs';
import { seconds, type Row } from '../report.cjs';
import { perSecond } from '../requestLog.cjs';
import { keyRows, type BenchContext, type KeyStatsLike, type Results } from '../results.cjs';
import { Scenario } from '../scenarioProcess.cjs';
import { RATE_LIMIT, SHARED_ITEMS, TASK_MS, log } from '../settings.cjs';

/**
 * Several processes on one key, each with its own rate limiter (as n8n queue-mode workers), started
 * together, default credential: the issue's case, three workers, and two workers against an API
 * that answers like a distant one (requests counted out of order, answers 0.05–0.3 s late).
 */
export interface SharedVariant {
	name: string;
	title: string;
	processes: number;
	/** Items per process (the same for each), or per process when `itemsPer` is given. */
	items: number;
	itemsPer?: number[];
	/** When each process starts, ms after the first (default: together). */
	startOffsetsMs?: number[];
	requestDelayMs?: [number, number];
	answerDelayMs?: [number, number];
	/** The target for this variant's wall ratio; others are reported. */
	target?: number;
}
export const itemsOf = (variant: SharedVariant, index: number) => variant.itemsPer?.[index] ?? variant.items;
export const totalOf = (variant: SharedVariant) => Array.from({ length: variant.processes }, (_, index) => itemsOf(variant, index)).reduce((sum, items) => sum + items, 0);
export const describeItems = (variant: SharedVariant) =>
	variant.itemsPer
		? variant.itemsPer.map((items, index) => `${items}${variant.startOffsetsMs?.[index] ? ` at ${variant.startOffsetsMs[index] / 1000} s` : ''}`).join(' + ') + ' items'
		: `${variant.processes} × ${variant.items} items at once`;
export const SHARED_VARIANTS: SharedVariant[] = [
	{ name: 'two', title: 'Two processes, one key', processes: 2, items: SHARED_ITEMS, target: 1.25 },
	{
		// Queue mode's everyday shape: a long batch on one worker while other workflows start on another.
		name: 'joining',
		title: 'Batches joining a key in full use',
		processes: 4,
		items: 20,
		itemsPer: [300, 20, 20, 20],
		startOffsetsMs: [0, 4000, 12_000, 20_000],
		target: 1.5,
	},
	{ name: 'three', title: 'Three processes, one key', processes: 3, items: 27 },
	{
		name: 'distant',
		title: 'Two processes, one key, a distant API',
		processes: 2,
		items: SHARED_ITEMS,
		requestDelayMs: [0, 100],
		answerDelayMs: [50, 300],
	},
];

/** "Two processes, one key" and its variants: engine runs in separate processes, started together. */
export interface SharedResult {
	variant: SharedVariant;
	processes: Array<ThroughputResult & { externalPeakRss: number; startedAt: number }>;
	/** From the first start to the last finish. */
	wallMs: number;
	/** The key's budget shared: every create at 10/s, plus the task time. */
	bound: number;
	ratio: number;
	stats: KeyStatsLike | undefined;
	/** Accepted creates and status reads of the key per second of the run (from the request log). */
	perSecond: Array<{ second: number; creates: number; reads: number }>;
}

export async function runShared({ results, newSimulator, failed }: BenchContext) {
	results.shared = [];
	for (const variant of SHARED_VARIANTS) {
		const recorded = await newSimulator(`shared-${variant.name}`, {
			taskLatencyMs: TASK_MS,
			requestDelayMs: variant.requestDelayMs,
			answerDelayMs: variant.answerDelayMs,
		});
		const apiKey = `sk-bench-shared-${variant.name}`;
		const scenarios = Array.from(
			{ length: variant.processes },
			(_, index) =>
				new Scenario(`${variant.title} (#${index + 1})`, {
					scenario: 'throughput',
					simUrl: recorded.sim.url,
					apiKey,
					items: itemsOf(variant, index),
					requestsPerSecond: RATE_LIMIT,
					timeoutMs: 600_000,
				}),
		);
		log(`${variant.title}: ${describeItems(variant)} × ${TASK_MS / 1000} s tasks, default credential`);
		await Promise.all(scenarios.map(async (scenario) => await scenario.ready))
			.then(async () => {
				scenarios.forEach((scenario, index) => {
					const offset = variant.startOffsetsMs?.[index] ?? 0;
					if (offset > 0) setTimeout(() => scenario.go(), offset);
					else scenario.go();
				});
				const processes = await Promise.all(
					scenarios.map(async (scenario) => {
						const result = (await scenario.result) as ThroughputResult;
						return { ...result, externalPeakRss: scenario.externalPeakRss, startedAt: await scenario.started };
					}),
				);
				const first = Math.min(...processes.map((process) => process.startedAt));
				const wallMs = Math.max(...processes.map((process) => process.startedAt + process.wallMs)) - first;
				const bound = (totalOf(variant) / RATE_LIMIT) * 1000 + TASK_MS;
				results.shared!.push({
					variant,
					processes,
					wallMs,
					bound,
					ratio: wallMs / bound,
					stats: recorded.sim.stats().byKey[apiKey] as KeyStatsLike | undefined,
					perSecond: perSecond(recorded, first),
				});
				log(`${variant.title}: ${seconds(wallMs, 2)} (${processes.map((process, index) => `${process.completed}/${itemsOf(variant, index)}`).join(' + ')} completed)`);
			})
			.catch(failed(variant.title));
	}
}

export function sharedRows(results: Results): Row[] {
	const rows: Row[] = [];
	for (const run of results.shared ?? []) {
		const { variant } = run;
		const total = totalOf(variant);
		const distant = variant.requestDelayMs || variant.answerDelayMs ? `, API latency ${variant.requestDelayMs?.join('–') ?? 0} ms in + ${variant.answerDelayMs?.join('–') ?? 0} ms out` : '';
		const section = `${variant.title}: ${describeItems(variant)}, ${TASK_MS / 1000} s tasks, default credential (10/s)${distant}`;
		const completed = run.processes.reduce((sum, process) => sum + process.completed, 0);
		const ok = completed === total && run.processes.every((process) => process.status === 'success');
		rows.push({
			section,
			figure: `aggregate wall, first start → last finish (shared bound ${total}/10 + T = ${seconds(run.bound)})`,
			measured: `${seconds(run.wallMs, 2)} = ${run.ratio.toFixed(2)}× bound${ok ? '' : ` (${completed}/${total} completed)`}`,
			// Targets for two processes and a joining batch; the other variants are measured, their 429s held to 0.
			...(variant.target
				? { target: `≤ ${variant.target.toFixed(2)}× bound (${seconds(run.bound * variant.target, 2)})`, met: ok && run.ratio <= variant.target }
				: { target: '— (info)', met: ok ? undefined : false }),
		});
		rows.push({
			section,
			figure: 'each process: wall',
			measured: run.processes.map((process) => seconds(process.wallMs, 2)).join(' / '),
			target: '— (info)',
		});
		if (run.stats) keyRows(rows, section, run.stats);
	}
	return rows;
}
