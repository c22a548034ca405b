/**
 * What the bench's parent (bench/main.cts) and its scenario children (bench/child.cts) say to each
 * other over the fork IPC channel. Every scenario runs in a child of its own: a fresh heap for the
 * memory figures and a fresh rate limiter (the node keeps one per key and process).
 */

/** The model every scenario uses (cheap, image: one small output file by default). */
export const MODEL = 'google/nano-banana';

export type ScenarioName = 'throughput' | 'memory' | 'estimateCost' | 'uploadThroughput' | 'uploadBatch';

export interface ThroughputConfig {
	scenario: 'throughput';
	simUrl: string;
	apiKey: string;
	items: number;
	requestsPerSecond: number;
	timeoutMs: number;
}

export interface MemoryConfig {
	scenario: 'memory';
	simUrl: string;
	apiKey: string;
	download: boolean;
	outputBytes: number;
	sampleEveryMs: number;
	timeoutMs: number;
}

export interface EstimateConfig {
	scenario: 'estimateCost';
	simUrl: string;
	apiKey: string;
	items: number;
	/** The credential's `requestsPerSecond` (the UI caps it at 10; the transport takes any number). */
	requestsPerSecond: number;
	timeoutMs: number;
}

/** One file uploaded by the node (File → Upload) and by a plain streamed PUT, alternately. */
export interface UploadThroughputConfig {
	scenario: 'uploadThroughput';
	simUrl: string;
	/** The node uploads with `<apiKey>-node`, the plain PUT with `<apiKey>-plain` (to tell them apart in the request log). */
	apiKey: string;
	fileBytes: number;
	repeats: number;
	timeoutMs: number;
}

/** Items each with a file of its own: their uploads alone (File → Upload), then Video → Generate with them. */
export interface UploadBatchConfig {
	scenario: 'uploadBatch';
	simUrl: string;
	/** The batch's key; the uploads alone use `<apiKey>-upload`. */
	apiKey: string;
	items: number;
	fileBytes: number;
	requestsPerSecond: number;
	timeoutMs: number;
}

export type ScenarioConfig = ThroughputConfig | MemoryConfig | EstimateConfig | UploadThroughputConfig | UploadBatchConfig;

/** What every child reports about a workflow run. */
export interface RunSummary {
	status: string;
	error?: string;
	/** `runWorkflow()` from call to result (the workflow: trigger, items, Unifically). */
	wallMs: number;
	/** The Unifically node's own `executionTime` as n8n's engine recorded it. */
	nodeExecutionMs: number;
	itemsOut: number;
	itemErrors: number;
	/** Child CPU time (user + system) spent during the run. */
	cpuMs: number;
}

export interface ThroughputResult extends RunSummary {
	scenario: 'throughput';
	completed: number;
	/** Per output item: task id (to match the simulator's request log). */
	taskIds: string[];
}

export interface MemorySample {
	rss: number;
	heapTotal: number;
	heapUsed: number;
	external: number;
	arrayBuffers: number;
}

export interface MemoryResult extends RunSummary {
	scenario: 'memory';
	download: boolean;
	/** Right before the run (modules loaded, a warm-up run done). */
	before: MemorySample;
	/** Highest value of each field over the samples taken every `sampleEveryMs` during the run. */
	peak: MemorySample;
	samples: number;
	/** `/proc/self/status` VmHWM at the end: the process's peak resident set over its whole life. */
	vmHwmBytes?: number;
	/** Size of the binary the run produced (on disk, filesystem mode), if any. */
	binaryBytes?: number;
	binaryMode?: string;
}

export interface EstimateResult extends RunSummary {
	scenario: 'estimateCost';
	priced: number;
	totalCost?: number;
}

export interface UploadThroughputResult {
	scenario: 'uploadThroughput';
	fileBytes: number;
	/** Each plain PUT: request start → answer read (ms), in order. */
	plainMs: number[];
	/** Each upload by the node: the Unifically node's execution time (ms), in order. */
	nodeMs: number[];
	/** The same, as the whole workflow's run (the engine around the node). */
	nodeWallMs: number[];
	/** How far this process's Buffers (`arrayBuffers`) rose during each upload: what the upload held at once, plus garbage not yet collected. */
	plainArrayBuffersAdded: number[];
	nodeArrayBuffersAdded: number[];
	/** Which went first in each round. */
	order: Array<'plain' | 'node'>;
	/** file_url of each upload (plain, then node, per round), to check the simulator's copies. */
	fileUrls: string[];
}

export interface UploadBatchResult {
	scenario: 'uploadBatch';
	/** File → Upload of the same files, alone. */
	uploadAlone: RunSummary & { uploaded: number };
	/** Video → Generate, binary start image: upload then create each item, wait for every task. */
	batch: RunSummary & { completed: number; taskIds: string[] };
}

export type ScenarioResult = ThroughputResult | MemoryResult | EstimateResult | UploadThroughputResult | UploadBatchResult;

export type ChildMessage =
	| { type: 'ready' }
	| { type: 'started' }
	| { type: 'result'; result: ScenarioResult }
	| { type: 'failed'; error: string };

export type ParentMessage = { type: 'go' };
