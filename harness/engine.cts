/**
 * In-process workflow runner for tests: executes real n8n workflows (nodes +
 * connections, as in an exported workflow JSON) through n8n-core's
 * `WorkflowExecute`, the same engine n8n itself runs.
 *
 * What is real: the execution engine and its node contexts (`this.helpers.*`,
 * parameters and expressions, pairedItem handling, `onError`/continueOnFail),
 * `httpRequestWithAuthentication` (real HTTP through n8n's outbound client, with
 * the credential's `authenticate` applied), and binary data (n8n-core's
 * `BinaryDataService`, inline/base64 in `default` mode or on disk in `filesystem`
 * mode).
 * What is stubbed: everything that needs an n8n server (database, credential
 * store, sub-workflows, task runners): credentials come decrypted from the test.
 *
 *   const result = await runWorkflow({
 *     nodes: [trigger, node], connections,
 *     credentials: { unificallyApi: { apiKey: 'k', baseUrl: 'http://127.0.0.1:1234', requestsPerSecond: 0 } },
 *   });
 *   expect(result.status).toBe('success');
 *   const [item] = result.outputOf('Unifically');
 *   const bytes = result.binaryOf(item, 'data');
 *
 * Runs take turns (see `runWorkflow`); `runConcurrently` runs several at the same time.
 *
 * This file runs workflows; its parts are in harness/engine/: the environment set before n8n-core
 * is built (environment.cts), the node types (nodeTypes.cts), credentials (credentials.cts), binary
 * data (binaryData.cts) and workflow builders (builders.cts). Everything is exported from here.
 */
// First: the environment n8n-core reads when its services are built.
import './engine/environment.cjs';

import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';

import { BinaryDataService, ExecutionLifecycleHooks, LoadOptionsContext, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsHelper as CredentialsHelperContract,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	IPinData,
	IRun,
	IRunData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { UnexpectedError, Workflow } from 'n8n-workflow';

import { useBinaryDataMode, binaryDataOf, type BinaryDataMode } from './engine/binaryData.cjs';
import { HarnessCredentialsHelper, attachCredentials } from './engine/credentials.cjs';
import { HarnessNodeTypes, UNIFICALLY } from './engine/nodeTypes.cjs';
import { node as buildNode } from './engine/builders.cjs';

export * from './engine/binaryData.cjs';
export * from './engine/builders.cjs';
export * from './engine/credentials.cjs';
export * from './engine/nodeTypes.cjs';

/** The parts of an exported n8n workflow JSON the harness uses. */
export interface WorkflowDefinition {
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	pinData?: IPinData;
	staticData?: IDataObject;
}

export interface RunWorkflowOptions {
	/** A workflow JSON object; or give `nodes` and `connections` directly. */
	workflow?: WorkflowDefinition;
	nodes?: INode[];
	connections?: IConnections;
	/** Decrypted credential data by credential type name, e.g. `{ unificallyApi: {...} }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Extra node types by type name (as used in `node.type`); they win over the built-in ones. */
	nodeTypes?: Record<string, INodeType | IVersionedNodeType>;
	/** Extra credential types; they win over the package's own (`unificallyApi`). */
	credentialTypes?: ICredentialType[];
	/** `default`: binary kept inline (base64). `filesystem`: written to a temp dir. Default `default`. */
	binaryDataMode?: BinaryDataMode;
	/** Execution mode. `manual` (default) fires trigger nodes' manual trigger function. */
	mode?: WorkflowExecuteMode;
	/** Name of the node to start from (default: n8n's pick, i.e. the trigger). */
	startNode?: string;
	/** Stop after this node (a partial run: only it and its parents execute). */
	destinationNode?: string;
	/** Pinned output by node name (those nodes are not executed). */
	pinData?: IPinData;
	/** Cancel the execution after this long (default 45 s, under Jest's 60 s); the result then has status `canceled`. */
	timeoutMs?: number;
}

export interface WorkflowRunResult {
	status: ExecutionStatus;
	/** The execution error (a node error that stopped the workflow), if any. */
	error?: ExecutionBaseError;
	run: IRun;
	runData: IRunData;
	executionId: string;
	/** Node names in the order they finished. */
	executionOrder: string[];
	/** Unix milliseconds the execution started and finished (or was cancelled). */
	startedAt: number;
	finishedAt: number;
	binaryDataMode: BinaryDataMode;
	/** Items a node emitted on `outputIndex` (default 0) in its last run (or `runIndex`). */
	outputOf(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The task data of a node's last run (or `runIndex`); throws if the node did not run. */
	taskOf(nodeName: string, runIndex?: number): ITaskData;
	/** The error a node's last run ended with, if any (also set when the node continued on fail). */
	errorOf(nodeName: string, runIndex?: number): ExecutionBaseError | undefined;
	/** The bytes of `item.binary[prop]`, from memory or from the filesystem store. */
	binaryOf(item: INodeExecutionData, prop?: string): Buffer;
	/** Path of `item.binary[prop]` on disk (filesystem mode only). */
	binaryPathOf(item: INodeExecutionData, prop?: string): string;
	/** Delete the binary files this execution wrote (filesystem mode). */
	cleanup(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Running

export const WORKFLOW_ID = 'harness-workflow';

/**
 * Runs take turns: the binary data service and its mode are process-wide. A batch of
 * concurrent runs (`runConcurrently`) takes one turn, in one mode.
 */
let queue: Promise<unknown> = Promise.resolve();

async function takeTurn<T>(work: () => Promise<T>): Promise<T> {
	const turn = queue.then(work);
	queue = turn.catch(() => undefined);
	return await turn;
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	return await takeTurn(async () => {
		const binaryDataService = await useBinaryDataMode(options.binaryDataMode ?? 'default');
		return await execute(options, binaryDataService);
	});
}

/**
 * Runs several workflows at the same time, as one n8n process does with concurrent executions:
 * they share this process's node modules (so, say, the node's per-key rate limiter). They must
 * use one binary data mode. `timeoutMs` applies to each workflow that sets none of its own.
 */
export async function runConcurrently(
	workflows: RunWorkflowOptions[],
	{ timeoutMs }: { timeoutMs?: number } = {},
): Promise<WorkflowRunResult[]> {
	const modes = [...new Set(workflows.map((options) => options.binaryDataMode ?? 'default'))];
	if (modes.length > 1) {
		throw new UnexpectedError(`Concurrent runs share one binary data mode (given: ${modes.join(', ')})`);
	}
	return await takeTurn(async () => {
		const binaryDataService = await useBinaryDataMode(modes[0] ?? 'default');
		return await Promise.all(
			workflows.map(
				async (options) =>
					await execute({ ...options, timeoutMs: options.timeoutMs ?? timeoutMs }, binaryDataService),
			),
		);
	});
}

async function execute(
	options: RunWorkflowOptions,
	binaryDataService: BinaryDataService,
): Promise<WorkflowRunResult> {
	const definition: WorkflowDefinition = options.workflow ?? {
		nodes: options.nodes ?? [],
		connections: options.connections ?? {},
	};
	const mode = options.mode ?? 'manual';
	const binaryDataMode = options.binaryDataMode ?? 'default';
	const credentials = options.credentials ?? {};
	const executionId = randomUUID();

	const nodeTypes = new HarnessNodeTypes(options.nodeTypes);
	const credentialsHelper = new HarnessCredentialsHelper(credentials, options.credentialTypes);
	const nodes = attachCredentials(definition.nodes, nodeTypes, credentials);

	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: definition.name ?? 'Test workflow',
		nodes,
		connections: definition.connections,
		active: false,
		nodeTypes,
		settings: definition.settings,
		staticData: definition.staticData,
		pinData: options.pinData ?? definition.pinData,
	});

	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: workflow.name ?? 'Test workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: definition.connections,
		settings: definition.settings,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const executionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executionOrder.push(nodeName);
	});
	let reportFinished: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (reportFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => reportFinished(fullRunData));

	const additionalData = buildAdditionalData({ hooks, credentialsHelper, executionId });

	const startNode = options.startNode ? workflow.getNode(options.startNode) : undefined;
	if (options.startNode && !startNode) {
		throw new UnexpectedError(`No node named "${options.startNode}" to start from`);
	}
	const startedAt = Date.now();
	const execution = new WorkflowExecute(additionalData, mode).run({
		workflow,
		startNode: startNode ?? undefined,
		destinationNode: options.destinationNode
			? { nodeName: options.destinationNode, mode: 'inclusive' }
			: undefined,
		pinData: options.pinData ?? definition.pinData,
	});

	// On cancel, n8n's engine never settles the run promise; it reports the run
	// (status `canceled`) through the `workflowExecuteAfter` hook instead.
	const timeoutMs = options.timeoutMs ?? 45_000;
	let timer: NodeJS.Timeout | undefined;
	const cancelled = new Promise<IRun>((resolve) => {
		timer = setTimeout(() => {
			execution.cancel();
			void finished.then(resolve);
		}, timeoutMs);
	});
	let run: IRun;
	try {
		run = await Promise.race([execution, cancelled]);
	} finally {
		clearTimeout(timer);
	}
	const finishedAt = Date.now();

	return buildResult(run, { executionId, executionOrder, startedAt, finishedAt, binaryDataMode, binaryDataService });
}

export interface SearchListOptions {
	/** The node's parameters as the editor sends them (its current values, defaults filled). */
	parameters: INodeParameters;
	/** The `methods.listSearch` method a resource locator names (`searchListMethod`). */
	method: string;
	filter?: string;
	paginationToken?: string;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The parameter's path, as the editor sends it (default `parameters.<method>`). */
	path?: string;
	/** The node type (default the Unifically node). */
	type?: string;
}

/**
 * A resource locator's "From List" call, as n8n's server makes it (DynamicNodeParametersService
 * `getResourceLocatorResults`): a node with the editor's current parameters in a one-node workflow,
 * n8n-core's real LoadOptionsContext (credentials, `httpRequestWithAuthentication`,
 * `getCurrentNodeParameter`), then the node type's listSearch method.
 */
export async function searchList(options: SearchListOptions): Promise<INodeListSearchResult> {
	const type = options.type ?? UNIFICALLY;
	const nodeTypes = new HarnessNodeTypes();
	const credentialsHelper = new HarnessCredentialsHelper(options.credentials);
	const [listNode] = attachCredentials([buildNode('Temp-Node', type, options.parameters)], nodeTypes, options.credentials);
	const workflow = new Workflow({ id: WORKFLOW_ID, nodes: [listNode], connections: {}, active: false, nodeTypes });
	const executionId = randomUUID();
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'List search',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [listNode],
		connections: {},
	};
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const additionalData = buildAdditionalData({ hooks, credentialsHelper, executionId });
	additionalData.currentNodeParameters = options.parameters;
	const context = new LoadOptionsContext(workflow, listNode, additionalData, options.path ?? `parameters.${options.method}`);
	const method = nodeTypes.getByNameAndVersion(type, listNode.typeVersion).methods?.listSearch?.[options.method];
	if (!method) throw new UnexpectedError(`The node has no listSearch method "${options.method}"`);
	return await method.call(context, options.filter, options.paginationToken);
}

export function buildAdditionalData({
	hooks,
	credentialsHelper,
	executionId,
}: {
	hooks: ExecutionLifecycleHooks;
	credentialsHelper: CredentialsHelperContract;
	executionId: string;
}): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the test harness`);
	};
	const base = 'http://127.0.0.1:5678';
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		hooks,
		credentialsHelper,
		executionId,
		workflowId: WORKFLOW_ID,
		userId: 'harness-user',
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${base}/rest`,
		instanceBaseUrl: `${base}/`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
		executeWorkflow: notAvailable('Executing sub-workflows'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notAvailable('The task runner (Code node)'),
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}

function buildResult(
	run: IRun,
	context: {
		executionId: string;
		executionOrder: string[];
		startedAt: number;
		finishedAt: number;
		binaryDataMode: BinaryDataMode;
		binaryDataService: BinaryDataService;
	},
): WorkflowRunResult {
	const runData = run.data.resultData.runData;
	const taskOf = (nodeName: string, runIndex?: number) => {
		const tasks = runData[nodeName];
		if (!tasks?.length) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const error = run.data.resultData.error;
			throw new UnexpectedError(
				`Node "${nodeName}" did not run (nodes that ran: ${ran}; workflow status: ${run.status}${error ? `, error: ${error.message}` : ''})`,
			);
		}
		const task = tasks[runIndex ?? tasks.length - 1];
		if (!task) throw new UnexpectedError(`Node "${nodeName}" has no run #${runIndex}`);
		return task;
	};
	const { binaryDataService } = context;
	return {
		status: run.status,
		error: run.data.resultData.error,
		run,
		runData,
		executionId: context.executionId,
		executionOrder: context.executionOrder,
		startedAt: context.startedAt,
		finishedAt: context.finishedAt,
		binaryDataMode: context.binaryDataMode,
		taskOf,
		outputOf: (nodeName, outputIndex = 0, runIndex) =>
			taskOf(nodeName, runIndex).data?.main?.[outputIndex] ?? [],
		errorOf: (nodeName, runIndex) => taskOf(nodeName, runIndex).error,
		binaryPathOf: (item, prop = 'data') => {
			const binary = binaryDataOf(item, prop);
			if (!binary.id) throw new UnexpectedError(`Binary property "${prop}" is held in memory, not on disk`);
			return binaryDataService.getPath(binary.id);
		},
		binaryOf: (item, prop = 'data') => {
			const binary = binaryDataOf(item, prop);
			if (binary.id) return readFileSync(binaryDataService.getPath(binary.id));
			return Buffer.from(binary.data, 'base64');
		},
		cleanup: async () => {
			// By id, not by execution location: the service only deletes by location in
			// the mode it is currently in, which a later run may have changed.
			const ids = new Set<string>();
			for (const tasks of Object.values(runData)) {
				for (const task of tasks) {
					for (const output of Object.values(task.data ?? {})) {
						for (const items of output) {
							for (const item of items ?? []) {
								for (const binary of Object.values(item.binary ?? {})) if (binary.id) ids.add(binary.id);
							}
						}
					}
				}
			}
			await binaryDataService.deleteManyByBinaryDataId([...ids]);
		},
	};
}
