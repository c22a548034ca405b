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
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

// n8n reads its configuration from the environment when its services are first
// built, so point it at a throw-away user folder (it writes `.n8n/config` with an
// encryption key there) before anything from n8n-core is instantiated.
// Forced, not defaulted: a real n8n's folder (say, one an e2e suite set up) must
// never be touched, nor its encryption key mismatched.
const HARNESS_ROOT = mkdtempSync(path.join(tmpdir(), 'n8n-unifically-harness-'));
process.env.N8N_USER_FOLDER = path.join(HARNESS_ROOT, 'user');
process.env.N8N_ENCRYPTION_KEY = 'n8n-nodes-unifically-test-encryption-key';
process.env.N8N_LOG_LEVEL ??= 'silent'; // N8N_LOG_LEVEL=debug shows the engine's logs
process.env.N8N_DIAGNOSTICS_ENABLED = 'false';
const removeHarnessRoot = () => rmSync(HARNESS_ROOT, { recursive: true, force: true });
// Under Jest (one module registry, hence one harness, per test file) clean up after
// the file; elsewhere, when the process exits.
if (typeof afterAll === 'function') afterAll(removeHarnessRoot);
else process.on('exit', removeHarnessRoot);

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ExecutionBaseError,
	ExecutionStatus,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsHelper as CredentialsHelperContract,
	IConnections,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IPinData,
	IRequestOptionsSimplified,
	IRun,
	IRunData,
	ITaskData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	isExpression,
} from 'n8n-workflow';

import { ManualTrigger } from './nodes/ManualTrigger.node.cjs';
import { SetItems } from './nodes/SetItems.node.cjs';

const PACKAGE_NAME = 'n8n-nodes-unifically';
const REPO_ROOT = path.resolve(__dirname, '..');

export type BinaryDataMode = 'default' | 'filesystem';

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
// Node types

type NodeTypeFactory = () => INodeType | IVersionedNodeType;

/** Loads a class exported from a source file of this package (lazily: it may not exist yet). */
function fromSource(relativePath: string, className: string): NodeTypeFactory {
	let instance: INodeType | IVersionedNodeType | undefined;
	return () => {
		if (!instance) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(path.join(REPO_ROOT, relativePath)) as Record<string, new () => INodeType>;
			const NodeClass = exported[className];
			if (typeof NodeClass !== 'function') {
				throw new UnexpectedError(`${relativePath} does not export class ${className}`);
			}
			instance = new NodeClass();
		}
		return instance;
	};
}

const manualTrigger = new ManualTrigger();
const setItems = new SetItems();
const BUILT_IN_NODE_TYPES: ReadonlyMap<string, NodeTypeFactory> = new Map<string, NodeTypeFactory>([
	['n8n-nodes-base.manualTrigger', () => manualTrigger],
	['test.items', () => setItems],
	[`${PACKAGE_NAME}.unifically`, fromSource('nodes/Unifically/Unifically.node', 'Unifically')],
	[
		`${PACKAGE_NAME}.unificallyTrigger`,
		fromSource('nodes/UnificallyTrigger/UnificallyTrigger.node', 'UnificallyTrigger'),
	],
]);

export class HarnessNodeTypes implements INodeTypes {
	private readonly factories = new Map(BUILT_IN_NODE_TYPES);

	constructor(extra: Record<string, INodeType | IVersionedNodeType> = {}) {
		for (const [name, type] of Object.entries(extra)) this.factories.set(name, () => type);
	}

	/** Accepts `<package>.<name>` as well as the bare `<name>` for this package's nodes. */
	private resolve(type: string): NodeTypeFactory | undefined {
		return this.factories.get(type) ?? this.factories.get(`${PACKAGE_NAME}.${type}`);
	}

	has(type: string) {
		return this.resolve(type) !== undefined;
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		const factory = this.resolve(type);
		if (!factory) {
			throw new UnexpectedError(`Unknown node type "${type}" (known: ${[...this.factories.keys()].join(', ')})`);
		}
		return factory();
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.factories.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}
}

/**
 * The node type `runWorkflow` would use for `type` (the package's own nodes by
 * `n8n-nodes-unifically.<name>` or bare `<name>`, the test stand-ins, or `extra`).
 */
export function getNodeType(
	type: string,
	version?: number,
	extra?: Record<string, INodeType | IVersionedNodeType>,
): INodeType {
	return new HarnessNodeTypes(extra).getByNameAndVersion(type, version);
}

// ---------------------------------------------------------------------------
// Credentials

const BUILT_IN_CREDENTIAL_TYPES: ReadonlyMap<string, () => ICredentialType> = new Map([
	['unificallyApi', fromSource('credentials/UnificallyApi.credentials', 'UnificallyApi') as unknown as () => ICredentialType],
]);

/**
 * Just enough of n8n's credentials helper for nodes run in tests: credential data
 * comes decrypted from the test, and `authenticate` applies the credential type's
 * `authenticate` (a function, or the declarative `generic` kind whose values are
 * expressions over `$credentials`), as n8n's server does.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map(BUILT_IN_CREDENTIAL_TYPES);

	constructor(
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
		extraTypes: ICredentialType[] = [],
	) {
		super();
		for (const type of extraTypes) this.types.set(type.name, () => type);
	}

	private type(name: string): ICredentialType {
		const factory = this.types.get(name);
		if (!factory) throw new UnexpectedError(`Unknown credential type "${name}"`);
		return factory();
	}

	getParentTypes(name: string): string[] {
		if (!this.types.has(name)) return [];
		const parents = this.type(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError('Declarative credential authentication needs the workflow and the node');
			}
			const resolve = (value: string) => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			for (const [where, entries] of Object.entries(authenticate.properties)) {
				const bag = (target[where] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					bag[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		return new Credentials(nodeCredentials, type, '');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) {
			throw new UnexpectedError(`The test gave no credentials of type "${type}" to runWorkflow()`);
		}
		return structuredClone(data);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

/**
 * Nodes read credentials only if the workflow node references them
 * (`node.credentials[type]`), as in the editor. Fill in that reference for any
 * credential type the node type declares and the test provides.
 */
export function attachCredentials(nodes: INode[], nodeTypes: HarnessNodeTypes, data: Record<string, unknown>) {
	return nodes.map((node) => {
		if (!nodeTypes.has(node.type)) return node;
		const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
		const credentials = { ...(node.credentials ?? {}) };
		for (const { name } of declared) {
			if (data[name] !== undefined && !credentials[name]) credentials[name] = { id: `test-${name}`, name };
		}
		return Object.keys(credentials).length > 0 ? { ...node, credentials } : node;
	});
}

// ---------------------------------------------------------------------------
// Binary data

const BINARY_STORE = path.join(HARNESS_ROOT, 'binary-data');

/**
 * n8n-core's BinaryDataService is a container singleton. One store directory is
 * used for the whole process (files are namespaced by workflow and execution id),
 * so results of earlier runs stay readable after the mode is switched.
 */
export async function useBinaryDataMode(mode: BinaryDataMode) {
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.availableModes = ['default', 'filesystem'];
	config.localStoragePath = BINARY_STORE;
	mkdirSync(BINARY_STORE, { recursive: true });
	const service = Container.get(BinaryDataService);
	await service.init();
	return service;
}

function binaryDataOf(item: INodeExecutionData, prop: string): IBinaryData {
	const binary = item.binary?.[prop];
	if (!binary) {
		const available = Object.keys(item.binary ?? {}).join(', ') || 'none';
		throw new UnexpectedError(`Item has no binary property "${prop}" (available: ${available})`);
	}
	return binary;
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

// ---------------------------------------------------------------------------
// Small builders for workflow JSON in tests

let nodeCounter = 0;

/** A workflow node with sensible defaults (id, version 1, position). */
export function node(
	name: string,
	type: string,
	parameters: INode['parameters'] = {},
	extra: Partial<INode> = {},
): INode {
	nodeCounter += 1;
	return {
		id: `node-${nodeCounter}`,
		name,
		type,
		typeVersion: 1,
		position: [nodeCounter * 200, 0],
		parameters,
		...extra,
	};
}

/** `chain('A', 'B', 'C')` → main connections A → B → C. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}

export const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
export const SET_ITEMS = 'test.items';
export const UNIFICALLY = `${PACKAGE_NAME}.unifically`;
export const UNIFICALLY_TRIGGER = `${PACKAGE_NAME}.unificallyTrigger`;
