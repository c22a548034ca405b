/**
 * Reading what n8n ran: the run data of an execution (n8n's IRun, as `n8n execute` prints it or the
 * database stores it), the items, errors and binary metadata of a node, and the records of
 * executions, webhooks and node types the `N8n` class returns.
 */
import type { RunResult } from './process.cjs';

/** The run data of an execution (n8n's IRun, as `n8n execute` prints it or the DB stores it). */
export interface RunData {
	data: {
		resultData: {
			runData: Record<string, Array<NodeRun>>;
			error?: ExecutionErrorData;
			lastNodeExecuted?: string;
		};
		[key: string]: unknown;
	};
	status?: string;
	finished?: boolean;
	mode?: string;
	[key: string]: unknown;
}

export interface NodeRun {
	startTime: number;
	executionTime: number;
	executionStatus?: string;
	data?: { main?: Array<Array<Item> | null> };
	error?: ExecutionErrorData;
	source?: unknown;
}

export interface Item {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryMeta>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }> | number;
	error?: unknown;
}

export interface BinaryMeta {
	id?: string;
	data?: string;
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	fileSize?: string;
	bytes?: number;
}

export interface ExecutionErrorData {
	message: string;
	description?: string | null;
	name?: string;
	node?: { name: string; type: string };
	httpCode?: string;
	[key: string]: unknown;
}

/** The items a node emitted (its first run, first output, by default). Throws if it did not run. */
export function nodeItems(runData: RunData, nodeName: string, { runIndex = 0, output = 0 } = {}): Item[] {
	const runs = runData.data.resultData.runData[nodeName];
	if (!runs?.[runIndex]) {
		const ran = Object.keys(runData.data.resultData.runData).join(', ');
		throw new Error(`Node "${nodeName}" did not run (run ${runIndex}); nodes that ran: ${ran || 'none'}`);
	}
	return runs[runIndex].data?.main?.[output] ?? [];
}

/** The `json` of each item a node emitted. */
export function nodeJson(runData: RunData, nodeName: string, options?: { runIndex?: number; output?: number }): Array<Record<string, unknown>> {
	return nodeItems(runData, nodeName, options).map((item) => item.json);
}

/** The error a node stopped with, if any. */
export function nodeError(runData: RunData, nodeName: string, runIndex = 0): ExecutionErrorData | undefined {
	return runData.data.resultData.runData[nodeName]?.[runIndex]?.error;
}

/** The error that stopped the execution, if any. */
export function executionError(runData: RunData): ExecutionErrorData | undefined {
	return runData.data.resultData.error;
}

/**
 * `n8n execute` prints the run as pretty JSON (`{` alone on a line … `}` alone on a line) on stdout,
 * among log lines; on failure the same JSON comes through the logger after "Execution error:".
 */
export function parseExecuteOutput(stdout: string): RunData | undefined {
	const lines = stdout.split('\n');
	const start = lines.findIndex((line) => line === '{');
	if (start < 0) return undefined;
	const end = lines.findIndex((line, index) => index > start && line === '}');
	if (end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n')) as RunData;
	} catch {
		return undefined;
	}
}

export interface ExecuteResult extends RunResult {
	/** The parsed run; undefined when n8n printed none (a crash before running, a bad id …). */
	run?: RunData;
	/** The execution's error (from the run, or n8n's last error line when no run was printed). */
	error?: ExecutionErrorData;
	ok: boolean;
}

export interface ExecutionRecord {
	id: string;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
	startedAt: string | null;
	stoppedAt: string | null;
	waitTill: string | null;
	/** Parsed run data (with `includeData`). */
	run?: RunData;
}

export interface WebhookRecord {
	workflowId: string;
	method: string;
	path: string;
	node: string;
	/** The production URL on this instance. */
	url: string;
}

export interface NodeTypeInfo {
	name: string;
	displayName: string;
	version: number | number[];
	group?: string[];
	credentials?: Array<{ name: string }>;
	properties?: Array<{ name: string; type: string; [key: string]: unknown }>;
	webhooks?: Array<{ httpMethod: string; path: string; isFullPath?: boolean; [key: string]: unknown }>;
	[key: string]: unknown;
}
