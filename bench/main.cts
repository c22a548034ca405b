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
 *   7. Memory in a real n8n (`memory-n8n`): the same 512 MiB download under
 *      `n8n start` (2.41.1, the packed package), filesystem and database binary data modes.
 *   8. Files as inputs: 100 items each with its own 1 MiB image through Video → Generate against
 *      N/10 + T + the same uploads alone (`upload-batch`); a 200 MiB upload by the node against a
 *      plain streamed PUT (`upload-throughput`); the peak memory a 200 MiB video's upload adds in a
 *      real n8n (`upload-memory-n8n`).
 *   9. Rate limiting in a real n8n in queue mode (`queue-n8n`): the scenes of 1–3 (two batches at once,
 *      batches joining, 100 items, 1,000 × 30 s) on two workers, the current limiter against a baseline.
 * Every node scenario runs in a child process of its own (bench/child.cts).
 *
 * Options: --json <file>  write the results as JSON;  --markdown <file>  write the results page
 * (bench/RESULTS.md);  --only <a,b>  run some scenarios (throughput, shared, upload-batch, large,
 * naive, memory, upload-throughput, memory-n8n, upload-memory-n8n, queue-n8n, estimate, overhead, callbacks, sweep);  --naive-items <n> (default 10);
 * --n8n-runs <n> (default 5, queue-n8n's runs of each scene);  --n8n-scenes <A,B,C,D> (queue-n8n's scenes, default all);
 * --n8n-variants <limiter,baseline,split> (queue-n8n's limiter variants, default all; split runs in A only);  --items <n> (default 100);
 * --output-mib <n> (default 512, the memory scenario's file size).
 *
 * This file parses the arguments and runs the chosen scenarios in their order; each scenario is a
 * file of bench/scenarios/ (its run and its rows of the report), the settings and targets are
 * bench/settings.cts, and the report (table, --json, --markdown) is bench/writeReport.cts.
 */
import os from 'node:os';

import { MODEL } from './protocol.cjs';
import { startRecordedSimulator, type RecordedSimulator } from './recorder.cjs';
import { simulatorSummary } from './requestLog.cjs';
import { environment, type BenchContext, type Results } from './results.cjs';
import { runCallbacks } from './scenarios/callbacks.cjs';
import { forkEstimate, runOverhead } from './scenarios/estimate.cjs';
import { runLarge } from './scenarios/large.cjs';
import { runMemory } from './scenarios/memory.cjs';
import { runMemoryN8nScenario } from './scenarios/memoryN8n.cjs';
import { runQueueN8n, VARIANT_NAMES } from './scenarios/queueN8n.cjs';
import { runNaive } from './scenarios/naive.cjs';
import { runShared } from './scenarios/shared.cjs';
import { runSweepScenario } from './scenarios/sweep.cjs';
import { runThroughput } from './scenarios/throughput.cjs';
import { runUploadBatch } from './scenarios/uploadBatch.cjs';
import { runUploadMemoryN8n } from './scenarios/uploadMemoryN8n.cjs';
import { runUploadThroughput } from './scenarios/uploadThroughput.cjs';
import {
	BAN_SECONDS,
	ESTIMATE_ITEMS,
	MEMORY_TASK_MS,
	RATE_LIMIT,
	TASK_MS,
	UPLOAD_BATCH_FILE_BYTES,
	UPLOAD_BATCH_ITEMS,
	UPLOAD_FILE_BYTES,
	UPLOAD_REPEATS,
	UPLOAD_THROUGHPUT_REPEATS,
	log,
	type Args,
} from './settings.cjs';
import { writeReport } from './writeReport.cjs';

/** Every name `--only` takes, in the order a run takes them. */
const SCENARIOS = [
	'throughput',
	'shared',
	'upload-batch',
	'large',
	'naive',
	'memory',
	'upload-throughput',
	'memory-n8n',
	'upload-memory-n8n',
	'queue-n8n',
	'estimate',
	'overhead',
	'callbacks',
	'sweep',
];

function parseArgs(argv: string[]): Args {
	const args: Args = { items: 100, naiveItems: 10, outputBytes: 512 * 1024 * 1024, n8nRuns: 5 };
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
		else if (flag === '--n8n-runs') args.n8nRuns = Number(value());
		else if (flag === '--n8n-scenes') args.n8nScenes = new Set(value().split(',').map((name) => name.trim().toUpperCase()));
		else if (flag === '--n8n-variants') {
			args.n8nVariants = new Set(value().split(',').map((name) => name.trim()));
			const unknown = [...args.n8nVariants].filter((name) => !(VARIANT_NAMES as readonly string[]).includes(name));
			if (unknown.length) throw new Error(`--n8n-variants: unknown ${unknown.join(', ')} (known: ${VARIANT_NAMES.join(', ')})`);
		} else if (flag === '--naive-items') args.naiveItems = Number(value());
		else if (flag === '--output-mib') args.outputBytes = Math.round(Number(value()) * 1024 * 1024);
		else if (flag === '--help' || flag === '-h') {
			console.log(`npm run bench [-- --json <file>] [--markdown <file>] [--only ${SCENARIOS.join(',')}]`);
			process.exit(0);
		} else throw new Error(`Unknown option ${flag}`);
	}
	return args;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const unknown = [...(args.only ?? [])].filter((name) => !SCENARIOS.includes(name));
	if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; --only takes ${SCENARIOS.join(',')}`);
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
			uploadFileBytes: UPLOAD_FILE_BYTES,
			uploadMemoryRepeats: UPLOAD_REPEATS,
			uploadThroughputRepeats: UPLOAD_THROUGHPUT_REPEATS,
			uploadBatchItems: UPLOAD_BATCH_ITEMS,
			uploadBatchFileBytes: UPLOAD_BATCH_FILE_BYTES,
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
	const context: BenchContext = { args, results, newSimulator, failed };

	// Phase 1: the 100-item batch, alone. The Estimate Cost child is forked at the same time, so
	// that its start-up (loading n8n) is over before the batch starts; it then waits.
	const estimate = want('estimate') ? await forkEstimate(context) : undefined;
	if (want('throughput')) await runThroughput(context, estimate?.scenario.ready);

	// Phase 1b: several processes, one key — engine runs in child processes of their own (each its
	// own rate limiter, as n8n workers), against one simulator, started together; one variant at a time.
	if (want('shared')) await runShared(context);

	// Phase 1c: the batch with files, alone too (its wall time is held against the rate limit's bound).
	if (want('upload-batch')) await runUploadBatch(context);

	// Phase 2, all light and mostly waiting on the rate limit, side by side (own simulators and keys):
	// Estimate Cost ×1000 at the API's limit (~110 s), the naive baseline (in this process) and the
	// large batch (1,000 items, 30 s tasks: ~2.5 minutes).
	await Promise.all([estimate?.run(), want('naive') ? runNaive(context) : undefined, want('large') ? runLarge(context) : undefined]);

	// Phase 3: memory, one fresh process per run, one after the other, with nothing else running:
	// this process serves the 512 MiB file, and a busy simulator would bunch other scenarios' requests.
	if (want('memory')) await runMemory(context);

	// Phase 3a: a 200 MiB upload by the node and by a plain PUT, alternately, alone (disk and CPU bound).
	if (want('upload-throughput')) await runUploadThroughput(context);

	// Phase 3b: memory in a real n8n (n8n start, the packed package), one binary data mode at a time.
	if (want('memory-n8n')) await runMemoryN8nScenario(context);

	// Phase 3c: the memory a 200 MiB upload adds in a real n8n (filesystem mode).
	if (want('upload-memory-n8n')) await runUploadMemoryN8n(context);

	// Phase 3d: the rate limiter in a real n8n in queue mode (Postgres, Redis, two workers), alone:
	// scenes A–D, both limiter variants, run by run (~4 minutes a run plus the cluster's start).
	if (want('queue-n8n')) await runQueueN8n(context);

	// Phase 4, alone (CPU-bound): the node's own cost, with the limit lifted on both sides.
	if (want('overhead')) await runOverhead(context);

	// Phase 5, last (it loads n8n-core into this process): callback bursts to the trigger.
	if (want('callbacks')) await runCallbacks(context);

	// Phase 6: the rate limiter's rules on the model of a shared key (virtual time, CPU only).
	if (want('sweep')) await runSweepScenario(context);

	// Every 429 any simulator sent to the node or the baseline (the lifted-limit run cannot get one).
	for (const [name, recorded] of simulators) results.simulators[name] = simulatorSummary(recorded, began);
	results.rateLimitedTotal = Object.values(results.simulators).reduce((sum, summary) => sum + summary.rateLimited, 0);
	await Promise.all([...simulators.values()].map(async (recorded) => await recorded.sim.close()));

	results.durationMs = Date.now() - began;
	(results.environment as Record<string, unknown>).loadAverageAtEnd = os.loadavg().map((load) => Number(load.toFixed(2)));
	writeReport(results, args);
}

main().catch((error: Error) => {
	console.error(error.stack ?? error.message);
	process.exit(1);
});
