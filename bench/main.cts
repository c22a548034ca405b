/**
 * `npm run bench` (scripts/bench.js builds this with bench/tsconfig.json, then runs it).
 *
 * One run measures, against local simulators (simulator/server.cts: 10 creates/s and 10 status
 * reads/s per key, 60 s ban on any excess) served from this process:
 *   1. Throughput: 100 items of 3 s tasks through the Unifically node in n8n's real engine
 *      (harness/engine.cts → n8n-core WorkflowExecute), against the bound N/10 + T and against
 *      the naive sequential pattern (create, poll every second until done, next item) in plain HTTP.
 *   2. Two processes, one key: two such runs of 40 items in separate processes (two n8n workers)
 *      against one simulator, started together, with the default credential: aggregate wall time
 *      against the key's shared bound, 429s, status reads per task.
 *   3. A large batch: 1,000 items of 30 s tasks, where the 10 status reads/s set the pace.
 *   4. Politeness: 429s received, status reads per task (plus the request timeline, to explain them).
 *   5. Memory: peak RSS while downloading a 512 MiB output into binary data (filesystem mode) versus
 *      the same run without download, each in a fresh process.
 *   6. Per-item overhead: Estimate Cost over 1,000 items at the API's limit, and with the limit lifted.
 *   7. Memory in a real n8n (`memory-n8n`, bench/memoryN8n.cts): the same 512 MiB download under
 *      `n8n start` (2.41.1, the packed package), filesystem and database binary data modes.
 * Every node scenario runs in a child process of its own (bench/child.cts).
 *
 * Options: --json <file>  write the results as JSON;  --markdown <file>  write the results page
 * (bench/RESULTS.md);  --only <a,b>  run some scenarios (throughput, shared, large,
 * naive, memory, memory-n8n, estimate, overhead, callbacks);  --naive-items <n> (default 10);  --items <n> (default 100);
 * --output-mib <n> (default 512, the memory scenario's file size).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { callbackRows, runCallbackBursts, type CallbackBurstResult } from './callbacks.cjs';
import { runMemoryN8n, type MemoryN8nModeResult } from './memoryN8n.cjs';
import { runNaiveSequential, type NaiveResult } from './naive.cjs';
import {
	MODEL,
	type ChildMessage,
	type EstimateResult,
	type MemoryResult,
	type ScenarioConfig,
	type ScenarioResult,
	type ThroughputResult,
} from './protocol.cjs';
import { startRecordedSimulator, type RecordedSimulator, type RequestRecord } from './recorder.cjs';
import { markdownTable, mib, quantiles, seconds, signedMib, textTable, type Row } from './report.cjs';

// ---------------------------------------------------------------------------------------------
// Settings (the issue's figures)

const RATE_LIMIT = 10;
const BAN_SECONDS = 60;
const TASK_MS = 3000;
const MEMORY_TASK_MS = 200;
const ESTIMATE_ITEMS = 1000;
/** "Two processes, one key": items per process, both started together. */
const SHARED_ITEMS = 40;
/**
 * Several processes on one key, each with its own rate limiter (as n8n queue-mode workers), started
 * together, default credential: the issue's case, three workers, and two workers against an API
 * that answers like a distant one (requests counted out of order, answers 0.05–0.3 s late).
 */
interface SharedVariant {
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
const itemsOf = (variant: SharedVariant, index: number) => variant.itemsPer?.[index] ?? variant.items;
const totalOf = (variant: SharedVariant) => Array.from({ length: variant.processes }, (_, index) => itemsOf(variant, index)).reduce((sum, items) => sum + items, 0);
const describeItems = (variant: SharedVariant) =>
	variant.itemsPer
		? variant.itemsPer.map((items, index) => `${items}${variant.startOffsetsMs?.[index] ? ` at ${variant.startOffsetsMs[index] / 1000} s` : ''}`).join(' + ') + ' items'
		: `${variant.processes} × ${variant.items} items at once`;
const SHARED_VARIANTS: SharedVariant[] = [
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
/** The large batch: 1,000 items of 30 s tasks, where the 10 status reads/s set the pace. */
const LARGE_ITEMS = 1000;
const LARGE_TASK_MS = 30_000;
const UNTHROTTLED = 100_000;
const TARGETS = {
	// A lone batch keeps one request a second spare for a process that joins blind (NEWCOMER_SPARE):
	// 1.15 × is what that may cost it.
	wallRatio: 1.15,
	// The large batch is a lone batch too (NEWCOMER_SPARE, as wallRatio).
	largeWallRatio: 1.15,
	rateLimited: 0,
	readsPerTask: 4,
	memoryDeltaBytes: 96 * 1024 * 1024,
	/** Issue 21: what a 512 MiB download may add to a real n8n's peak RSS, filesystem mode. */
	memoryN8nDeltaBytes: 32 * 1024 * 1024,
};
const SAMPLE_EVERY_MS = 50;
/** In the --markdown page, everything from this line on is kept when the page is rewritten. */
const NOTES_MARKER = '<!-- notes: kept when npm run bench rewrites this page -->';

interface Args {
	json?: string;
	markdown?: string;
	only?: Set<string>;
	items: number;
	naiveItems: number;
	outputBytes: number;
}

function parseArgs(argv: string[]): Args {
	const args: Args = { items: 100, naiveItems: 10, outputBytes: 512 * 1024 * 1024 };
	for (let index = 0; index < argv.length; index++) {
		const flag = argv[index];
		const value = () => {
			const next = argv[++index];
			if (next === undefined) throw new Error(`${flag} needs a value`);
			return next;
		};
		if (flag === '--json') args.json = value();
		else if (flag === '--markdown') args.markdown = value();
		else if (flag === '--only') args.only = new Set(value().split(',').map((name) => name.trim()));
		else if (flag === '--items') args.items = Number(value());
		else if (flag === '--naive-items') args.naiveItems = Number(value());
		else if (flag === '--output-mib') args.outputBytes = Math.round(Number(value()) * 1024 * 1024);
		else if (flag === '--help' || flag === '-h') {
			console.log('npm run bench [-- --json <file>] [--markdown <file>] [--only throughput,shared,large,naive,memory,memory-n8n,estimate,overhead,callbacks]');
			process.exit(0);
		} else throw new Error(`Unknown option ${flag}`);
	}
	return args;
}

const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

// ---------------------------------------------------------------------------------------------
// Scenario children

const CHILD_JS = path.join(__dirname, 'child.cjs');

/** A forked scenario: `ready` once warmed up, `go()` to start, then `result`. */
class Scenario {
	readonly child: ChildProcess;
	readonly ready: Promise<void>;
	readonly started: Promise<number>;
	readonly result: Promise<ScenarioResult>;
	/** Peak VmRSS of the child, read from /proc/<pid>/status every 50 ms between `started` and the result. */
	externalPeakRss = 0;
	private stderr = '';

	constructor(readonly label: string, config: ScenarioConfig) {
		this.child = fork(CHILD_JS, [JSON.stringify(config)], {
			execArgv: ['--expose-gc'],
			stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
			env: { ...process.env, N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'silent' },
		});
		this.child.stdout?.on('data', () => undefined);
		this.child.stderr?.on('data', (chunk: Buffer) => {
			this.stderr = (this.stderr + chunk.toString()).slice(-4000);
		});
		const settle = <T,>(type: ChildMessage['type'], pick: (message: ChildMessage) => T) =>
			new Promise<T>((resolve, reject) => {
				const onMessage = (message: ChildMessage) => {
					if (message.type === type) resolve(pick(message));
					if (message.type === 'failed') reject(new Error(`${label} failed:\n${message.error}`));
				};
				this.child.on('message', onMessage);
				this.child.on('exit', (code) =>
					reject(new Error(`${label} exited (code ${code}) before "${type}"\n${this.stderr}`)),
				);
			});
		this.ready = settle('ready', () => undefined);
		this.started = settle('started', () => Date.now());
		this.result = settle('result', (message) => (message as Extract<ChildMessage, { type: 'result' }>).result);
		for (const promise of [this.ready, this.started, this.result]) promise.catch(() => undefined);
		void this.started.then(() => this.sampleExternally(), () => undefined);
	}

	go() {
		this.child.send({ type: 'go' });
	}

	private sampleExternally() {
		const pid = this.child.pid;
		if (!pid) return;
		const sample = () => {
			try {
				const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
				if (match) this.externalPeakRss = Math.max(this.externalPeakRss, Number(match[1]) * 1024);
			} catch {
				// gone, or no /proc
			}
		};
		sample();
		const timer = setInterval(sample, SAMPLE_EVERY_MS);
		void this.result.finally(() => clearInterval(timer)).catch(() => undefined);
	}
}

async function runScenario<T extends ScenarioResult>(scenario: Scenario): Promise<T & { externalPeakRss: number }> {
	await scenario.ready;
	scenario.go();
	const result = (await scenario.result) as T;
	return { ...result, externalPeakRss: scenario.externalPeakRss };
}

// ---------------------------------------------------------------------------------------------
// Reading the simulator's request log

const TASK_PATH = /^\/v1\/tasks\/([^/?]+)/;

interface ThroughputTimeline {
	firstCreateMs: number;
	lastCreateMs: number;
	firstReadMs: number;
	lastReadMs: number;
	readsPerTask: Record<string, number>;
	firstReadAfterCreateMs: ReturnType<typeof quantiles>;
	/** From the moment the task finished on the simulator to the read that saw it finished. */
	detectionDelayMs: ReturnType<typeof quantiles>;
	/** Reads that found the task still pending/processing. */
	earlyReads: number;
	/** Per task, in creation order: ms after the batch started of its create, finish and reads. */
	tasks: Array<{ createdMs: number; finishedMs: number; readsMs: number[] }>;
}

function throughputTimeline(recorded: RecordedSimulator, apiKey: string, startedAt: number): ThroughputTimeline {
	const tasks = [...recorded.sim.tasks.values()].filter((task) => task.owner === apiKey);
	tasks.sort((a, b) => a.createdAt - b.createdAt);
	const readsById = new Map<string, RequestRecord[]>();
	for (const record of recorded.log) {
		const match = record.method === 'GET' ? TASK_PATH.exec(record.path) : null;
		if (!match || record.status !== 200) continue;
		const id = decodeURIComponent(match[1]);
		readsById.set(id, [...(readsById.get(id) ?? []), record]);
	}
	const histogram: Record<string, number> = {};
	const firstRead: number[] = [];
	const detection: number[] = [];
	let earlyReads = 0;
	const allReads: number[] = [];
	const perTask = tasks.map((task) => {
		const reads = readsById.get(task.id) ?? [];
		histogram[reads.length] = (histogram[reads.length] ?? 0) + 1;
		if (reads[0]) firstRead.push(reads[0].at - task.createdAt);
		const seen = reads.find((read) => read.at >= task.finishesAt);
		if (seen) detection.push(seen.at - task.finishesAt);
		earlyReads += reads.filter((read) => read.at < task.finishesAt).length;
		allReads.push(...reads.map((read) => read.at));
		return {
			createdMs: task.createdAt - startedAt,
			finishedMs: task.finishesAt - startedAt,
			readsMs: reads.map((read) => read.at - startedAt),
		};
	});
	return {
		firstCreateMs: (tasks[0]?.createdAt ?? NaN) - startedAt,
		lastCreateMs: (tasks.at(-1)?.createdAt ?? NaN) - startedAt,
		firstReadMs: Math.min(...allReads) - startedAt,
		lastReadMs: Math.max(...allReads) - startedAt,
		readsPerTask: histogram,
		firstReadAfterCreateMs: quantiles(firstRead),
		detectionDelayMs: quantiles(detection),
		earlyReads,
		tasks: perTask,
	};
}

function perSecond(recorded: RecordedSimulator, startedAt: number) {
	const buckets: Array<{ second: number; creates: number; reads: number }> = [];
	for (const record of recorded.log) {
		const kind = kindOf(record);
		if (record.status === 429 || kind === 'other' || record.key.endsWith('-warmup')) continue;
		const second = Math.floor((record.at - startedAt) / 1000);
		if (second < 0) continue;
		while (buckets.length <= second) buckets.push({ second: buckets.length, creates: 0, reads: 0 });
		if (kind === 'create') buckets[second].creates++;
		else buckets[second].reads++;
	}
	return buckets;
}

interface SimulatorSummary {
	requests: number;
	creates: number;
	dryRuns: number;
	statusReads: number;
	rateLimited: number;
	peakCreatesPerSecond: number;
	peakStatusReadsPerSecond: number;
	/**
	 * Each 429: when (ms after the bench started), for which kind of request, and how long before it
	 * the accepted requests of that kind in the second before it arrived (to tell a client that sent
	 * too fast from requests bunched up on the way).
	 */
	rateLimitEvents: Array<{ atMs: number; kind: string; acceptedInPrecedingSecondMsAgo: number[] }>;
	/** Fewest ms spanned by 11 consecutive accepted requests of one kind and key (≤ 1000: over the limit). */
	minSpanOf11: Record<string, number>;
}

const kindOf = (record: RequestRecord) =>
	record.method === 'POST' && /^\/v1\/tasks\/?(\?|$)/.test(record.path)
		? 'create'
		: record.method === 'GET' && TASK_PATH.test(record.path)
			? 'status'
			: 'other';

function minSpanOf11(records: RequestRecord[]): Record<string, number> {
	const times = new Map<string, number[]>();
	for (const record of records) {
		const kind = kindOf(record);
		if (record.status === 429 || kind === 'other') continue;
		const key = `${kind}`;
		const list = times.get(`${key} ${record.key}`) ?? [];
		list.push(record.doneAt);
		times.set(`${key} ${record.key}`, list);
	}
	const spans: Record<string, number> = {};
	for (const [name, list] of times) {
		const kind = name.split(' ')[0];
		list.sort((a, b) => a - b);
		for (let index = 10; index < list.length; index++) {
			spans[kind] = Math.min(spans[kind] ?? Infinity, list[index] - list[index - 10]);
		}
	}
	return spans;
}

function simulatorSummary(recorded: RecordedSimulator, began: number): SimulatorSummary {
	const stats = recorded.sim.stats();
	const events = recorded.log
		.filter((record) => record.status === 429)
		.slice(0, 20)
		.map((limited) => {
			const kind = kindOf(limited);
			const accepted = recorded.log.filter(
				(record) =>
					record.status !== 429 &&
					record.key === limited.key &&
					kindOf(record) === kind &&
					record.doneAt <= limited.doneAt &&
					record.doneAt > limited.doneAt - 1000,
			);
			return {
				atMs: limited.doneAt - began,
				kind,
				acceptedInPrecedingSecondMsAgo: accepted.map((record) => limited.doneAt - record.doneAt),
			};
		});
	return {
		requests: stats.requests,
		creates: stats.creates,
		dryRuns: stats.dryRuns,
		statusReads: stats.statusReads,
		rateLimited: stats.rateLimited,
		peakCreatesPerSecond: stats.peakCreatesPerSecond,
		peakStatusReadsPerSecond: stats.peakStatusReadsPerSecond,
		rateLimitEvents: events,
		minSpanOf11: minSpanOf11(recorded.log),
	};
}

// ---------------------------------------------------------------------------------------------

/** "Two processes, one key" and its variants: engine runs in separate processes, started together. */
interface SharedResult {
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

interface KeyStatsLike {
	rateLimited: number;
	statusReads: number;
	creates: number;
	peakCreatesPerSecond: number;
	peakStatusReadsPerSecond: number;
}

interface Results {
	startedAt: string;
	durationMs: number;
	environment: Record<string, unknown>;
	settings: Record<string, unknown>;
	throughput?: ThroughputResult & { externalPeakRss: number; bound: number; ratio: number; stats: unknown; timeline: ThroughputTimeline };
	shared?: SharedResult[];
	large?: ThroughputResult & { externalPeakRss: number; bound: number; ratio: number; stats: unknown; timeline: ThroughputTimeline };
	naive?: NaiveResult & { extrapolatedMs: number; extrapolatedTo: number };
	memory?: { withDownload: MemoryResult & { externalPeakRss: number }; withoutDownload: MemoryResult & { externalPeakRss: number }; deltaPeakRss: number; deltaVmHwm?: number };
	estimate?: EstimateResult & { externalPeakRss: number; itemsPerSecond: number; stats: unknown };
	overhead?: EstimateResult & { externalPeakRss: number; itemsPerSecond: number; stats: unknown };
	callbacks?: CallbackBurstResult[];
	memoryN8n?: MemoryN8nModeResult[];
	rateLimitedTotal: number;
	simulators: Record<string, SimulatorSummary>;
	rows: Row[];
	errors: string[];
}

function environment() {
	const cpus = os.cpus();
	let n8nCore = '?';
	try {
		n8nCore = (JSON.parse(readFileSync(require.resolve('n8n-core/package.json'), 'utf8')) as { version: string }).version;
	} catch {
		// unknown
	}
	let commit = '?';
	try {
		const root = path.resolve(__dirname, '..', '..', '..');
		commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
		const dirty = execFileSync('git', ['status', '--porcelain', '--', 'nodes', 'credentials', 'simulator', 'bench', 'harness'], {
			cwd: root,
			encoding: 'utf8',
		}).trim();
		if (dirty) commit += ' (with uncommitted changes to the node, simulator or bench)';
	} catch {
		// not a git checkout
	}
	return {
		commit,
		node: process.version,
		n8nCore,
		cpu: `${cpus[0]?.model ?? '?'} × ${cpus.length}`,
		memory: mib(os.totalmem(), 0),
		platform: `${os.platform()} ${os.release()}`,
		loadAverageAtStart: os.loadavg().map((load) => Number(load.toFixed(2))),
	};
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const want = (name: string) => !args.only || args.only.has(name);
	const began = Date.now();
	const results: Results = {
		startedAt: new Date(began).toISOString(),
		durationMs: 0,
		environment: environment(),
		settings: {
			rateLimitPerSecond: RATE_LIMIT,
			banSeconds: BAN_SECONDS,
			taskSeconds: TASK_MS / 1000,
			items: args.items,
			naiveItems: args.naiveItems,
			naivePollEveryMs: 1000,
			outputBytes: args.outputBytes,
			memoryTaskMs: MEMORY_TASK_MS,
			estimateItems: ESTIMATE_ITEMS,
			model: MODEL,
		},
		rateLimitedTotal: 0,
		simulators: {},
		rows: [],
		errors: [],
	};
	const simulators = new Map<string, RecordedSimulator>();
	const newSimulator = async (name: string, options: Parameters<typeof startRecordedSimulator>[0]) => {
		const recorded = await startRecordedSimulator({ rateLimit: RATE_LIMIT, banSeconds: BAN_SECONDS, ...options });
		simulators.set(name, recorded);
		return recorded;
	};
	const failed = (what: string) => (error: Error) => {
		results.errors.push(`${what}: ${error.message}`);
		log(`${what} FAILED: ${error.message}`);
		return undefined;
	};

	// Phase 1: the 100-item batch, alone. The Estimate Cost child is forked at the same time, so
	// that its start-up (loading n8n) is over before the batch starts; it then waits.
	const estimateScenario = want('estimate')
		? await (async () => {
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
				return { recorded, apiKey, scenario };
			})()
		: undefined;
	if (want('throughput')) {
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
		await estimateScenario?.scenario.ready.catch(() => undefined);
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

	// Phase 1b: several processes, one key — engine runs in child processes of their own (each its
	// own rate limiter, as n8n workers), against one simulator, started together; one variant at a time.
	if (want('shared')) {
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

	// Phase 2, both light and mostly waiting on the rate limit, side by side (own simulators and
	// keys): Estimate Cost ×1000 at the API's limit (~110 s) and the naive baseline (in this process).
	const phase2: Array<Promise<unknown>> = [];
	if (estimateScenario) {
		const { recorded, apiKey, scenario } = estimateScenario;
		log(`Estimate Cost ×${ESTIMATE_ITEMS} at ${RATE_LIMIT}/s (~${Math.ceil((ESTIMATE_ITEMS / RATE_LIMIT) * 1.1)} s)`);
		phase2.push(
			runScenario<EstimateResult>(scenario).then((result) => {
				results.estimate = {
					...result,
					itemsPerSecond: result.priced / (result.nodeExecutionMs / 1000),
					stats: recorded.sim.stats().byKey[apiKey],
				};
				log(`Estimate Cost ×${ESTIMATE_ITEMS} at ${RATE_LIMIT}/s: done in ${seconds(result.nodeExecutionMs)}`);
			}, failed('Estimate Cost at the API limit')),
		);
	}
	if (want('naive')) {
		const recorded = await newSimulator('naive', { taskLatencyMs: TASK_MS });
		log(`Naive sequential: ${args.naiveItems} items, poll every 1 s`);
		phase2.push(
			runNaiveSequential({
				simUrl: recorded.sim.url,
				apiKey: 'sk-bench-naive',
				items: args.naiveItems,
				pollEveryMs: 1000,
				model: MODEL,
				input: (index) => ({ prompt: `Benchmark image ${index + 1}: a lighthouse at dusk`, aspect_ratio: '1:1' }),
			}).then((result) => {
				const mean = result.wallMs / result.items;
				results.naive = { ...result, extrapolatedMs: mean * args.items, extrapolatedTo: args.items };
				log(`Naive sequential: ${seconds(result.wallMs)} for ${result.items} items`);
			}, failed('Naive sequential')),
		);
	}
	// The large batch (1,000 items, 30 s tasks: ~2.5 minutes, mostly waiting) runs beside them.
	if (want('large')) {
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
		phase2.push(
			runScenario<ThroughputResult>(scenario).then(async (result) => {
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
			}, failed('Large batch')),
		);
	}
	await Promise.all(phase2);

	// Phase 3: memory, one fresh process per run, one after the other, with nothing else running:
	// this process serves the 512 MiB file, and a busy simulator would bunch other scenarios' requests.
	if (want('memory')) {
		const runs: Partial<Record<'with' | 'without', MemoryResult & { externalPeakRss: number }>> = {};
		for (const download of [false, true]) {
			const recorded = await newSimulator(download ? 'memory (with download)' : 'memory (without download)', { taskLatencyMs: MEMORY_TASK_MS });
			log(`Memory: ${mib(args.outputBytes, 0)} output, ${download ? 'with' : 'without'} download`);
			const result = await runScenario<MemoryResult>(
				new Scenario(`Memory (${download ? 'with' : 'without'} download)`, {
					scenario: 'memory',
					simUrl: recorded.sim.url,
					apiKey: 'sk-bench-memory',
					download,
					outputBytes: args.outputBytes,
					sampleEveryMs: SAMPLE_EVERY_MS,
					timeoutMs: 300_000,
				}),
			).catch(failed(`Memory ${download ? 'with' : 'without'} download`));
			if (result) runs[download ? 'with' : 'without'] = result;
		}
		if (runs.with && runs.without) {
			const peak = (run: MemoryResult & { externalPeakRss: number }) => Math.max(run.peak.rss, run.externalPeakRss);
			results.memory = {
				withDownload: runs.with,
				withoutDownload: runs.without,
				deltaPeakRss: peak(runs.with) - peak(runs.without),
				deltaVmHwm:
					runs.with.vmHwmBytes !== undefined && runs.without.vmHwmBytes !== undefined
						? runs.with.vmHwmBytes - runs.without.vmHwmBytes
						: undefined,
			};
		}
	}


	// Phase 3b: memory in a real n8n (n8n start, the packed package), one binary data mode at a time.
	if (want('memory-n8n')) {
		results.memoryN8n = await runMemoryN8n({ outputBytes: args.outputBytes, log }).catch(failed('Memory in a real n8n'));
	}

	// Phase 4, alone (CPU-bound): the node's own cost, with the limit lifted on both sides.
	if (want('overhead')) {
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

	// Phase 5, last (it loads n8n-core into this process): callback bursts to the trigger.
	if (want('callbacks')) {
		const recorded = await newSimulator('callbacks', { taskLatencyMs: 200 });
		log(`Callbacks: bursts of 100 callbacks (each twice) to Unifically Trigger, without and with Verify With API`);
		results.callbacks = await runCallbackBursts(recorded).catch(failed('Callback bursts'));
	}

	// Every 429 any simulator sent to the node or the baseline (the lifted-limit run cannot get one).
	for (const [name, recorded] of simulators) results.simulators[name] = simulatorSummary(recorded, began);
	results.rateLimitedTotal = Object.values(results.simulators).reduce((sum, summary) => sum + summary.rateLimited, 0);
	await Promise.all([...simulators.values()].map(async (recorded) => await recorded.sim.close()));

	results.durationMs = Date.now() - began;
	(results.environment as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((load) => Number(load.toFixed(2)));
	results.rows = buildRows(results, args);

	console.log('');
	console.log(
		`n8n-nodes-unifically benchmark — ${results.startedAt} — commit ${String(results.environment.commit)} — ${String(results.environment.cpu)}, Node ${process.version}, load ${(results.environment.loadAverageAtStart as number[]).join(' ')}`,
	);
	console.log(textTable(results.rows));
	const missed = results.rows.filter((row) => row.met === false);
	console.log('');
	if (missed.length) console.log(`MISSED ${missed.length} target(s): ${missed.map((row) => row.figure).join('; ')}`);
	else console.log('All targets met.');
	for (const error of results.errors) console.log(`ERROR ${error}`);
	console.log(`(bench took ${seconds(results.durationMs, 0)})`);

	if (args.json) {
		const { throughput, ...rest } = results;
		// The per-task timeline is long: keep it, but after the figures.
		writeFileSync(args.json, `${JSON.stringify({ ...rest, throughput }, null, '\t')}\n`);
		console.log(`Results written to ${args.json}`);
	}
	if (args.markdown) {
		// Hand-written notes below the marker survive a rewrite of the page.
		let notes = '';
		try {
			const previous = readFileSync(args.markdown, 'utf8');
			const at = previous.indexOf(NOTES_MARKER);
			if (at >= 0) notes = previous.slice(at);
		} catch {
			// no page yet
		}
		writeFileSync(args.markdown, `${markdownPage(results)}${notes ? `\n${notes}` : ''}`);
		console.log(`Results page written to ${args.markdown}`);
	}
}

// ---------------------------------------------------------------------------------------------
// Figures

function buildRows(results: Results, args: Args): Row[] {
	const rows: Row[] = [];
	const { throughput, naive, memory, estimate, overhead } = results;
	const n = args.items;
	if (throughput) {
		const section = `Throughput: N = ${n} items, ${TASK_MS / 1000} s tasks, ${RATE_LIMIT}/s limit, ${BAN_SECONDS} s ban`;
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
	}
	if (naive) {
		rows.push({
			section: throughput ? `Throughput: N = ${n} items, ${TASK_MS / 1000} s tasks, ${RATE_LIMIT}/s limit, ${BAN_SECONDS} s ban` : 'Throughput',
			figure: `naive sequential measured: ${naive.items} items (create, read every ${naive.pollEveryMs / 1000} s)`,
			measured: `${seconds(naive.wallMs)} (${seconds(naive.wallMs / naive.items, 2)}/item, ${(naive.statusReads / naive.items).toFixed(1)} reads/task, ${naive.rateLimited} × 429)`,
			target: '— (info)',
		});
	}
	if (throughput) {
		const section = `Politeness (the ${n}-item batch)`;
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
	}
	const { shared, large } = results;
	for (const run of shared ?? []) {
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
	rows.push({
		section: 'Politeness (every scenario of this run)',
		figure: '429s received, all simulators',
		measured: [
			String(results.rateLimitedTotal),
			...Object.entries(results.simulators)
				.filter(([, summary]) => summary.rateLimited > 0)
				.map(([name, summary]) => `${name}: ${summary.rateLimited}`),
		].join(results.rateLimitedTotal ? ' — ' : ''),
		target: '0',
		met: results.rateLimitedTotal === 0,
	});
	if (memory) {
		const section = `Memory: ${mib(args.outputBytes, 0)} output into binary data, filesystem mode`;
		const peak = (run: MemoryResult & { externalPeakRss: number }) => Math.max(run.peak.rss, run.externalPeakRss);
		const complete = memory.withDownload.binaryBytes === args.outputBytes && memory.withDownload.binaryMode === 'filesystem';
		rows.push({
			section,
			figure: 'peak RSS with download − without',
			measured: `${signedMib(memory.deltaPeakRss)} (${mib(peak(memory.withDownload))} vs ${mib(peak(memory.withoutDownload))})${complete ? '' : ` — file ${memory.withDownload.binaryBytes ?? 0} bytes, ${memory.withDownload.binaryMode ?? 'none'}`}`,
			target: `< ${mib(TARGETS.memoryDeltaBytes, 0)} more`,
			met: complete && memory.deltaPeakRss < TARGETS.memoryDeltaBytes,
		});
		if (memory.deltaVmHwm !== undefined) {
			rows.push({
				section,
				figure: 'VmHWM (process lifetime peak) with − without',
				measured: `${signedMib(memory.deltaVmHwm)} (${mib(memory.withDownload.vmHwmBytes ?? 0)} vs ${mib(memory.withoutDownload.vmHwmBytes ?? 0)})`,
				target: `< ${mib(TARGETS.memoryDeltaBytes, 0)} more`,
				met: complete && memory.deltaVmHwm < TARGETS.memoryDeltaBytes,
			});
		}
		const w = memory.withDownload;
		rows.push({
			section,
			figure: 'download run: heap used / external+arrayBuffers peak',
			measured: `${mib(w.peak.heapUsed)} / ${mib(w.peak.external)}`,
			target: '— (info)',
		});
		rows.push({
			section,
			figure: 'download run: wall (incl. 0.2 s task) / throughput',
			measured: `${seconds(w.wallMs, 2)} / ${((args.outputBytes / 1024 / 1024) / (w.wallMs / 1000)).toFixed(0)} MiB/s`,
			target: '— (info)',
		});
	}
	for (const result of results.memoryN8n ?? []) {
		const section = `Memory in a real n8n ${result.n8nVersion} (n8n start, packed package): ${mib(result.outputBytes, 0)} output, ${result.mode} mode`;
		const downloads = result.runs.filter((run) => run.download);
		const complete = downloads.length > 0 && downloads.every((run) => run.binaryBytes === result.outputBytes);
		const filesystem = result.mode === 'filesystem';
		rows.push({
			section,
			figure: `peak RSS added by the call (VmHWM − RSS before), with download − without (median of ${downloads.length})`,
			measured: `${signedMib(result.delta)} (${signedMib(result.withDownload)} vs ${signedMib(result.withoutDownload)})${complete ? '' : ' — file incomplete'}${result.resetWorks ? '' : ' — peak not reset'}`,
			target: filesystem ? `< ${mib(TARGETS.memoryN8nDeltaBytes, 0)} more` : '— (info: n8n keeps the whole file in memory in this mode)',
			met: filesystem ? complete && result.resetWorks && result.delta < TARGETS.memoryN8nDeltaBytes : undefined,
		});
		const worst = Math.max(...downloads.map((run) => run.added)) - result.withoutDownload;
		rows.push({
			section,
			figure: 'the worst run with download − the median without',
			measured: `${signedMib(worst)}`,
			target: filesystem ? `< ${mib(TARGETS.memoryN8nDeltaBytes, 0)} more` : '— (info)',
			met: filesystem ? complete && result.resetWorks && worst < TARGETS.memoryN8nDeltaBytes : undefined,
		});
		rows.push({
			section,
			figure: 'with download: each run (added / wall); n8n RSS after start',
			measured: `${downloads.map((run) => `${signedMib(run.added)} / ${seconds(run.wallMs, 1)}`).join(', ')}; ${mib(result.rssAfterStart, 0)}`,
			target: '— (info)',
		});
		if (result.cli) {
			rows.push({
				section,
				figure: '`n8n execute` (a fresh process): lifetime peak RSS with download − without (medians)',
				measured: `${signedMib(result.cli.delta)} (with: ${result.cli.withDownload.map((bytes) => mib(bytes, 0)).join(', ')}; without: ${result.cli.withoutDownload.map((bytes) => mib(bytes, 0)).join(', ')})`,
				target: '— (info)',
			});
		}
	}
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
	rows.push(...callbackRows(results.callbacks));
	return rows;
}

/** 429s, status reads per task and peaks of one key, as the simulator counted them. */
function keyRows(rows: Row[], section: string, stats: KeyStatsLike) {
	const readsPerTask = stats.statusReads / Math.max(1, stats.creates);
	rows.push({ section, figure: '429s received', measured: String(stats.rateLimited), target: '0', met: stats.rateLimited === TARGETS.rateLimited });
	rows.push({
		section,
		figure: 'status reads per task',
		measured: `${readsPerTask.toFixed(2)} (${stats.statusReads} reads / ${stats.creates} tasks)`,
		target: `≤ ${TARGETS.readsPerTask}`,
		met: readsPerTask <= TARGETS.readsPerTask,
	});
	rows.push({
		section,
		figure: 'peak creates / status reads in any 1 s',
		measured: `${stats.peakCreatesPerSecond} / ${stats.peakStatusReadsPerSecond}`,
		target: `≤ ${RATE_LIMIT} (info)`,
	});
}

function markdownPage(results: Results): string {
	const env = results.environment;
	const missed = results.rows.filter((row) => row.met === false);
	const t = results.throughput?.timeline;
	const lines = [
		'# Benchmark results',
		'',
		`Latest run: ${results.startedAt}, commit ${String(env.commit)}, on ${String(env.cpu)}, ${String(env.memory)} RAM, Node ${String(env.node)}, n8n-core ${String(env.n8nCore)} (load average at start ${(env.loadAverageAtStart as number[]).join(' / ')}; the machine is shared, so expect noise). The whole run took ${seconds(results.durationMs, 0)}.`,
		'',
		markdownTable(results.rows),
		'',
		missed.length
			? `**Missed:** ${missed.map((row) => `${row.figure} — measured ${row.measured}, target ${row.target}`).join('; ')}.`
			: 'Every target was met.',
		'',
	];
	if (t) {
		const histogram = Object.entries(t.readsPerTask)
			.map(([reads, tasks]) => `${tasks} task(s) read ${reads}×`)
			.join(', ');
		lines.push(
			`Timeline of the ${String(results.settings.items)}-item batch (from the simulator's request log, ms after the run started): ` +
				`creates ${Math.round(t.firstCreateMs)}–${Math.round(t.lastCreateMs)}, status reads ${Math.round(t.firstReadMs)}–${Math.round(t.lastReadMs)}; ` +
				`${histogram}; ${t.earlyReads} read(s) found a task unfinished; first read ${seconds(t.firstReadAfterCreateMs.median, 2)} after its create (median), ` +
				`a finished task was seen ${seconds(t.detectionDelayMs.median, 2)} later (median, max ${seconds(t.detectionDelayMs.max, 2)}).`,
			'',
		);
		if (t.firstReadMs > t.lastCreateMs) {
			lines.push(
				`Why the wall time is over the bound: no task was read before the last one was created (first read at ${Math.round(t.firstReadMs)} ms, last create at ${Math.round(t.lastCreateMs)} ms). ` +
					`Creates and reads have separate budgets of 10/s, so reading each task while the others are still being created would overlap the two phases; done one after the other they take about N/10 s each.`,
				'',
			);
		}
	}
	const large = results.large?.timeline;
	if (large) {
		lines.push(
			`Timeline of the ${LARGE_ITEMS.toLocaleString('en')}-item batch: creates ${Math.round(large.firstCreateMs)}–${Math.round(large.lastCreateMs)} ms, status reads ${Math.round(large.firstReadMs)}–${Math.round(large.lastReadMs)} ms; ` +
				`${Object.entries(large.readsPerTask).map(([reads, tasks]) => `${tasks} task(s) read ${reads}×`).join(', ')} (the one read many times is the scout that found the model's duration); ` +
				`first read ${seconds(large.firstReadAfterCreateMs.median, 2)} after its create (median), a finished task seen ${seconds(large.detectionDelayMs.median, 2)} later (median).`,
			'',
		);
	}
	for (const run of results.shared ?? []) {
		lines.push(
			`${run.variant.title} — accepted creates / status reads of the key in each second of the run: ${run.perSecond.map((bucket) => `${bucket.creates}/${bucket.reads}`).join(', ')}.`,
			'',
		);
	}
	const limitedEvents = Object.entries(results.simulators).flatMap(([name, summary]) =>
		summary.rateLimitEvents.slice(0, 3).map((event) => ({ name, ...event })),
	);
	if (limitedEvents.length) {
		lines.push(
			'429s: ' +
				limitedEvents
					.map(
						(event) =>
							`${event.name}, a ${event.kind} at ${seconds(event.atMs)} into the run, after ${event.acceptedInPrecedingSecondMsAgo.length} accepted in the second before it (${event.acceptedInPrecedingSecondMsAgo.join(', ')} ms earlier)`,
					)
					.join('; ') +
				'.',
			'',
		);
	}
	lines.push(
		'## How to reproduce',
		'',
		'```sh',
		'npm ci            # once, on a fresh clone (npm run bench also does it when node_modules is missing)',
		'npm run bench     # ~5 minutes; prints the table',
		'npm run bench -- --json bench-results.json --markdown bench/RESULTS.md   # also write the results',
		'```',
		'',
		'What is measured, in one run (`bench/main.cts`; each node scenario in a fresh child process, `bench/child.cts`):',
		'',
		'- **Throughput**: 100 items → Unifically (Image → Generate, `google/nano-banana`, Download Output Files off) in n8n\'s real execution engine (n8n-core `WorkflowExecute`, through `harness/engine.cts`), against the local simulator with 3 s tasks, 10 creates/s and 10 status reads/s per key and a 60 s ban on any excess. The wall time is the whole workflow run, measured after a warm-up on another key (module loading). The bound is N/10 + T = 13 s.',
		`- **Two processes, one key**: two such engine runs of ${SHARED_ITEMS} items each, in two child processes (each with its own rate limiter, as two n8n queue-mode workers), against one simulator, started together, default credential (10/s). The wall time runs from the first start to the last finish; the bound is the key's budget shared: ${SHARED_ITEMS * 2} creates at 10/s + T = ${(SHARED_ITEMS * 2) / RATE_LIMIT + TASK_MS / 1000} s. Nothing is configured to split the key: the processes see each other through the API's \`X-RateLimit-*\` headers. The same with three processes of 27 items (bound 81/10 + T), and with two processes against a distant API (the simulator waits 0–0.1 s before counting a request, so requests sent in order may be counted bunched or out of order, and 0.05–0.3 s more before answering).`,
		`- **Large batch**: ${LARGE_ITEMS.toLocaleString('en')} items of ${LARGE_TASK_MS / 1000} s tasks in one process: at this size the 10 status reads/s set the pace as much as the creates. The bound is N/10 + T = ${LARGE_ITEMS / RATE_LIMIT + LARGE_TASK_MS / 1000} s.`,
		'- **Naive sequential**: the HTTP Request + Wait pattern written out in plain HTTP (create, wait 1 s, read, until done, next item) on 10 items, extrapolated linearly to 100. Without n8n\'s engine and with a 1 s wait, it is a lower bound for what that workflow takes.',
		'- **Politeness**: 429s and status reads counted by the simulator for the batch\'s key; the 429 total covers every simulator in the run.',
		`- **Memory**: one item whose output is a ${mib(Number(results.settings.outputBytes), 0)} file (\`sim_output_bytes\`, 0.2 s task)`+', Download Output Files on, binary data in filesystem mode, versus the same run with download off — each in a fresh process after the same warm-up. Peak RSS is the higher of the child\'s own samples (`process.memoryUsage()` every 50 ms) and the parent\'s reads of `/proc/<pid>/status` (every 50 ms); VmHWM is the kernel\'s lifetime peak.',
		'- **Memory in a real n8n** (`--only memory-n8n`, `bench/memoryN8n.cts`): the packed package in a real n8n 2.41.1 under `n8n start`, one fresh n8n per binary data mode (filesystem; database, as queue mode uses). A published Webhook → Unifically (Image → Generate) workflow is called with and without Download Output Files, alternately, three times each (database mode once). Before each call the n8n process\'s peak-RSS counter is reset (`echo 5 > /proc/<pid>/clear_refs`); a call\'s figure is VmHWM after it minus VmRSS before it, and the download\'s cost is the median with download minus the median without.',
		'- **Per-item overhead**: Estimate Cost on 1,000 items. A dry run is a `POST /v1/tasks`, so it counts against the 10 creates/s: at the real limit it measures the limiter. The second run lifts the limit (simulator 100,000/s, credential `requestsPerSecond` 100,000 — the UI caps that field at 10, the transport takes any number) to show the node\'s own cost; "CPU per item" is the n8n process\'s CPU time over the run divided by the items.',
		'',
		'Order, to keep the scenarios from disturbing each other on a small machine: the batch alone; then the processes sharing one key (one variant at a time); then Estimate Cost at the limit alongside the naive baseline and the large batch (all mostly waiting); then the two memory runs; then Estimate Cost with the limit lifted. Every scenario has its own simulator and API key. The request log behind the timeline and the 429 details is in the `--json` output (`simulators`, `throughput.timeline`).',
		'',
		'No timing is asserted in the test suite: this is a measurement, and `npm run bench` exits 0 even when a target is missed.',
		'',
	);
	return lines.join('\n');
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});

