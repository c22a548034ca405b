/**
 * What one benchmark run collects (`Results`, written by --json), the context each scenario in
 * bench/scenarios/ runs in, the machine it ran on, and the rows every per-key section shares.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { EstimateResult, MemoryResult, ThroughputResult } from './protocol.cjs';
import type { RecordedSimulator, startRecordedSimulator } from './recorder.cjs';
import { mib, type Row } from './report.cjs';
import type { SimulatorSummary, ThroughputTimeline } from './requestLog.cjs';
import type { CallbackBurstResult } from './scenarios/callbacks.cjs';
import type { MemoryN8nModeResult } from './scenarios/memoryN8n.cjs';
import type { SweepVariantResult } from './scenarios/sweep.cjs';
import type { QueueN8nResult } from './scenarios/queueN8n.cjs';
import type { NaiveResult } from './scenarios/naive.cjs';
import type { SharedResult } from './scenarios/shared.cjs';
import type { UploadBatchFigures } from './scenarios/uploadBatch.cjs';
import type { UploadMemoryN8nResult } from './scenarios/uploadMemoryN8n.cjs';
import type { UploadThroughputFigures } from './scenarios/uploadThroughput.cjs';
import { RATE_LIMIT, TARGETS, type Args } from './settings.cjs';

export interface KeyStatsLike {
	rateLimited: number;
	statusReads: number;
	creates: number;
	peakCreatesPerSecond: number;
	peakStatusReadsPerSecond: number;
}

export interface Results {
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
	uploadThroughput?: UploadThroughputFigures;
	uploadBatch?: UploadBatchFigures;
	uploadMemoryN8n?: UploadMemoryN8nResult;
	sweep?: SweepVariantResult[];
	queueN8n?: QueueN8nResult;
	rateLimitedTotal: number;
	simulators: Record<string, SimulatorSummary>;
	rows: Row[];
	errors: string[];
}

export function environment() {
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

/** What a scenario gets from bench/main.cts: the arguments, the results to fill, its simulators. */
export interface BenchContext {
	args: Args;
	results: Results;
	/** A simulator of the scenario's own (the bench's rate limit and ban unless overridden), summarised in the report. */
	newSimulator: (name: string, options: Parameters<typeof startRecordedSimulator>[0]) => Promise<RecordedSimulator>;
	/** A rejection handler: records the error in the results, logs it, and yields undefined. */
	failed: (what: string) => (error: Error) => undefined;
}

/** 429s, status reads per task and peaks of one key, as the simulator counted them. */
export function keyRows(rows: Row[], section: string, stats: KeyStatsLike) {
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
