/**
 * The report of a run: the table of figures (each scenario's rows, in a fixed order), printed; the
 * results as JSON (--json); the results page, bench/RESULTS.md (--markdown), whose hand-written
 * notes below NOTES_MARKER survive a rewrite.
 */
import { readFileSync, writeFileSync } from 'node:fs';

import { markdownTable, mib, seconds, textTable, type Row } from './report.cjs';
import type { Results } from './results.cjs';
import { callbackRows } from './scenarios/callbacks.cjs';
import { estimateRows } from './scenarios/estimate.cjs';
import { largeRows } from './scenarios/large.cjs';
import { memoryRows } from './scenarios/memory.cjs';
import { memoryN8nRows } from './scenarios/memoryN8n.cjs';
import { queueN8nRows } from './scenarios/queueN8n.cjs';
import { naiveRows } from './scenarios/naive.cjs';
import { sharedRows } from './scenarios/shared.cjs';
import { sweepRows } from './scenarios/sweep.cjs';
import { throughputPolitenessRows, throughputRows } from './scenarios/throughput.cjs';
import { uploadBatchRows } from './scenarios/uploadBatch.cjs';
import { uploadMemoryN8nRows } from './scenarios/uploadMemoryN8n.cjs';
import { uploadThroughputRows } from './scenarios/uploadThroughput.cjs';
import { LARGE_ITEMS, LARGE_TASK_MS, RATE_LIMIT, SHARED_ITEMS, TASK_MS, type Args } from './settings.cjs';

/** In the --markdown page, everything from this line on is kept when the page is rewritten. */
export const NOTES_MARKER = '<!-- notes: kept when npm run bench rewrites this page -->';

/** Every figure of the run, section by section (the order of the table and of RESULTS.md). */
export function buildRows(results: Results, args: Args): Row[] {
	return [
		...throughputRows(results, args),
		...naiveRows(results, args),
		...throughputPolitenessRows(results, args),
		...sharedRows(results),
		...sweepRows(results),
		...largeRows(results),
		...uploadBatchRows(results),
		{
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
		},
		...memoryRows(results, args),
		...memoryN8nRows(results),
		...uploadThroughputRows(results),
		...uploadMemoryN8nRows(results),
		...queueN8nRows(results),
		...estimateRows(results),
		...callbackRows(results.callbacks),
	];
}

/** Prints the table, and writes the JSON and the results page when asked to. */
export function writeReport(results: Results, args: Args) {
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

export function markdownPage(results: Results): string {
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
		'npm run bench     # ~10 minutes; prints the table',
		'npm run bench -- --json bench-results.json --markdown bench/RESULTS.md   # also write the results',
		'```',
		'',
		'What is measured, in one run (`bench/main.cts`, one file per scenario in `bench/scenarios/`; each node scenario in a fresh child process, `bench/child.cts`):',
		'',
		'- **Throughput**: 100 items → Unifically (Image → Generate, `google/nano-banana`, Download Output Files off) in n8n\'s real execution engine (n8n-core `WorkflowExecute`, through `harness/engine.cts`), against the local simulator with 3 s tasks, 10 creates/s and 10 status reads/s per key and a 60 s ban on any excess. The wall time is the whole workflow run, measured after a warm-up on another key (module loading). The bound is N/10 + T = 13 s.',
		`- **Two processes, one key**: two such engine runs of ${SHARED_ITEMS} items each, in two child processes (each with its own rate limiter, as two n8n queue-mode workers), against one simulator, started together, default credential (10/s). The wall time runs from the first start to the last finish; the bound is the key's budget shared: ${SHARED_ITEMS * 2} creates at 10/s + T = ${(SHARED_ITEMS * 2) / RATE_LIMIT + TASK_MS / 1000} s. Nothing is configured to split the key: the processes see each other through the API's \`X-RateLimit-*\` headers. The same with three processes of 27 items (bound 81/10 + T), and with two processes against a distant API (the simulator waits 0–0.1 s before counting a request, so requests sent in order may be counted bunched or out of order, and 0.05–0.3 s more before answering).`,
		`- **Large batch**: ${LARGE_ITEMS.toLocaleString('en')} items of ${LARGE_TASK_MS / 1000} s tasks in one process: at this size the 10 status reads/s set the pace as much as the creates. The bound is N/10 + T = ${LARGE_ITEMS / RATE_LIMIT + LARGE_TASK_MS / 1000} s.`,
		'- **Naive sequential**: the HTTP Request + Wait pattern written out in plain HTTP (create, wait 1 s, read, until done, next item) on 10 items, extrapolated linearly to 100. Without n8n\'s engine and with a 1 s wait, it is a lower bound for what that workflow takes.',
		'- **Politeness**: 429s and status reads counted by the simulator for the batch\'s key; the 429 total covers every simulator in the run.',
		`- **Memory**: one item whose output is a ${mib(Number(results.settings.outputBytes), 0)} file (\`sim_output_bytes\`, 0.2 s task)`+', Download Output Files on, binary data in filesystem mode, versus the same run with download off — each in a fresh process after the same warm-up. Peak RSS is the higher of the child\'s own samples (`process.memoryUsage()` every 50 ms) and the parent\'s reads of `/proc/<pid>/status` (every 50 ms); VmHWM is the kernel\'s lifetime peak.',
		'- **Memory in a real n8n** (`--only memory-n8n`, `bench/scenarios/memoryN8n.cts`): the packed package in a real n8n 2.41.1 under `n8n start`, one fresh n8n per binary data mode (filesystem; database, as queue mode uses). A published Webhook → Unifically (Image → Generate) workflow is called with and without Download Output Files, alternately, three times each (database mode once). Before each call the n8n process\'s peak-RSS counter is reset (`echo 5 > /proc/<pid>/clear_refs`); a call\'s figure is VmHWM after it minus VmRSS before it, and the download\'s cost is the median with download minus the median without.',
		'- **Batch with files** (`--only upload-batch`, `bench/scenarios/uploadBatch.cts`): 100 items, each with its own 1 MiB image as binary data (filesystem mode), through Video → Generate (Hailuo 2.3 Fast, Input Type: Binary File, the image as start image) in the engine, 3 s tasks: each file is uploaded (`PUT /upload`, at most 3 at a time) before its task is created. First the same 100 files go through File → Upload alone (another key); the bound is N/10 + T + that time.',
		'- **Upload throughput** (`--only upload-throughput`, `bench/scenarios/uploadThroughput.cts`): a 200 MiB file in n8n\'s binary store (filesystem mode), uploaded by the node (File → Upload in the engine: the node\'s execution time) and by a plain `PUT` with node:http (the same multipart body, the file piped from disk, Content-Length), to the same simulator, alternately (which goes first alternates too), five times each; the figure is the median plain time over the median node time.',
		'- **Upload memory in a real n8n** (`--only upload-memory-n8n`, `bench/scenarios/uploadMemoryN8n.cts`): under `n8n start`, filesystem mode, Webhook → Read/Write Files (a 200 MiB video the bench wrote below n8n\'s working directory, the only place n8n 2.x lets file nodes read) → Unifically (Video → Generate, Kling 3.0 Omni Video Edit, the video as binary input), against the same workflow without the Unifically node (the same read into the binary store), alternately, five times each, measured as memory-n8n measures a download.',
		'- **Rate limiting in a real n8n, queue mode** (`--only queue-n8n`, `bench/scenarios/queueN8n.cts`): n8n 2.41.1 in queue mode (Postgres, Redis, main, two `n8n worker --concurrency=1`, a webhook process; harness/n8n/queue.cts), batches posted to published Webhook workflows, timed from Postgres (startedAt/stoppedAt) and the simulator: A two 40-item batches at once, B a 300-item batch joined by 20-item ones at 4/12/20 s, C 100 items on one worker, D 1,000 items of 30 s tasks on one worker (from the webhook POST). Credentials with own keys: the current limiter and `rateLimiter: \'baseline\'` (10/s), and in A `split` (Requests per Second 4 on each worker: the shared budget split evenly by hand, the scene\'s floor); `--n8n-variants` picks them; each scene `--n8n-runs` times (default 5), interleaved; C and D run both variants side by side, one per worker. One model per scene, kept across runs: each worker learns per model how long tasks take, so run 1 starts cold and later runs warm. The "model" figure beside each is the in-process scenario of the same bench run (shared two / joining, throughput, large).',
		'- **Per-item overhead**: Estimate Cost on 1,000 items. A dry run is a `POST /v1/tasks`, so it counts against the 10 creates/s: at the real limit it measures the limiter. The second run lifts the limit (simulator 100,000/s, credential `requestsPerSecond` 100,000 — the UI caps that field at 10, the transport takes any number) to show the node\'s own cost; "CPU per item" is the n8n process\'s CPU time over the run divided by the items.',
		'',
		'Order, to keep the scenarios from disturbing each other on a small machine: the batch alone; then the processes sharing one key (one variant at a time); then the batch with files, alone; then Estimate Cost at the limit alongside the naive baseline and the large batch (all mostly waiting); then the memory runs and the upload throughput, one at a time; then Estimate Cost with the limit lifted. Every scenario has its own simulator and API key. The request log behind the timeline and the 429 details is in the `--json` output (`simulators`, `throughput.timeline`).',
		'',
		'No timing is asserted in the test suite: this is a measurement, and `npm run bench` exits 0 even when a target is missed.',
		'',
	);
	return lines.join('\n');
}
