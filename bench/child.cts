/**
 * One benchmark scenario, in a process of its own (forked by bench/scenarioProcess.cts with the
 * scenario's config as JSON in argv[2]). It loads n8n-core through the engine harness, warms up (module
 * loading, n8n's HTTP client, binary data service) with a different API key so the measured key
 * starts fresh, says `ready`, waits for `go`, runs the workflow through n8n's real
 * WorkflowExecute, and reports a `result`.
 */
import { readFileSync, statSync } from 'node:fs';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import {
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
			unificallyApi: { apiKey: spec.apiKey, baseUrl: spec.simUrl, requestsPerSecond: spec.requestsPerSecond },
		},
		binaryDataMode: spec.binaryDataMode ?? 'default',
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

async function main() {
	const config = JSON.parse(process.argv[2] ?? '{}') as ScenarioConfig;
	switch (config.scenario) {
		case 'throughput':
			return await throughput(config);
		case 'memory':
			return await memory(config);
		case 'estimateCost':
			return await estimate(config);
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
