/**
 * The benchmark's settings (the figures) and targets, shared by bench/main.cts, the
 * scenarios in bench/scenarios/ and the report writer (bench/writeReport.cts).
 */
export const RATE_LIMIT = 10;
export const BAN_SECONDS = 60;
export const TASK_MS = 3000;
export const MEMORY_TASK_MS = 200;
export const ESTIMATE_ITEMS = 1000;
/** "Two processes, one key": items per process, both started together. */
export const SHARED_ITEMS = 40;
/** The large batch: 1,000 items of 30 s tasks, where the 10 status reads/s set the pace. */
export const LARGE_ITEMS = 1000;
export const LARGE_TASK_MS = 30_000;
export const UNTHROTTLED = 100_000;
/** Files as model inputs (binary data, uploaded before each create): the video a real n8n uploads, and the throughput run's file. */
export const UPLOAD_FILE_BYTES = 200 * 1024 * 1024;
/** Upload memory in a real n8n: calls with and without the upload, alternately, this many times each. */
export const UPLOAD_REPEATS = 5;
/** Upload throughput: the node's upload and a plain PUT of the same file, alternately, this many times each. */
export const UPLOAD_THROUGHPUT_REPEATS = 5;
/** The batch with files: 100 items, each with its own 1 MiB start image, 3 s tasks. */
export const UPLOAD_BATCH_ITEMS = 100;
export const UPLOAD_BATCH_FILE_BYTES = 1024 * 1024;
export const TARGETS = {
	// A lone batch keeps one request a second spare for a process that joins blind (NEWCOMER_SPARE):
	// 1.15 × is what that may cost it.
	wallRatio: 1.15,
	// The large batch is a lone batch too (NEWCOMER_SPARE, as wallRatio).
	largeWallRatio: 1.15,
	rateLimited: 0,
	readsPerTask: 4,
	memoryDeltaBytes: 96 * 1024 * 1024,
	/** Issue 21: what a 512 MiB download may add to a real n8n's peak RSS, filesystem mode. */
	memoryN8nDeltaBytes: 32 * 1024 * 1024,
	/** What uploading a 200 MiB video may add to a real n8n's peak RSS, over the same workflow without the upload. */
	uploadMemoryN8nDeltaBytes: 32 * 1024 * 1024,
	/** The node's upload throughput over a plain streamed PUT of the same file to the same server. */
	uploadThroughputRatio: 0.8,
	/** The batch with files: wall time over (N/10 + T + the same uploads alone). */
	uploadBatchRatio: 1.25,
};
export const SAMPLE_EVERY_MS = 50;

/** The command line, as bench/main.cts parses it. */
export interface Args {
	json?: string;
	markdown?: string;
	only?: Set<string>;
	items: number;
	naiveItems: number;
	outputBytes: number;
	/** How many times each real-n8n queue-mode scene runs (`--n8n-runs`). */
	n8nRuns: number;
	/** queue-n8n's scenes to run (default all). */
	n8nScenes?: Set<string>;
	/** queue-n8n's limiter variants (`--n8n-variants`, default all: limiter, baseline, split). */
	n8nVariants?: Set<string>;
}

export const log = (message: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
