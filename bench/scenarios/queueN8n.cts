/**
 * `--only queue-n8n`: the rate limiter in a real n8n 2.41.1 in queue mode (harness/n8n/queue.cts:
 * Postgres, Redis, main, two `n8n worker --concurrency=1`, a webhook process; the packed package),
 * the scenes the in-process scenarios model: A two 40-item batches at once (shared.cts "two"),
 * B a 300-item batch joined by 20-item ones at 4/12/20 s (shared.cts "joining"), C 100 items on one
 * worker (throughput.cts), D 1,000 items of 30 s tasks on one worker (large.cts).
 *
 * Two limiter variants, each its own credential (own API key, 10/s): the current one and, with the
 * undeclared credential property `rateLimiter: 'baseline'`, a simple baseline. Each scene runs
 * `--n8n-runs` times, interleaved (run 1 of every scene and variant, then run 2 …) so the shared
 * machine's drift hits both alike. A and B need both workers: one variant after the other. C and D
 * run the variants side by side (one execution per worker, separate keys, separate budgets).
 * Executions are timed from Postgres (startedAt/stoppedAt), creates and finishes from the simulator.
 */
import { randomUUID } from 'node:crypto';

import { QueueCluster, UNIFICALLY_NODE, ensureN8n, packPackage, sleep, waitFor, type ExecutionRecord, type WorkflowJson } from '../../harness/n8n/index.cjs';
import type { SimTask } from '../../simulator/server.cjs';
import type { RecordedSimulator } from '../recorder.cjs';
import { quantiles, seconds, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { RATE_LIMIT, TASK_MS, LARGE_TASK_MS, log } from '../settings.cjs';

interface Scene {
	name: 'A' | 'B' | 'C' | 'D';
	title: string;
	/** One model per scene and variant: the node learns per model (in each worker process) how long tasks take. */
	model: string;
	baselineModel: string;
	/** The `split` variant's model, in the scenes where two processes share the key from the start (A). */
	splitModel?: string;
	taskMs: number;
	/** The batches posted, ms after the first POST, and their items. */
	batches: Array<{ at: number; items: number }>;
	/** Both variants at once, one on each worker. */
	sideBySide: boolean;
	/** Wall from the webhook POST (n8n's job pickup and execution start included), not from the first start. */
	fromPost: boolean;
	target: number;
	worstTarget?: number;
	/** The in-process figure of the same bench run for this scene ("the model"), when it ran. */
	modelRatio: (results: Results) => number | undefined;
}

const SCENES: Scene[] = [
	{ name: 'A', title: 'two 40-item batches at once, both workers', model: 'google/nano-banana', baselineModel: 'black-forest-labs/flux.2-flex', splitModel: 'higgsfield-ai/cinematic-studio-image', taskMs: TASK_MS, batches: [{ at: 0, items: 40 }, { at: 0, items: 40 }], sideBySide: false, fromPost: false, target: 1.25, worstTarget: 1.5, modelRatio: (r) => r.shared?.find((s) => s.variant.name === 'two')?.ratio },
	// Unlike the model (one process per batch), the joiners share the second worker: each waits for the one before.
	{ name: 'B', title: 'a 300-item batch, 20-item batches joining at 4, 12, 20 s', model: 'openai/gpt-image-1.5', baselineModel: 'openai/gpt-image-1', taskMs: TASK_MS, batches: [{ at: 0, items: 300 }, { at: 4000, items: 20 }, { at: 12_000, items: 20 }, { at: 20_000, items: 20 }], sideBySide: false, fromPost: false, target: 1.4, worstTarget: 1.6, modelRatio: (r) => r.shared?.find((s) => s.variant.name === 'joining')?.ratio },
	{ name: 'C', title: 'one 100-item batch on one worker', model: 'google/nano-banana-pro', baselineModel: 'kuaishou/kling-o1-image', taskMs: TASK_MS, batches: [{ at: 0, items: 100 }], sideBySide: true, fromPost: false, target: 1.1, modelRatio: (r) => r.throughput?.ratio },
	{ name: 'D', title: '1,000 items × 30 s tasks on one worker', model: 'black-forest-labs/flux.2-pro', baselineModel: 'black-forest-labs/flux.2-max', taskMs: LARGE_TASK_MS, batches: [{ at: 0, items: 1000 }], sideBySide: true, fromPost: true, target: 1.1, modelRatio: (r) => r.large?.ratio },
];

interface Variant {
	name: VariantName;
	credential: { id: string; name: string };
	apiKey: string;
	/** Extra credential data: the transport's undeclared `rateLimiter` switch. */
	extra: Record<string, unknown>;
}

export const VARIANT_NAMES = ['limiter', 'baseline', 'split'] as const;

type VariantName = (typeof VARIANT_NAMES)[number];

/**
 * `split`: no coordination at all — Requests per Second 4 on each worker, the limiter's planned budget
 * while two processes share the key (limit − 2 = 8) split evenly by hand. What it measures is the
 * floor that budget leaves in scene A: the best any split of it can do in real n8n.
 */
const ALL_VARIANTS: Variant[] = [
	{ name: 'limiter', credential: { id: 'unifBenchQCredLm', name: 'bench-queue-limiter' }, apiKey: 'sk-bench-queue-limiter', extra: {} },
	{ name: 'baseline', credential: { id: 'unifBenchQCredBl', name: 'bench-queue-baseline' }, apiKey: 'sk-bench-queue-baseline', extra: { rateLimiter: 'baseline' } },
	{ name: 'split', credential: { id: 'unifBenchQCredSp', name: 'bench-queue-split' }, apiKey: 'sk-bench-queue-split', extra: { requestsPerSecond: (RATE_LIMIT - 2) / 2 } },
];

/** The variants a scene runs: `split` only where a model for it is named (A). */
const variantsOf = (scene: Scene, chosen: readonly Variant[]) => chosen.filter((variant) => variant.name !== 'split' || scene.splitModel !== undefined);

const modelOf = (scene: Scene, variant: Variant) => (variant.name === 'baseline' ? scene.baselineModel : variant.name === 'split' ? scene.splitModel! : scene.model);

export interface QueueRun {
	scene: string;
	variant: string;
	run: number;
	ok: boolean;
	error?: string;
	/** The scene's figure: first start → last stop (A, B, C), or first POST → last stop (D). */
	wallMs: number;
	startToStopMs: number;
	bound: number;
	ratio: number;
	rateLimited: number;
	/** POST → first start; first start → first create; first → last create; last task finished → last stop. */
	pickupMs: number;
	startToCreateMs: number;
	createSpanMs: number;
	tailMs: number;
	/** Between the first and the last batch's first create (A: how far apart n8n started the two; the model starts them together). */
	firstCreatesApartMs: number;
	/** Per batch: status reads, and how late the last read of each task came after it finished. */
	reads: string[];
	peakCreatesPerSecond: number;
	/** Each execution (POST order): start and stop, ms after the first POST, and the worker that ran it (its log). */
	executions: Array<{ startMs: number; stopMs: number; workers: number[] }>;
}

export interface QueueN8nResult {
	n8nVersion: string;
	runsPerScene: number;
	setupMs: number;
	runs: QueueRun[];
}

const workflowId = (scene: Scene, variant: Variant) => `unifBenchQueue${scene.name}${{ limiter: 'L', baseline: 'B', split: 'S' }[variant.name]}`;
const hookPath = (scene: Scene, variant: Variant) => `bench-queue-${scene.name.toLowerCase()}-${variant.name}`;
const boundMs = (scene: Scene) => (scene.batches.reduce((sum, batch) => sum + batch.items, 0) / RATE_LIMIT) * 1000 + scene.taskMs;
const ms = (value: string | null) => new Date(value!).getTime();
const ENDED = (execution: ExecutionRecord) => !['new', 'running', 'waiting', 'unknown'].includes(execution.status);

/** Webhook (answers at once) → one item per `body.items` entry → Image → Generate (poll). */
function workflow(scene: Scene, variant: Variant): WorkflowJson {
	const node = (name: string, type: string, x: number, parameters: Record<string, unknown>, extra = {}) => ({ id: randomUUID(), name, type, typeVersion: 1, position: [x, 0] as [number, number], parameters, ...extra });
	return {
		id: workflowId(scene, variant),
		name: `bench: queue ${scene.name}, ${variant.name}`,
		nodes: [
			{ ...node('Webhook', 'n8n-nodes-base.webhook', 0, { httpMethod: 'POST', path: hookPath(scene, variant), responseMode: 'onReceived', options: {} }), typeVersion: 2, webhookId: randomUUID() },
			node('One Item per Entry', 'n8n-nodes-base.splitOut', 220, { fieldToSplitOut: 'body.items', options: {} }),
			node(
				'Generate',
				UNIFICALLY_NODE,
				440,
				{ resource: 'image', operation: 'generate', model: modelOf(scene, variant), prompt: '={{ $json.prompt }}', additionalFields: { extraInput: JSON.stringify({ sim_latency_ms: scene.taskMs }) }, options: { download: false } },
				{ credentials: { unificallyApi: variant.credential } },
			),
		],
		connections: {
			Webhook: { main: [[{ node: 'One Item per Entry', type: 'main', index: 0 }]] },
			'One Item per Entry': { main: [[{ node: 'Generate', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	};
}

/** One run of a scene for the given variants at once (one, or both side by side). */
async function runScene(cluster: QueueCluster, { sim, log: requests }: RecordedSimulator, scene: Scene, variants: Variant[], run: number): Promise<QueueRun[]> {
	sim.reset(); // stats and any ban
	const known = new Set((await cluster.executions()).map((execution) => execution.id));
	const label = (variant: Variant, batch: number) => `${scene.name}-${variant.name}-r${run}-b${batch}`;
	const postedAt = new Map<string, number>();
	const began = Date.now();
	await Promise.all(
		scene.batches.flatMap((batch, index) =>
			variants.map(async (variant) => {
				await sleep(Math.max(0, began + batch.at - Date.now()));
				const items = Array.from({ length: batch.items }, (_, item) => ({ prompt: `${label(variant, index)} ${item}` }));
				if (!postedAt.has(variant.name)) postedAt.set(variant.name, Date.now());
				const response = await fetch(cluster.webhookUrl(hookPath(scene, variant)), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items }) });
				if (response.status !== 200) throw new Error(`POST ${hookPath(scene, variant)}: HTTP ${response.status}`);
			}),
		),
	);
	const ids = new Set(variants.map((variant) => workflowId(scene, variant)));
	const expected = scene.batches.length * variants.length;
	const ended = await waitFor(
		`${expected} execution(s) of scene ${scene.name} to end`,
		async () => {
			const fresh = (await cluster.executions()).filter((execution) => ids.has(execution.workflowId) && !known.has(execution.id));
			return fresh.length >= expected && fresh.every(ENDED) ? fresh : undefined;
		},
		{ timeoutMs: 10 * 60_000, intervalMs: 500 },
	);
	const stats = sim.stats();
	const tasks = [...sim.tasks.values()];
	const readsOf = readTimesByTask(requests);
	const bound = boundMs(scene);
	return variants.map((variant) => {
		const executions = ended.filter((execution) => execution.workflowId === workflowId(scene, variant));
		const mine = tasks.filter((task) => String(task.input.prompt).startsWith(`${scene.name}-${variant.name}-r${run}-`));
		const batches = scene.batches.map((_, index) => mine.filter((task) => String(task.input.prompt).startsWith(`${label(variant, index)} `)));
		const creates = mine.map((task) => task.createdAt);
		const firstStart = Math.min(...executions.map((e) => ms(e.startedAt)));
		const lastStop = Math.max(...executions.map((e) => ms(e.stoppedAt)));
		const posted = postedAt.get(variant.name)!;
		const wallMs = (scene.fromPost ? lastStop - posted : lastStop - firstStart);
		const key = stats.byKey[variant.apiKey];
		const items = scene.batches.reduce((sum, batch) => sum + batch.items, 0);
		const failed = executions.filter((e) => e.status !== 'success');
		return {
			scene: scene.name,
			variant: variant.name,
			run,
			ok: failed.length === 0 && mine.length === items,
			error: failed.length || mine.length !== items ? `${failed.length} execution(s) not successful, ${mine.length}/${items} tasks created` : undefined,
			wallMs,
			startToStopMs: lastStop - firstStart,
			bound,
			ratio: wallMs / bound,
			rateLimited: key?.rateLimited ?? 0,
			pickupMs: firstStart - posted,
			startToCreateMs: Math.min(...creates) - firstStart,
			createSpanMs: Math.max(...creates) - Math.min(...creates),
			tailMs: lastStop - Math.max(...mine.map((task) => task.finishesAt)),
			firstCreatesApartMs: firstCreatesApart(batches),
			reads: batches.map((batch, index) => `b${index}: ${readsOfBatch(batch, readsOf, posted)}`),
			peakCreatesPerSecond: key?.peakCreatesPerSecond ?? 0,
			executions: executions.map((e) => ({ startMs: ms(e.startedAt) - posted, stopMs: ms(e.stoppedAt) - posted, workers: cluster.workersOf(e.id) })),
		};
	});
}

/** The times of the status reads of each task, from the simulator's request log (one pass). */
function readTimesByTask(log: RecordedSimulator['log']): Map<string, number[]> {
	const byTask = new Map<string, number[]>();
	for (const entry of log) {
		if (entry.method !== 'GET') continue;
		const id = entry.path.split('?')[0].split('/').pop() ?? '';
		const times = byTask.get(id);
		if (times) times.push(entry.at);
		else byTask.set(id, [entry.at]);
	}
	return byTask;
}

/**
 * A batch's status reads: how many, how long after each task finished its last read came (median / max,
 * ms), the lag of every tenth task in create order (aimed late: about the same for all; waiting for the
 * budget: growing), and when the batch's last read came (s after the POST, to compare with its stop).
 */
function readsOfBatch(batch: SimTask[], readsOf: Map<string, number[]>, posted: number): string {
	const lags: number[] = [];
	const readTimes: number[] = [];
	const inOrder = [...batch].sort((a, b) => a.createdAt - b.createdAt);
	for (const task of inOrder) {
		const times = readsOf.get(task.id) ?? [];
		readTimes.push(...times);
		if (times.length) lags.push(Math.max(...times) - task.finishesAt);
	}
	const reads = readTimes.length;
	const lastRead = Math.max(0, ...readTimes);
	const q = quantiles(lags);
	// Reads and creates per second after the POST: a limiter that holds the batch back reads steadily
	// below the batch's need; a stalled process leaves gaps.
	const perSecond = (times: number[]) => {
		const counts: number[] = [];
		for (const at of times) {
			const second = Math.max(0, Math.floor((at - posted) / 1000));
			while (counts.length <= second) counts.push(0);
			counts[second]++;
		}
		return counts.join(' ');
	};
	const timeline = `creates/s ${perSecond(inOrder.map((task) => task.createdAt))}; reads/s ${perSecond(readTimes)}; `;
	const sampled = lags.filter((_, index) => index % 10 === 0 || index === lags.length - 1).map((lag) => Math.round(lag));
	const created = inOrder.map((task) => (task.createdAt - posted) / 1000);
	const createdText = created.length ? `created ${created[0].toFixed(1)}–${created[created.length - 1].toFixed(1)} s, ` : '';
	return `${createdText}${timeline}${reads} reads, last read ${Math.round(q.median)}/${Math.round(q.max)} ms after the finish (in create order ${sampled.join(' ')}), the last at ${((lastRead - posted) / 1000).toFixed(1)} s`;
}

/** The spread of the batches' first creates (0 with one batch). */
function firstCreatesApart(batches: SimTask[][]): number {
	const firsts = batches.map((batch) => Math.min(...batch.map((task) => task.createdAt)));
	return Math.max(...firsts) - Math.min(...firsts);
}

/** The scenario as bench/main.cts runs it: one cluster, every scene and variant, run by run. */
export async function runQueueN8n({ args, results, newSimulator, failed }: BenchContext) {
	const from = Date.now();
	await ensureN8n();
	const tarball = await packPackage();
	const simulator = await newSimulator('queue-n8n', { taskLatencyMs: TASK_MS });
	const { sim } = simulator;
	const cluster = await QueueCluster.start({ tarball, workers: 2 });
	const VARIANTS = ALL_VARIANTS.filter((variant) => !args.n8nVariants || args.n8nVariants.has(variant.name));
	try {
		await cluster.n8n.importCredentials(
			VARIANTS.map((variant) => ({ ...variant.credential, type: 'unificallyApi', data: { apiKey: variant.apiKey, baseUrl: sim.url, requestsPerSecond: RATE_LIMIT, ...variant.extra } })),
		);
		const workflows = SCENES.flatMap((scene) => variantsOf(scene, VARIANTS).map((variant) => workflow(scene, variant)));
		await cluster.importWorkflows(workflows);
		await cluster.publish(workflows.map((wf) => wf.id!));
		await cluster.startProcesses();
		for (const scene of SCENES) for (const variant of variantsOf(scene, VARIANTS)) await cluster.waitForWebhook(hookPath(scene, variant));
		const result: QueueN8nResult = { n8nVersion: cluster.n8n.version, runsPerScene: args.n8nRuns, setupMs: Date.now() - from, runs: [] };
		results.queueN8n = result;
		log(`queue-n8n: cluster ready in ${seconds(result.setupMs, 0)}; ${args.n8nRuns} run(s) of scenes ${SCENES.map((scene) => scene.name).join(', ')}`);
		for (let run = 1; run <= args.n8nRuns; run++) {
			for (const scene of SCENES.filter((candidate) => !args.n8nScenes || args.n8nScenes.has(candidate.name))) {
				// One after the other, which goes first alternating by run; or both at once, one per worker.
				const variants = variantsOf(scene, VARIANTS);
				const order = run % 2 ? variants : [...variants].reverse();
				const groups = scene.sideBySide ? [variants] : order.map((variant) => [variant]);
				for (const group of groups) {
					const runs = await runScene(cluster, simulator, scene, group, run).catch((error: Error) =>
						group.map((variant) => ({ scene: scene.name, variant: variant.name, run, ok: false, error: error.message }) as QueueRun),
					);
					for (const done of runs) {
						result.runs.push(done);
						log(`queue-n8n ${scene.name} ${done.variant} run ${run}: ${done.ok ? `${seconds(done.wallMs, 2)} = ${done.ratio.toFixed(2)}× bound, 429s ${done.rateLimited}; ${done.reads?.join("; ")}; executions (s after the POST, worker) ${done.executions.map((e) => `${(e.startMs / 1000).toFixed(1)}–${(e.stopMs / 1000).toFixed(1)} w${e.workers.join('+')}`).join(', ')}` : `FAILED: ${done.error}`}`);
					}
				}
			}
		}
	} catch (error) {
		failed('Rate limiting in a real n8n, queue mode')(error as Error);
	} finally {
		await cluster.dispose();
	}
}

const ratio = (value: number) => `${value.toFixed(2)}×`;
const medianOf = (values: number[]) => quantiles(values).median;

export function queueN8nRows(results: Results): Row[] {
	const result = results.queueN8n;
	if (!result) return [];
	const rows: Row[] = [];
	for (const scene of SCENES) {
		const section = `Rate limiting in a real n8n ${result.n8nVersion}, queue mode (2 workers, concurrency 1): ${scene.name}. ${scene.title}, ${scene.taskMs / 1000} s tasks, 10/s per key; ${scene.sideBySide ? 'variants side by side, one per worker, own keys' : 'variants one after the other'}`;
		for (const variant of ALL_VARIANTS) {
			const runs = result.runs.filter((run) => run.scene === scene.name && run.variant === variant.name);
			if (!runs.length) continue;
			const good = runs.filter((run) => run.ok);
			const ratios = good.map((run) => run.ratio);
			const { median, max } = quantiles(ratios);
			const allOk = good.length === runs.length;
			const bound = boundMs(scene);
			const prediction = scene.modelRatio(results);
			rows.push({
				section,
				figure: `${variant.name}: ${scene.fromPost ? 'webhook POST → last stop' : 'first start → last stop'} / bound ${seconds(bound, 0)}, median (worst) of ${runs.length}; each run`,
				measured: good.length ? `${ratio(median)} (${ratio(max)}); ${runs.map((run) => (run.ok ? ratio(run.ratio) : 'failed')).join(', ')}` : `failed: ${runs[0].error}`,
				...(variant.name === 'split'
					? { target: '— (info: the floor of an even split of the shared budget, 4 + 4 per second)' }
					: {
							target: `≤ ${ratio(scene.target)}${scene.worstTarget ? ` (worst ≤ ${ratio(scene.worstTarget)})` : ''}`,
							met: allOk && good.length > 0 && median <= scene.target && (!scene.worstTarget || max <= scene.worstTarget),
						}),
			});
			rows.push({ section, figure: `${variant.name}: the model's prediction (in-process, this bench run)`, measured: prediction === undefined ? '—' : ratio(prediction), target: '— (info)' });
			const limited = runs.reduce((sum, run) => sum + (run.rateLimited ?? 0), 0);
			rows.push({ section, figure: `${variant.name}: 429s, all runs`, measured: String(limited), target: '0', met: allOk && limited === 0 });
			if (!good.length) continue;
			const med = (pick: (run: QueueRun) => number) => seconds(medianOf(good.map(pick)), 2);
			rows.push({
				section,
				figure: `${variant.name}: POST → first start (pickup); start → first create; batches' first creates apart; creates span; last task finished → last stop; peak creates/s (medians)`,
				measured: `${med((run) => run.pickupMs)}; ${med((run) => run.startToCreateMs)}; ${med((run) => run.firstCreatesApartMs)}; ${med((run) => run.createSpanMs)}; ${med((run) => run.tailMs)}; ${medianOf(good.map((run) => run.peakCreatesPerSecond))}`,
				target: '— (info)',
			});
			if (scene.fromPost) {
				rows.push({ section, figure: `${variant.name}: first start → last stop / bound (median)`, measured: ratio(medianOf(good.map((run) => run.startToStopMs / bound))), target: '— (info)' });
			}
		}
	}
	return rows;
}
