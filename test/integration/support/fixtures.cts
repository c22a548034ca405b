/**
 * Shared pieces of the Unifically engine suites (test/integration/unifically.*.test.ts): a fresh local
 * simulator per describe block, the credential pointing at it, workflow builders for the action
 * node, and readers for what the simulator received.
 *
 *   const sim = useSimulator({ taskLatencyMs: 300 });          // inside a describe
 *   const result = await runUnifically(sim(), { resource: 'image', operation: 'generate', ... });
 *   expect(receivedInput(sim(), result.outputOf('Unifically')[0].json.task_id)).toEqual({...});
 */
import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { startSimulator, type Simulator, type SimulatorOptions } from '../../../simulator/server.cjs';
import {
	BINARY_ITEMS,
	MANUAL_TRIGGER,
	SET_ITEMS,
	UNIFICALLY,
	chain,
	node,
	runWorkflow,
	type RunWorkflowOptions,
	type WorkflowRunResult,
} from '../../../harness/engine.cjs';
import type { BinaryFileSpec } from '../../../harness/nodes/BinaryItems.node.cjs';
export { patternBytes } from '../../../harness/nodes/BinaryItems.node.cjs';

export const NODE_NAME = 'Unifically';

export interface BinaryItemSpec {
	json?: IDataObject;
	binary?: Record<string, BinaryFileSpec>;
}

/** A key the simulator accepts with a large balance. `invalid-key` → 401, `broke-key` → 402. */
export const API_KEY = 'sk-engine-test-key-0123456789';

/**
 * Starts a simulator before the enclosing describe's tests and closes it after them. Returns a
 * getter (the simulator exists only once `beforeAll` has run). Stats are reset before each test.
 */
export function useSimulator(options: SimulatorOptions = {}): () => Simulator {
	let sim: Simulator | undefined;
	beforeAll(async () => {
		sim = await startSimulator({ taskLatencyMs: 300, ...options });
	});
	afterAll(async () => {
		await sim?.close();
	});
	beforeEach(() => {
		if (!sim) return;
		sim.reset();
		tasksBeforeTest.set(sim, new Set(sim.tasks.keys()));
		uploadsBeforeTest.set(sim, sim.uploads().length);
	});
	return () => {
		if (!sim) throw new Error('The simulator is not started (use the getter inside a test)');
		return sim;
	};
}

const tasksBeforeTest = new WeakMap<Simulator, Set<string>>();
const uploadsBeforeTest = new WeakMap<Simulator, number>();

/** The files uploaded to the simulator since the current test started (oldest first). */
export function uploadsOfThisTest(sim: Simulator) {
	return sim.uploads().slice(uploadsBeforeTest.get(sim) ?? 0);
}

/** The tasks the simulator created since the current test started (in creation order). */
export function tasksOfThisTest(sim: Simulator) {
	const before = tasksBeforeTest.get(sim) ?? new Set<string>();
	return [...sim.tasks.values()].filter((task) => !before.has(task.id));
}

/** The credential's retry schedule for this describe block (`useRetryBackoff`); the real one otherwise. */
let retryBackoff: ICredentialDataDecryptedObject | undefined;

/**
 * A shorter retry schedule for the fault runs of a describe block, given to the node as the
 * credential's `retryBackoff` (transport/index.ts `backoffOf`): the production code path, another schedule.
 */
export function useRetryBackoff(backoff: { baseMs: number; maxMs: number; untilDeadlineMaxMs?: number }) {
	beforeAll(() => {
		retryBackoff = { ...backoff };
	});
	afterAll(() => {
		retryBackoff = undefined;
	});
}

export function credentialsFor(
	sim: Simulator,
	apiKey = API_KEY,
	extra: ICredentialDataDecryptedObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	return {
		unificallyApi: {
			apiKey,
			baseUrl: sim.url,
			uploadUrl: `${sim.url}/upload`,
			requestsPerSecond: 10,
			...(retryBackoff ? { retryBackoff } : {}),
			...extra,
		},
	};
}

export interface UnificallyRun {
	/** Items fed to the node (each one item's json) through a Set Items node; default one empty item. */
	items?: IDataObject[];
	/** Items carrying binary files instead (stored through n8n's binary data service, as a Read Files node's). */
	binaryItems?: BinaryItemSpec[];
	apiKey?: string;
	credentials?: ICredentialDataDecryptedObject;
	/** Continue On Fail (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	binaryDataMode?: RunWorkflowOptions['binaryDataMode'];
	timeoutMs?: number;
	name?: string;
}

/** Start → (Items) → Unifically with `parameters`, run through WorkflowExecute. */
export function unificallyWorkflow(parameters: INodeParameters, run: UnificallyRun = {}) {
	const name = run.name ?? NODE_NAME;
	const nodes: INode[] = [node('Start', MANUAL_TRIGGER)];
	const names = ['Start'];
	if (run.items) {
		nodes.push(node('Items', SET_ITEMS, { itemsJson: JSON.stringify(run.items) }));
		names.push('Items');
	} else if (run.binaryItems) {
		nodes.push(node('Items', BINARY_ITEMS, { itemsJson: JSON.stringify(run.binaryItems) }));
		names.push('Items');
	}
	nodes.push(node(name, UNIFICALLY, parameters, run.continueOnFail ? { onError: 'continueRegularOutput' } : {}));
	names.push(name);
	return { nodes, connections: chain(...names) };
}

export async function runUnifically(
	sim: Simulator,
	parameters: INodeParameters,
	run: UnificallyRun = {},
): Promise<WorkflowRunResult> {
	return await runWorkflow({
		...unificallyWorkflow(parameters, run),
		credentials: credentialsFor(sim, run.apiKey ?? API_KEY, run.credentials),
		binaryDataMode: run.binaryDataMode,
		timeoutMs: run.timeoutMs,
	});
}

/** The `input` object the simulator received for a task (exact keys and JSON types). */
export function receivedInput(sim: Simulator, taskId: unknown): Record<string, unknown> {
	return simTask(sim, taskId).input;
}

/** The simulator's record of a task (its input, model, callback URL, planned output files). */
export function simTask(sim: Simulator, taskId: unknown) {
	expect(typeof taskId).toBe('string');
	const task = sim.tasks.get(taskId as string);
	if (!task) throw new Error(`The simulator has no task ${String(taskId)}`);
	return task;
}

/**
 * Everything an error carries, as one string: message, description, context, cause, own enumerable
 * fields and the stack — to check that no secret leaks anywhere in it.
 */
export function serializeError(error: unknown): string {
	if (error === undefined || error === null) return String(error);
	const seen = new WeakSet<object>();
	const replacer = (_key: string, value: unknown) => {
		if (value instanceof Error) {
			const own: Record<string, unknown> = {};
			for (const key of Object.getOwnPropertyNames(value)) own[key] = (value as unknown as Record<string, unknown>)[key];
			return { name: value.name, message: value.message, stack: value.stack, ...own };
		}
		if (typeof value === 'object' && value !== null) {
			if (seen.has(value)) return '[circular]';
			seen.add(value);
		}
		return value;
	};
	const record = error as Record<string, unknown>;
	return [
		JSON.stringify(error, replacer),
		String(record.message ?? ''),
		String(record.description ?? ''),
		JSON.stringify(record.context ?? {}, replacer),
		String(record.stack ?? ''),
	].join('\n');
}

/** Serialize a whole run (output items, errors, run data) for secret-leak checks. */
export function serializeRun(result: WorkflowRunResult): string {
	return [serializeError(result.error), JSON.stringify(result.runData, (_key, value: unknown) =>
		value instanceof Error ? serializeError(value) : value,
	)].join('\n');
}

export const prompts = (count: number, prefix = 'shot'): IDataObject[] =>
	Array.from({ length: count }, (_, index) => ({ prompt: `${prefix} ${index}` }));
