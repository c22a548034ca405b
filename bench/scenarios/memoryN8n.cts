/**
 * `npm run bench -- --only memory-n8n`: the memory a large download costs in a real n8n (the one
 * `scripts/ensure-n8n.sh` installs, 2.41.1), with this package installed from its `npm pack`
 * tarball, under `n8n start` — not the in-process engine of the `memory` scenario.
 *
 * One n8n per binary data mode (filesystem; database, the mode queue mode uses). A published
 * workflow, Webhook (answers when the last node is done) → Unifically (Image → Generate, the output
 * `sim_output_bytes` large, Download Output Files from the request), is called with and without
 * download, alternately, several times. Before each call the kernel's peak-RSS counter of the n8n
 * process is reset (`echo 5 > /proc/<pid>/clear_refs`); the call's cost is VmHWM after it minus
 * VmRSS before it. What the download adds is the median with download minus the median without.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { startSimulator, type Simulator } from '../../simulator/server.cjs';
import { callWebhook, measurePeak, median, procStatus as status, serveWebhooks, webhookNode, type PeakCall } from '../peakRss.cjs';
import { mib, seconds, signedMib, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { TARGETS, log as benchLog } from '../settings.cjs';
import { N8n, ensureN8n, freePort, packPackage, parseExecuteOutput, type WorkflowJson } from '../../harness/n8n/index.cjs';

export interface MemoryN8nRun extends Omit<PeakCall, 'resetWorks'> {
	download: boolean;
	binaryBytes?: number;
	binaryId?: string;
}

export interface MemoryN8nModeResult {
	mode: 'filesystem' | 'database';
	n8nVersion: string;
	outputBytes: number;
	runs: MemoryN8nRun[];
	/** Median `added` with download, without, and their difference. */
	withDownload: number;
	withoutDownload: number;
	delta: number;
	/** Whether peak-RSS reset works here (otherwise figures are lifetime peaks, see `note`). */
	resetWorks: boolean;
	/** VmRSS of the n8n server right after it started (before any call). */
	rssAfterStart: number;
	note?: string;
	/**
	 * The same download by `n8n execute` (a fresh process that runs one execution and exits): its
	 * lifetime peak (VmHWM) with download minus without, each run.
	 */
	cli?: { withDownload: number[]; withoutDownload: number[]; delta: number };
}

const WEBHOOK_PATH = 'bench-memory';

/** Manual Trigger → Generate with a fixed size and download setting (for `n8n execute`). */
function cliWorkflow(credential: { id: string; name: string }, id: string, download: boolean, bytes: number): WorkflowJson {
	const webhook = workflow(credential);
	const generate = webhook.nodes[1];
	return {
		id,
		name: `bench: memory, n8n execute, download ${download}`,
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				...generate,
				parameters: {
					...generate.parameters,
					additionalFields: { extraInput: JSON.stringify({ sim_output_bytes: bytes, sim_latency_ms: 200 }) },
					options: { download },
				},
			},
		],
		connections: { Start: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** `n8n execute --id`, its lifetime peak RSS read from /proc until it exits. */
async function executePeak(n8n: N8n, id: string): Promise<{ vmHwm: number; binaryBytes?: number }> {
	const child = spawn(n8n.bin, ['execute', `--id=${id}`, '--rawOutput'], {
		cwd: n8n.workDir,
		env: n8n.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) }),
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let stdout = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
	child.stderr.resume();
	let vmHwm = 0;
	const timer = setInterval(() => {
		try {
			const { hwm } = status(child.pid!);
			if (Number.isFinite(hwm)) vmHwm = Math.max(vmHwm, hwm); // an exited (zombie) process has no Vm* lines
		} catch {
			/* exited */
		}
	}, 20);
	const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
	clearInterval(timer);
	const run = parseExecuteOutput(stdout);
	if (code !== 0 || !run) throw new Error(`n8n execute --id=${id} exited ${code}: ${stdout.slice(-1000)}`);
	const binary = run.data.resultData.runData.Generate?.[0]?.data?.main?.[0]?.[0]?.binary?.data;
	return { vmHwm, binaryBytes: binary?.bytes };
}

function workflow(credential: { id: string; name: string }): WorkflowJson {
	return {
		id: 'unifBenchMemory1',
		name: 'bench: memory of a large download',
		nodes: [
			webhookNode(WEBHOOK_PATH),
			{
				id: randomUUID(),
				name: 'Generate',
				type: 'n8n-nodes-unifically.unifically',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'image',
					operation: 'generate',
					model: 'google/nano-banana',
					prompt: 'memory bench',
					additionalFields: { extraInput: '={{ JSON.stringify({ sim_output_bytes: $json.body.bytes, sim_latency_ms: 200 }) }}' },
					options: { download: '={{ $json.body.download === true }}' },
				},
				credentials: { unificallyApi: credential },
			},
		],
		connections: { Webhook: { main: [[{ node: 'Generate', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	};
}

async function measureMode(
	mode: 'filesystem' | 'database',
	tarball: string,
	sim: Simulator,
	outputBytes: number,
	repeats: number,
	log: (message: string) => void,
): Promise<MemoryN8nModeResult> {
	const n8n = await N8n.create({
		tarball,
		name: `unifically-bench-memory-${mode}`,
		env: {
			N8N_DEFAULT_BINARY_DATA_MODE: mode,
			// database mode refuses files over this many MiB (n8n's default 512).
			N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(Math.ceil(outputBytes / 1024 / 1024) + 64),
			// Executions are pruned as usual; nothing else runs in this n8n.
		},
	});
	try {
		const credential = await n8n.importUnificallyCredential({ baseUrl: sim.url, apiKey: 'sk-bench-memory-n8n' });
		const id = await n8n.importWorkflow(workflow(credential));
		let cli: MemoryN8nModeResult['cli'];
		if (mode === 'filesystem') {
			// A fresh process per execution: nothing freed earlier for the download's buffers to reuse.
			await n8n.importWorkflows([cliWorkflow(credential, 'unifBenchMemCli1', true, outputBytes), cliWorkflow(credential, 'unifBenchMemCli0', false, outputBytes)]);
			const peaks: Record<'with' | 'without', number[]> = { with: [], without: [] };
			for (let round = 0; round < Math.max(2, repeats - 1); round++) {
				for (const download of [false, true]) {
					const result = await executePeak(n8n, download ? 'unifBenchMemCli1' : 'unifBenchMemCli0');
					if (download && result.binaryBytes !== outputBytes) throw new Error(`n8n execute stored ${result.binaryBytes} bytes, not ${outputBytes}`);
					peaks[download ? 'with' : 'without'].push(result.vmHwm);
					log(`memory-n8n ${mode}, n8n execute: ${download ? 'with' : 'without'} download: VmHWM ${(result.vmHwm / 1048576).toFixed(0)} MiB`);
				}
			}
			cli = { withDownload: peaks.with, withoutDownload: peaks.without, delta: median(peaks.with) - median(peaks.without) };
		}
		const { pid, hookUrls, rssAfterStart } = await serveWebhooks(n8n, [id]);
		const call = async (download: boolean, bytes: number) => await callWebhook(hookUrls[0], { download, bytes });
		// Warm-up: module loading, the first execution, the first binary write.
		await call(true, 1024 * 1024);
		await call(false, outputBytes);
		await call(true, 1024 * 1024);
		const runs: MemoryN8nRun[] = [];
		let resetWorks = true;
		for (let round = 0; round < repeats; round++) {
			for (const download of [false, true]) {
				const { resetWorks: reset, ...peak } = await measurePeak(pid, () => call(download, outputBytes));
				resetWorks = reset && resetWorks;
				const last = n8n.executions({ workflowId: id, includeData: true }).pop();
				const binary = last?.run?.data.resultData.runData.Generate?.[0]?.data?.main?.[0]?.[0]?.binary?.data;
				if (download && binary?.bytes !== outputBytes) throw new Error(`the download stored ${binary?.bytes} bytes, not ${outputBytes} (${JSON.stringify(binary)})`);
				runs.push({ download, ...peak, binaryBytes: binary?.bytes, binaryId: binary?.id });
				log(`memory-n8n ${mode}: ${download ? 'with' : 'without'} download: +${(peak.added / 1048576).toFixed(1)} MiB (RSS ${(peak.rssBefore / 1048576).toFixed(0)} → peak ${(peak.vmHwm / 1048576).toFixed(0)} MiB) in ${peak.wallMs} ms`);
			}
		}
		const withDownload = median(runs.filter((run) => run.download).map((run) => run.added));
		const withoutDownload = median(runs.filter((run) => !run.download).map((run) => run.added));
		return {
			mode,
			n8nVersion: n8n.version,
			outputBytes,
			runs,
			withDownload,
			withoutDownload,
			delta: withDownload - withoutDownload,
			resetWorks,
			rssAfterStart,
			cli,
			note: resetWorks ? undefined : '/proc/<pid>/clear_refs could not reset the peak: VmHWM is the lifetime peak',
		};
	} finally {
		await n8n.dispose();
	}
}

/** Both modes, one after the other, each in its own fresh n8n. */
export async function runMemoryN8n({
	outputBytes,
	repeats = 3,
	log,
}: {
	outputBytes: number;
	repeats?: number;
	log: (message: string) => void;
}): Promise<MemoryN8nModeResult[]> {
	await ensureN8n();
	const tarball = await packPackage();
	const sim = await startSimulator({ port: 0, taskLatencyMs: 200 });
	try {
		const results: MemoryN8nModeResult[] = [];
		for (const mode of ['filesystem', 'database'] as const) {
			log(`memory-n8n: ${(outputBytes / 1048576).toFixed(0)} MiB output in a real n8n, binary data mode ${mode}`);
			results.push(await measureMode(mode, tarball, sim, outputBytes, mode === 'database' ? 1 : repeats, log));
		}
		return results;
	} finally {
		await sim.close();
	}
}

/** The scenario as bench/main.cts runs it: one binary data mode at a time. */
export async function runMemoryN8nScenario({ args, results, failed }: BenchContext) {
	results.memoryN8n = await runMemoryN8n({ outputBytes: args.outputBytes, log: benchLog }).catch(failed('Memory in a real n8n'));
}

export function memoryN8nRows(results: Results): Row[] {
	const rows: Row[] = [];
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
	return rows;
}
