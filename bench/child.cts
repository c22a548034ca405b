/**
 * One benchmark scenario, in a process of its own (forked by bench/scenarioProcess.cts with the
 * scenario's config as JSON in argv[2]). It loads n8n-core through the engine harness, warms up (module
 * loading, n8n's HTTP client, binary data service) with a different API key so the measured key
 * starts fresh, says `ready`, waits for `go`, runs the workflow through n8n's real
 * WorkflowExecute, and reports a `result`.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import http from 'node:http';

import type { IDataObject, INodeExecutionData, INodeParameters, IPinData } from 'n8n-workflow';

import {
	BINARY_ITEMS,
	MANUAL_TRIGGER,
	SET_ITEMS,
	UNIFICALLY,
	chain,
	getNodeType,
	node,
	runWorkflow,
	type BinaryDataMode,
	type WorkflowRunResult,
} from '../harness/engine.cjs';
import {
	MODEL,
	type ChildMessage,
	type EstimateConfig,
	type EstimateResult,
	type MemoryConfig,
	type MemoryResult,
	type MemorySample,
	type ParentMessage,
	type RunSummary,
	type ScenarioConfig,
	type ThroughputConfig,
	type ThroughputResult,
	type UploadBatchConfig,
	type UploadBatchResult,
	type UploadThroughputConfig,
	type UploadThroughputResult,
} from './protocol.cjs';

const NODE_NAME = 'Unifically';

function send(message: ChildMessage): Promise<void> {
	return new Promise((resolve, reject) => {
		if (!process.send) return reject(new Error('bench/child.js must be forked by bench/main.js'));
		process.send(message, (error: Error | null) => (error ? reject(error) : resolve()));
	});
}

function waitForGo(): Promise<void> {
	return new Promise((resolve) => {
		const onMessage = (message: ParentMessage) => {
			if (message?.type === 'go') {
				process.off('message', onMessage);
				resolve();
			}
		};
		process.on('message', onMessage);
	});
}

const prompts = (count: number): IDataObject[] =>
	Array.from({ length: count }, (_, index) => ({ prompt: `Benchmark image ${index + 1}: a lighthouse at dusk` }));

interface WorkflowSpec {
	simUrl: string;
	apiKey: string;
	requestsPerSecond: number;
	items: IDataObject[];
	parameters: INodeParameters;
	binaryDataMode?: BinaryDataMode;
	/** Items given to the node instead of `items` (e.g. with binary data stored earlier). */
	pinned?: INodeExecutionData[];
	timeoutMs: number;
}

async function runUnifically(spec: WorkflowSpec): Promise<WorkflowRunResult> {
	return await runWorkflow({
		nodes: [
			node('Start', MANUAL_TRIGGER),
			node('Items', SET_ITEMS, { itemsJson: JSON.stringify(spec.items) }),
			node(NODE_NAME, UNIFICALLY, spec.parameters),
		],
		connections: chain('Start', 'Items', NODE_NAME),
		credentials: {
			// The simulator is also Unifically's storage (PUT /upload).
			unificallyApi: { apiKey: spec.apiKey, baseUrl: spec.simUrl, uploadUrl: `${spec.simUrl}/upload`, requestsPerSecond: spec.requestsPerSecond },
		},
		binaryDataMode: spec.binaryDataMode ?? 'default',
		pinData: spec.pinned ? ({ Items: spec.pinned } as IPinData) : undefined,
		timeoutMs: spec.timeoutMs,
	});
}

/**
 * The form a user fills in: Image → Generate → Nano Banana, prompt from the item. Download Output
 * Files is on by default for Generate: the throughput figure turns it off (it measures the API's pace).
 */
function generateParameters(options: INodeParameters = { download: false }, extraInput?: IDataObject): INodeParameters {
	return {
		resource: 'image',
		operation: 'generate',
		model: MODEL,
		prompt: '={{ $json.prompt }}',
		aspectRatio: '1:1',
		additionalFields: extraInput ? { extraInput: JSON.stringify(extraInput) } : {},
		options,
	};
}

function estimateParameters(): INodeParameters {
	return {
		resource: 'image',
		operation: 'estimateCost',
		model: MODEL,
		prompt: '={{ $json.prompt }}',
		aspectRatio: '1:1',
		additionalFields: {},
	};
}

/** Runs `run` and summarises it: wall time, the node's execution time, CPU, items and errors. */
async function measured(run: () => Promise<WorkflowRunResult>): Promise<{ result: WorkflowRunResult; summary: RunSummary }> {
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	const result = await run();
	const wallMs = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	let nodeExecutionMs = NaN;
	let items: ReturnType<WorkflowRunResult['outputOf']> = [];
	try {
		nodeExecutionMs = result.taskOf(NODE_NAME).executionTime;
		items = result.outputOf(NODE_NAME);
	} catch {
		// the node did not run: status/error say why
	}
	const nodeError = result.runData[NODE_NAME]?.at(-1)?.error;
	return {
		result,
		summary: {
			status: result.status,
			error: result.error?.message ?? nodeError?.message,
			wallMs,
			nodeExecutionMs,
			itemsOut: items.length,
			itemErrors: items.filter((item) => item.json.error !== undefined).length,
			cpuMs: (cpu.user + cpu.system) / 1000,
		},
	};
}

/** Loads the node and n8n's HTTP client with one dry run on another key (no limiter or learning shared). */
async function warmUp(config: ScenarioConfig) {
	getNodeType(UNIFICALLY);
	const warm = await runUnifically({
		simUrl: config.simUrl,
		apiKey: `${config.apiKey}-warmup`,
		requestsPerSecond: 10,
		items: prompts(1),
		parameters: estimateParameters(),
		timeoutMs: 30_000,
	});
	if (warm.status !== 'success') throw new Error(`Warm-up failed: ${warm.error?.message ?? warm.status}`);
}

/**
 * The scenarios that time one run of `config.items` prompts on the measured key: warm up, wait
 * for the go, then run `parameters` measured. Returns the node's output items with the summary.
 */
async function measuredBatch(config: ThroughputConfig | EstimateConfig, parameters: INodeParameters) {
	await warmUp(config);
	await send({ type: 'ready' });
	await waitForGo();
	await send({ type: 'started' });
	const { result, summary } = await measured(() =>
		runUnifically({
			simUrl: config.simUrl,
			apiKey: config.apiKey,
			requestsPerSecond: config.requestsPerSecond,
			items: prompts(config.items),
			parameters,
			timeoutMs: config.timeoutMs,
		}),
	);
	return { summary, items: summary.itemsOut > 0 ? result.outputOf(NODE_NAME) : [] };
}

async function throughput(config: ThroughputConfig): Promise<ThroughputResult> {
	const { summary, items } = await measuredBatch(config, generateParameters());
	return {
		scenario: 'throughput',
		...summary,
		completed: items.filter((item) => item.json.status === 'completed').length,
		taskIds: items.map((item) => String(item.json.task_id ?? '')),
	};
}

function memorySample(): MemorySample {
	const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
	return { rss, heapTotal, heapUsed, external, arrayBuffers };
}

function vmHwmBytes(): number | undefined {
	try {
		const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
		return match ? Number(match[1]) * 1024 : undefined;
	} catch {
		return undefined;
	}
}

async function memory(config: MemoryConfig): Promise<MemoryResult> {
	await warmUp(config);
	// The same small run in both processes, download included, so both have loaded the same code
	// (binary data service, streams) before the measured run: only the measured run differs.
	const warm = await runUnifically({
		simUrl: config.simUrl,
		apiKey: `${config.apiKey}-warmup`,
		requestsPerSecond: 10,
		items: prompts(1),
		parameters: generateParameters({ download: true }, { sim_output_bytes: 4096 }),
		binaryDataMode: 'filesystem',
		timeoutMs: 30_000,
	});
	if (warm.status !== 'success') throw new Error(`Warm-up download failed: ${warm.error?.message ?? warm.status}`);
	await warm.cleanup();

	await send({ type: 'ready' });
	await waitForGo();
	global.gc?.();
	const before = memorySample();
	const peak = { ...before };
	let samples = 0;
	const sampler = setInterval(() => {
		const sample = memorySample();
		samples++;
		for (const key of Object.keys(peak) as Array<keyof MemorySample>) peak[key] = Math.max(peak[key], sample[key]);
	}, config.sampleEveryMs);
	await send({ type: 'started' });
	const { result, summary } = await measured(() =>
		runUnifically({
			simUrl: config.simUrl,
			apiKey: config.apiKey,
			requestsPerSecond: 10,
			items: prompts(1),
			parameters: generateParameters({ download: config.download }, { sim_output_bytes: config.outputBytes }),
			binaryDataMode: 'filesystem',
			timeoutMs: config.timeoutMs,
		}),
	);
	clearInterval(sampler);
	const last = memorySample();
	for (const key of Object.keys(peak) as Array<keyof MemorySample>) peak[key] = Math.max(peak[key], last[key]);

	let binaryBytes: number | undefined;
	let binaryMode: string | undefined;
	const [item] = summary.itemsOut > 0 ? result.outputOf(NODE_NAME) : [];
	const binary = item?.binary?.data;
	if (item && binary) {
		if (binary.id) {
			binaryMode = 'filesystem';
			binaryBytes = statSync(result.binaryPathOf(item)).size;
		} else {
			binaryMode = 'in memory';
			binaryBytes = Buffer.byteLength(binary.data, 'base64');
		}
	}
	await result.cleanup();
	return {
		scenario: 'memory',
		...summary,
		download: config.download,
		before,
		peak,
		samples,
		vmHwmBytes: vmHwmBytes(),
		binaryBytes,
		binaryMode,
	};
}

async function estimate(config: EstimateConfig): Promise<EstimateResult> {
	const { summary, items } = await measuredBatch(config, estimateParameters());
	const priced = items.filter((item) => typeof item.json.cost === 'number');
	return {
		scenario: 'estimateCost',
		...summary,
		priced: priced.length,
		totalCost: priced[0]?.json.total_cost as number | undefined,
	};
}

// ---------------------------------------------------------------------------------------------
// Files as inputs: uploads (File → Upload, and binary inputs of Generate)

/**
 * `count` files of `bytes` each (the harness's Binary Items node: n8n's own `prepareBinaryData`),
 * stored once in filesystem mode as Read Files would store them; the items and the files' paths.
 * The measured runs are given these items pinned, so that making the files is not timed.
 */
async function storedFiles(count: number, bytes: number, name: (index: number) => string, mimeType: string) {
	const specs = Array.from({ length: count }, (_, index) => ({ binary: { data: { fileName: name(index), mimeType, seed: `bench-${index}`, bytes } } }));
	const made = await runWorkflow({
		nodes: [node('Start', MANUAL_TRIGGER), node('Files', BINARY_ITEMS, { itemsJson: JSON.stringify(specs) })],
		connections: chain('Start', 'Files'),
		binaryDataMode: 'filesystem',
		timeoutMs: 300_000,
	});
	if (made.status !== 'success') throw new Error(`Making the files failed: ${made.error?.message ?? made.status}`);
	const items = made.outputOf('Files').map((item, index) => ({ json: {}, binary: item.binary, pairedItem: { item: index } }));
	global.gc?.(); // the pattern buffers
	return { items, paths: items.map((item) => made.binaryPathOf(item)) };
}

const uploadParameters = (): INodeParameters => ({ resource: 'file', operation: 'upload', binaryPropertyName: 'data' });

/** File → Upload of pinned items on `apiKey`, measured. */
async function uploadItems(config: { simUrl: string; apiKey: string; timeoutMs: number }, pinned: INodeExecutionData[]) {
	const { result, summary } = await measured(() =>
		runUnifically({ simUrl: config.simUrl, apiKey: config.apiKey, requestsPerSecond: 10, items: [], pinned, parameters: uploadParameters(), binaryDataMode: 'filesystem', timeoutMs: config.timeoutMs }),
	);
	const urls = summary.itemsOut > 0 ? result.outputOf(NODE_NAME).map((item) => item.json.file_url) : [];
	if (summary.status !== 'success' || summary.itemErrors > 0 || urls.length !== pinned.length) {
		throw new Error(`File → Upload failed (${summary.status}, ${summary.itemErrors} item errors): ${summary.error ?? ''}`);
	}
	return { summary, urls: urls.map(String) };
}

/**
 * The plain way to upload a file: one `PUT` with node:http, the multipart head, the file streamed
 * from disk (fs.createReadStream piped into the request), the tail, with Content-Length. Resolves
 * with the time from the request's start to the answer read, and the answer's file_url.
 */
function plainPut(url: string, apiKey: string, file: string, fileName: string, mimeType: string): Promise<{ ms: number; fileUrl: string }> {
	const boundary = `----benchPlain${Date.now().toString(36)}`;
	const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${mimeType}\r\n\r\n`);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
	const size = statSync(file).size;
	const started = performance.now();
	return new Promise((resolve, reject) => {
		const request = http.request(url, {
			method: 'PUT',
			headers: {
				Authorization: `Bearer ${apiKey}`,
				'Content-Type': `multipart/form-data; boundary=${boundary}`,
				'Content-Length': String(head.length + size + tail.length),
			},
		});
		request.on('error', reject);
		request.on('response', (response) => {
			let text = '';
			response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
			response.on('end', () => {
				const ms = performance.now() - started;
				const answer = (() => {
					try {
						return JSON.parse(text) as { file_url?: string };
					} catch {
						return {};
					}
				})();
				if (response.statusCode !== 200 || !answer.file_url) reject(new Error(`plain PUT answered ${response.statusCode}: ${text.slice(0, 300)}`));
				else resolve({ ms, fileUrl: answer.file_url });
			});
		});
		request.write(head);
		const source = createReadStream(file);
		source.on('error', reject);
		source.on('end', () => request.end(tail));
		source.pipe(request, { end: false });
	});
}

/** Warm both ways of uploading (modules, connections, the binary store) with a small file on the warm-up key. */
async function warmUpUploads(config: UploadThroughputConfig | UploadBatchConfig) {
	await warmUp(config);
	const small = await storedFiles(1, 64 * 1024, () => 'warm-up.png', 'image/png');
	await uploadItems({ ...config, apiKey: `${config.apiKey}-warmup` }, small.items);
	await plainPut(`${config.simUrl}/upload`, `${config.apiKey}-warmup`, small.paths[0], 'warm-up.png', 'image/png');
}

/** Runs `work`, sampling this process's `arrayBuffers` (Buffers' memory) every 10 ms: how much it rose at most. */
async function arrayBuffersAdded<T>(work: () => Promise<T>): Promise<{ value: T; added: number }> {
	const before = process.memoryUsage().arrayBuffers;
	let peak = before;
	const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 10);
	try {
		const value = await work();
		return { value, added: Math.max(peak, process.memoryUsage().arrayBuffers) - before };
	} finally {
		clearInterval(timer);
	}
}

/** One file, uploaded by the node and by a plain PUT, alternately (which goes first alternates too). */
async function uploadThroughput(config: UploadThroughputConfig): Promise<UploadThroughputResult> {
	await warmUpUploads(config);
	const video = await storedFiles(1, config.fileBytes, () => 'video.mp4', 'video/mp4');
	await send({ type: 'ready' });
	await waitForGo();
	await send({ type: 'started' });
	const result: UploadThroughputResult = {
		scenario: 'uploadThroughput',
		fileBytes: config.fileBytes,
		plainMs: [],
		nodeMs: [],
		nodeWallMs: [],
		plainArrayBuffersAdded: [],
		nodeArrayBuffersAdded: [],
		order: [],
		fileUrls: [],
	};
	for (let round = 0; round < config.repeats; round++) {
		const first = round % 2 ? 'node' : 'plain';
		result.order.push(first);
		for (const way of first === 'plain' ? ['plain', 'node'] : ['node', 'plain']) {
			global.gc?.();
			if (way === 'plain') {
				const { value: put, added } = await arrayBuffersAdded(() => plainPut(`${config.simUrl}/upload`, `${config.apiKey}-plain`, video.paths[0], 'video.mp4', 'video/mp4'));
				result.plainMs.push(put.ms);
				result.plainArrayBuffersAdded.push(added);
				result.fileUrls.push(put.fileUrl);
			} else {
				const { value, added } = await arrayBuffersAdded(() => uploadItems({ ...config, apiKey: `${config.apiKey}-node` }, video.items));
				result.nodeMs.push(value.summary.nodeExecutionMs);
				result.nodeWallMs.push(value.summary.wallMs);
				result.nodeArrayBuffersAdded.push(added);
				result.fileUrls.push(value.urls[0]);
			}
		}
	}
	return result;
}

/**
 * The batch with files: `items` items each with its own image. First their uploads alone (File →
 * Upload on another key), then Video → Generate (Hailuo 2.3 Fast, binary start image) on the
 * measured key: each item's file is uploaded, then its task created at the API's pace.
 */
async function uploadBatch(config: UploadBatchConfig): Promise<UploadBatchResult> {
	await warmUpUploads(config);
	const images = await storedFiles(config.items, config.fileBytes, (index) => `frame-${index + 1}.png`, 'image/png');
	await send({ type: 'ready' });
	await waitForGo();
	await send({ type: 'started' });
	const alone = await uploadItems({ ...config, apiKey: `${config.apiKey}-upload` }, images.items);
	global.gc?.();
	const { result, summary } = await measured(() =>
		runUnifically({
			simUrl: config.simUrl,
			apiKey: config.apiKey,
			requestsPerSecond: config.requestsPerSecond,
			items: [],
			pinned: images.items,
			parameters: {
				resource: 'video',
				operation: 'generate',
				model: 'hailuo/minimax-2.3-fast',
				prompt: 'Benchmark: the frame comes alive',
				inputType: 'binary',
				startImageBinaryField: 'data',
				options: { download: false },
			},
			binaryDataMode: 'filesystem',
			timeoutMs: config.timeoutMs,
		}),
	);
	const output = summary.itemsOut > 0 ? result.outputOf(NODE_NAME) : [];
	return {
		scenario: 'uploadBatch',
		uploadAlone: { ...alone.summary, uploaded: alone.urls.length },
		batch: {
			...summary,
			completed: output.filter((item) => item.json.status === 'completed').length,
			taskIds: output.map((item) => String(item.json.task_id ?? '')),
		},
	};
}

async function main() {
	const config = JSON.parse(process.argv[2] ?? '{}') as ScenarioConfig;
	switch (config.scenario) {
		case 'throughput':
			return await throughput(config);
		case 'memory':
			return await memory(config);
		case 'estimateCost':
			return await estimate(config);
		case 'uploadThroughput':
			return await uploadThroughput(config);
		case 'uploadBatch':
			return await uploadBatch(config);
		default:
			throw new Error(`Unknown scenario in ${process.argv[2]}`);
	}
}

main().then(
	async (result) => {
		await send({ type: 'result', result });
		process.exit(0);
	},
	async (error: Error) => {
		await send({ type: 'failed', error: error.stack ?? error.message }).catch(() => undefined);
		process.exit(1);
	},
);
