/**
 * `--only upload-batch`: the throughput batch with files — 100 items, each with its own 1 MiB image
 * as binary data (filesystem mode), through Video → Generate (Hailuo 2.3 Fast, Input Type: Binary
 * File, the image as start image) in n8n's real engine (a child process, bench/child.cts), 3 s
 * tasks, 10 creates/s. Each item's file is uploaded (at most 3 at a time) before its task is created.
 *
 * The bound is the throughput scenario's N/10 + T plus the time the same 100 uploads take alone
 * (measured first in the same child: the same pinned items through File → Upload, on another key).
 */
import type { UploadBatchResult } from '../protocol.cjs';
import { mib, seconds, type Row } from '../report.cjs';
import { keyRows, type BenchContext, type KeyStatsLike, type Results } from '../results.cjs';
import { Scenario, runScenario } from '../scenarioProcess.cjs';
import { RATE_LIMIT, TARGETS, TASK_MS, UPLOAD_BATCH_FILE_BYTES, UPLOAD_BATCH_ITEMS, log } from '../settings.cjs';

export interface UploadBatchFigures extends UploadBatchResult {
	items: number;
	fileBytes: number;
	/** N/10 + T + the uploads alone, and the batch's wall time over it. */
	bound: number;
	ratio: number;
	/** The batch's key as the simulator counted it. */
	stats: unknown;
	/** Uploads the simulator stored during the run (both runs), and the most it received at once. */
	uploads: number;
	peakUploadsInFlight: number;
	/** The batch's tasks whose start image is an uploaded file, each a different one. */
	distinctStartImages: number;
}

export async function runUploadBatch({ results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('upload-batch', { taskLatencyMs: TASK_MS });
	const apiKey = 'sk-bench-upload-batch';
	const scenario = new Scenario('Batch with files', {
		scenario: 'uploadBatch',
		simUrl: recorded.sim.url,
		apiKey,
		items: UPLOAD_BATCH_ITEMS,
		fileBytes: UPLOAD_BATCH_FILE_BYTES,
		requestsPerSecond: RATE_LIMIT,
		timeoutMs: 600_000,
	});
	await scenario.ready.catch(() => undefined);
	// The warm-up's uploads are not the run's.
	recorded.sim.resetStats();
	log(`Batch with files: ${UPLOAD_BATCH_ITEMS} items × ${mib(UPLOAD_BATCH_FILE_BYTES, 0)} image, ${TASK_MS / 1000} s tasks`);
	await runScenario<UploadBatchResult>(scenario).then((result) => {
		const bound = (UPLOAD_BATCH_ITEMS / RATE_LIMIT) * 1000 + TASK_MS + result.uploadAlone.wallMs;
		const stats = recorded.sim.stats();
		const uploaded = new Set(recorded.sim.uploads().map((upload) => upload.url));
		const startImages = [...recorded.sim.tasks.values()].filter((task) => task.owner === apiKey).map((task) => task.input.start_image_url);
		results.uploadBatch = {
			...result,
			items: UPLOAD_BATCH_ITEMS,
			fileBytes: UPLOAD_BATCH_FILE_BYTES,
			bound,
			ratio: result.batch.wallMs / bound,
			stats: stats.byKey[apiKey],
			uploads: stats.uploads,
			peakUploadsInFlight: stats.peakUploadsInFlight,
			distinctStartImages: new Set(startImages.filter((url) => typeof url === 'string' && uploaded.has(url))).size,
		};
		log(`Batch with files: uploads alone ${seconds(result.uploadAlone.wallMs, 2)}, batch ${seconds(result.batch.wallMs, 2)} (${result.batch.completed}/${UPLOAD_BATCH_ITEMS} completed)`);
	}, failed('Batch with files'));
}

export function uploadBatchRows(results: Results): Row[] {
	const result = results.uploadBatch;
	if (!result) return [];
	const n = result.items;
	const section = `Batch with files: N = ${n} items, each its own ${mib(result.fileBytes, 0)} image (binary data, filesystem mode) → Video → Generate, ${TASK_MS / 1000} s tasks, ${RATE_LIMIT}/s limit`;
	const alone = result.uploadAlone;
	const ok = result.batch.status === 'success' && result.batch.completed === n && alone.uploaded === n && result.distinctStartImages === n;
	const rows: Row[] = [
		{
			section,
			figure: `the same ${n} uploads alone (File → Upload, at most 3 at a time)`,
			measured: `${seconds(alone.wallMs, 2)} (${(((n * result.fileBytes) / 1048576) / (alone.wallMs / 1000)).toFixed(0)} MiB/s)`,
			target: '— (info)',
		},
		{
			section,
			figure: `wall time, whole workflow (bound N/10 + T + uploads alone = ${seconds(result.bound, 2)})`,
			measured: `${seconds(result.batch.wallMs, 2)} = ${result.ratio.toFixed(2)}× bound${ok ? '' : ` (${result.batch.completed}/${n} completed, ${result.distinctStartImages} distinct uploaded start images, ${result.batch.status})`}`,
			target: `≤ ${TARGETS.uploadBatchRatio.toFixed(2)}× bound (${seconds(result.bound * TARGETS.uploadBatchRatio, 2)})`,
			met: ok && result.ratio <= TARGETS.uploadBatchRatio,
		},
		{
			section,
			figure: 'uploads stored (both runs) / most received at once / tasks with their own uploaded start image',
			measured: `${result.uploads} / ${result.peakUploadsInFlight} / ${result.distinctStartImages}`,
			target: `${2 * n} / ≤ 3 / ${n} (info)`,
		},
	];
	const stats = result.stats as KeyStatsLike | undefined;
	if (stats) keyRows(rows, section, stats);
	return rows;
}
