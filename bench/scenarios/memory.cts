/**
 * `--only memory`: peak RSS while downloading a 512 MiB output (`--output-mib`) into binary data
 * (filesystem mode) versus the same run without download, each in a fresh process (bench/child.cts)
 * after the same warm-up, one after the other with nothing else running.
 */
import type { MemoryResult } from '../protocol.cjs';
import { mib, seconds, signedMib, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { Scenario, runScenario } from '../scenarioProcess.cjs';
import { MEMORY_TASK_MS, SAMPLE_EVERY_MS, TARGETS, log, type Args } from '../settings.cjs';

export async function runMemory({ args, results, newSimulator, failed }: BenchContext) {
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

export function memoryRows(results: Results, args: Args): Row[] {
	const rows: Row[] = [];
	const { memory } = results;
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
	return rows;
}
