/**
 * `--only upload-throughput`: how fast the node uploads a file (a 200 MiB video) against a plain
 * streamed PUT of the same bytes to the same simulator, in one child process (bench/child.cts), in
 * n8n's real engine (n8n-core WorkflowExecute, binary data in filesystem mode).
 *
 * The file is stored once by n8n's `prepareBinaryData` (the harness's Binary Items node), then, in
 * turns (which goes first alternates each round): File → Upload of that item (the Unifically node's
 * execution time: the binary's metadata, the streamed multipart PUT, its answer), and a plain PUT
 * with node:http of the same file (the multipart head, `fs.createReadStream(file).pipe(request)`,
 * the tail, Content-Length) from request start to answer. The simulator, in the bench's process,
 * streams every upload to disk (multipart parsed, hashed) as it does for the node.
 */
import { median } from '../peakRss.cjs';
import type { UploadThroughputResult } from '../protocol.cjs';
import type { RecordedSimulator } from '../recorder.cjs';
import { mib, seconds, signedMib, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { Scenario, runScenario } from '../scenarioProcess.cjs';
import { MEMORY_TASK_MS, TARGETS, UPLOAD_FILE_BYTES, UPLOAD_THROUGHPUT_REPEATS, log } from '../settings.cjs';

export interface UploadThroughputFigures extends UploadThroughputResult {
	/** Median seconds-per-upload of each way, and plain / node (the node's share of the plain PUT's throughput). */
	plainMedianMs: number;
	nodeMedianMs: number;
	ratio: number;
	/** The same uploads as the simulator timed them (request arrival → answer sent), medians. */
	serverPlainMedianMs: number;
	serverNodeMedianMs: number;
	/** Every upload of the run stored the whole file, the same bytes. */
	complete: boolean;
}

/** Arrival → answer of each `PUT /upload` a key sent, in order. */
const serverTimes = (recorded: RecordedSimulator, key: string) =>
	recorded.log.filter((record) => record.key === key && record.method === 'PUT' && record.path.startsWith('/upload')).map((record) => record.doneAt - record.at);

export async function runUploadThroughput({ results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('upload-throughput', { taskLatencyMs: MEMORY_TASK_MS });
	const apiKey = 'sk-bench-upload-throughput';
	const scenario = new Scenario('Upload throughput', {
		scenario: 'uploadThroughput',
		simUrl: recorded.sim.url,
		apiKey,
		fileBytes: UPLOAD_FILE_BYTES,
		repeats: UPLOAD_THROUGHPUT_REPEATS,
		timeoutMs: 600_000,
	});
	log(`Upload throughput: a ${mib(UPLOAD_FILE_BYTES, 0)} file, the node's upload vs a plain PUT, ${UPLOAD_THROUGHPUT_REPEATS} × each`);
	await runScenario<UploadThroughputResult>(scenario).then((result) => {
		const plainMedianMs = median(result.plainMs);
		const nodeMedianMs = median(result.nodeMs);
		const byUrl = new Map(recorded.sim.uploads().map((upload) => [upload.url, upload]));
		const measured = result.fileUrls.map((url) => byUrl.get(url));
		const complete = measured.every((upload) => upload?.size === result.fileBytes && upload.sha256 === measured[0]?.sha256);
		results.uploadThroughput = {
			...result,
			plainMedianMs,
			nodeMedianMs,
			ratio: plainMedianMs / nodeMedianMs,
			serverPlainMedianMs: median(serverTimes(recorded, `${apiKey}-plain`)),
			serverNodeMedianMs: median(serverTimes(recorded, `${apiKey}-node`)),
			complete,
		};
		log(`Upload throughput: node ${seconds(nodeMedianMs, 2)}, plain PUT ${seconds(plainMedianMs, 2)} (median): ${(plainMedianMs / nodeMedianMs).toFixed(2)}`);
	}, failed('Upload throughput'));
}

const rate = (bytes: number, ms: number) => `${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MiB/s`;

export function uploadThroughputRows(results: Results): Row[] {
	const result = results.uploadThroughput;
	if (!result) return [];
	const section = `Upload throughput: a ${mib(result.fileBytes, 0)} file (binary data, filesystem mode), the node (File → Upload, in n8n's engine) vs a plain streamed PUT, same simulator`;
	const bytes = result.fileBytes;
	return [
		{
			section,
			figure: `node's throughput / plain PUT's (median of ${result.nodeMs.length} each)`,
			measured: `${result.ratio.toFixed(2)} (node ${rate(bytes, result.nodeMedianMs)}, plain ${rate(bytes, result.plainMedianMs)})${result.complete ? '' : ' — a file arrived incomplete'}`,
			target: `≥ ${TARGETS.uploadThroughputRatio.toFixed(2)}`,
			met: result.complete && result.ratio >= TARGETS.uploadThroughputRatio,
		},
		{
			section,
			figure: 'each round: node / plain PUT (s)',
			measured: result.nodeMs.map((ms, index) => `${seconds(ms, 2)} / ${seconds(result.plainMs[index], 2)}`).join(', '),
			target: '— (info)',
		},
		{
			section,
			figure: 'as the simulator timed them (arrival → answer): node / plain PUT (median)',
			measured: `${seconds(result.serverNodeMedianMs, 2)} / ${seconds(result.serverPlainMedianMs, 2)} = ${(result.serverPlainMedianMs / result.serverNodeMedianMs).toFixed(2)}`,
			target: '— (info)',
		},
		{
			section,
			figure: "the uploading process's Buffers (arrayBuffers) during one upload, peak added: node / plain PUT (median)",
			measured: `${signedMib(median(result.nodeArrayBuffersAdded))} / ${signedMib(median(result.plainArrayBuffersAdded))}`,
			target: '— (info: what the upload holds at once, plus garbage not yet collected)',
		},
	];
}
