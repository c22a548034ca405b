/**
 * `npm run bench -- --only upload-memory-n8n`: the memory uploading a large file costs a real n8n
 * (2.41.1 under `n8n start`, this package installed from its `npm pack` tarball, binary data in
 * filesystem mode), measured as `memory-n8n` measures a download (bench/peakRss.cts).
 *
 * The bench writes a 200 MiB video into a folder of the n8n's working directory (the only place
 * n8n 2.x lets file nodes read: N8N_RESTRICT_FILE_ACCESS_TO). Two published workflows:
 *   with upload:    Webhook → Read/Write Files (read the video) → Unifically (Video → Generate,
 *                   Kling 3.0 Omni Video Edit, Input Type: Binary File, the video as video_url)
 *   without upload: Webhook → Read/Write Files (read the same video)
 * called alternately, five times each. The baseline is the same read into n8n's binary store (a
 * 200 MiB stream written to disk, the item handed on) without the Unifically node, measured the
 * same way: the difference is what the node adds — the upload streamed from the binary store, the
 * create and the status reads.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';

import { callWebhook, measurePeak, median, serveWebhooks, webhookNode, type PeakCall } from '../peakRss.cjs';
import { mib, seconds, signedMib, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { MEMORY_TASK_MS, TARGETS, UPLOAD_FILE_BYTES, UPLOAD_REPEATS, log } from '../settings.cjs';
import { N8n, ensureN8n, packPackage, type WorkflowJson } from '../../harness/n8n/index.cjs';

export interface UploadMemoryN8nRun extends Omit<PeakCall, 'resetWorks'> {
	upload: boolean;
	/** What the simulator stored for this call's upload (bytes), when it uploaded. */
	uploadedBytes?: number;
}

export interface UploadMemoryN8nResult {
	n8nVersion: string;
	fileBytes: number;
	runs: UploadMemoryN8nRun[];
	/** Median `added` with the upload, without (the same read), and their difference. */
	withUpload: number;
	withoutUpload: number;
	delta: number;
	resetWorks: boolean;
	/** The Read/Write Files output was in n8n's filesystem store (a binary id), not in memory. */
	filesystemBinary: boolean;
	rssAfterStart: number;
}

/** A file of `bytes` random bytes, written 1 MiB at a time. */
async function writeFile(file: string, bytes: number) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	await pipeline(async function* () {
		for (let written = 0; written < bytes; written += 1048576) yield randomBytes(Math.min(1048576, bytes - written));
	}, fs.createWriteStream(file));
}

/** Read/Write Files reading the file the webhook's body names (`file`) into the binary field `data`. */
const readNode = (): WorkflowJson['nodes'][number] => ({
	id: randomUUID(),
	name: 'Read Video',
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	position: [220, 0],
	parameters: { operation: 'read', fileSelector: '={{ $json.body.file }}', options: {} },
});

function workflows(credential: { id: string; name: string }): WorkflowJson[] {
	const read: WorkflowJson = {
		id: 'unifBenchUpload0',
		name: 'bench: read a video (no upload)',
		nodes: [webhookNode('bench-read'), readNode()],
		connections: { Webhook: { main: [[{ node: 'Read Video', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
	};
	const generate = {
		id: randomUUID(),
		name: 'Generate',
		type: 'n8n-nodes-unifically.unifically',
		typeVersion: 1,
		position: [440, 0] as [number, number],
		parameters: {
			resource: 'video',
			operation: 'generate',
			model: 'kuaishou/kling-3.0-omni-video-edit',
			prompt: 'Restyle it as a watercolour',
			inputType: 'binary',
			videoBinaryField: 'data',
			options: { download: false },
		},
		credentials: { unificallyApi: credential },
	};
	return [
		read,
		{
			id: 'unifBenchUpload1',
			name: 'bench: read a video, then Video → Generate with it (upload)',
			nodes: [webhookNode('bench-upload'), readNode(), generate],
			connections: {
				Webhook: { main: [[{ node: 'Read Video', type: 'main', index: 0 }]] },
				'Read Video': { main: [[{ node: 'Generate', type: 'main', index: 0 }]] },
			},
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
		},
	];
}

export async function runUploadMemoryN8n({ results, newSimulator, failed }: BenchContext) {
	const run = async (): Promise<UploadMemoryN8nResult> => {
		await ensureN8n();
		const tarball = await packPackage();
		const { sim } = await newSimulator('upload-memory-n8n', { taskLatencyMs: MEMORY_TASK_MS });
		const n8n = await N8n.create({ tarball, name: 'unifically-bench-upload-memory', env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' } });
		try {
			// Below n8n's working directory: the only folder its file nodes may read (N8N_RESTRICT_FILE_ACCESS_TO).
			const video = path.join(n8n.workDir, 'bench-files', 'video.mp4');
			const small = path.join(n8n.workDir, 'bench-files', 'small.mp4');
			await writeFile(video, UPLOAD_FILE_BYTES);
			await writeFile(small, 1024 * 1024);
			const credential = await n8n.importUnificallyCredential({ baseUrl: sim.url, apiKey: 'sk-bench-upload-memory-n8n' });
			const ids = await n8n.importWorkflows(workflows(credential));
			const { pid, hookUrls, rssAfterStart } = await serveWebhooks(n8n, ids);
			const call = async (upload: boolean, file: string) => await callWebhook(hookUrls[upload ? 1 : 0], { file });
			// Warm-up: module loading, the first executions, the first binary writes and upload.
			await call(true, small);
			await call(false, video);
			await call(true, small);
			const runs: UploadMemoryN8nRun[] = [];
			let resetWorks = true;
			let filesystemBinary = true;
			for (let round = 0; round < UPLOAD_REPEATS; round++) {
				for (const upload of [false, true]) {
					const uploadsBefore = sim.uploads().length;
					const { resetWorks: reset, ...peak } = await measurePeak(pid, () => call(upload, video));
					resetWorks = reset && resetWorks;
					const stored = sim.uploads().slice(uploadsBefore);
					const uploadedBytes = stored.reduce((sum, file) => sum + file.size, 0);
					if (upload && (stored.length !== 1 || uploadedBytes !== UPLOAD_FILE_BYTES)) throw new Error(`the upload stored ${stored.length} file(s), ${uploadedBytes} bytes, not ${UPLOAD_FILE_BYTES}`);
					const last = n8n.executions({ workflowId: ids[upload ? 1 : 0], includeData: true }).pop();
					const binary = last?.run?.data.resultData.runData['Read Video']?.[0]?.data?.main?.[0]?.[0]?.binary?.data;
					filesystemBinary &&= typeof binary?.id === 'string' && binary.id.startsWith('filesystem');
					runs.push({ upload, ...peak, uploadedBytes: upload ? uploadedBytes : undefined });
					log(`upload-memory-n8n: ${upload ? 'read + upload' : 'read only'}: +${(peak.added / 1048576).toFixed(1)} MiB (RSS ${(peak.rssBefore / 1048576).toFixed(0)} → peak ${(peak.vmHwm / 1048576).toFixed(0)} MiB) in ${peak.wallMs} ms`);
				}
			}
			const withUpload = median(runs.filter((entry) => entry.upload).map((entry) => entry.added));
			const withoutUpload = median(runs.filter((entry) => !entry.upload).map((entry) => entry.added));
			return { n8nVersion: n8n.version, fileBytes: UPLOAD_FILE_BYTES, runs, withUpload, withoutUpload, delta: withUpload - withoutUpload, resetWorks, filesystemBinary, rssAfterStart };
		} finally {
			await n8n.dispose();
		}
	};
	log(`upload-memory-n8n: a ${mib(UPLOAD_FILE_BYTES, 0)} video as binary data to the node in a real n8n, filesystem mode`);
	results.uploadMemoryN8n = await run().catch(failed('Upload memory in a real n8n'));
}

export function uploadMemoryN8nRows(results: Results): Row[] {
	const result = results.uploadMemoryN8n;
	if (!result) return [];
	const section = `Upload memory in a real n8n ${result.n8nVersion} (n8n start, packed package): a ${mib(result.fileBytes, 0)} video read by Read/Write Files → Video → Generate (binary input), filesystem mode`;
	const uploads = result.runs.filter((entry) => entry.upload);
	const valid = result.resetWorks && result.filesystemBinary;
	const caveat = `${result.resetWorks ? '' : ' — peak not reset'}${result.filesystemBinary ? '' : ' — the binary was not in the filesystem store'}`;
	const worst = Math.max(...uploads.map((entry) => entry.added)) - result.withoutUpload;
	const target = `< ${mib(TARGETS.uploadMemoryN8nDeltaBytes, 0)} more`;
	return [
		{
			section,
			figure: `peak RSS added by the call (VmHWM − RSS before), read + upload − read only (median of ${uploads.length})`,
			measured: `${signedMib(result.delta)} (${signedMib(result.withUpload)} vs ${signedMib(result.withoutUpload)})${caveat}`,
			target,
			met: valid && result.delta < TARGETS.uploadMemoryN8nDeltaBytes,
		},
		{ section, figure: 'the worst run with upload − the median without', measured: signedMib(worst), target, met: valid && worst < TARGETS.uploadMemoryN8nDeltaBytes },
		{
			section,
			figure: 'each run with upload (added / wall), without (added / wall); n8n RSS after start',
			measured: `${uploads.map((entry) => `${signedMib(entry.added)} / ${seconds(entry.wallMs, 1)}`).join(', ')}; ${result.runs
				.filter((entry) => !entry.upload)
				.map((entry) => `${signedMib(entry.added)} / ${seconds(entry.wallMs, 1)}`)
				.join(', ')}; ${mib(result.rssAfterStart, 0)}`,
			target: '— (info)',
		},
	];
}
