/**
 * Runs several workflows at the same time, as one n8n process does with concurrent executions.
 *
 * The harness's `runWorkflow` serialises runs (n8n-core's binary data service and its mode are
 * process-wide), so two `runWorkflow` calls never overlap. This runner drives n8n-core's
 * `WorkflowExecute` the same way, without the queue, for workflows that write no binary data: it
 * resolves node types through the harness (`getNodeType`, so the very same node module — and thus the
 * same per-key rate limiter — serves every execution), and applies the package credential's
 * declarative `authenticate` like n8n's server does.
 *
 * Call `runWorkflow` once before (any workflow) so n8n-core's services are initialised.
 */
import { randomUUID } from 'node:crypto';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Credentials } from 'n8n-core';
import { ICredentialsHelper, UnexpectedError, Workflow, isExpression } from 'n8n-workflow';

import { UnificallyApi } from '../../../credentials/UnificallyApi.credentials';
import { getNodeType } from '../harness';

export interface ConcurrentWorkflow {
	nodes: INode[];
	connections: IConnections;
	/** Decrypted credential data by type (only `unificallyApi` is supported). */
	credentials: Record<string, ICredentialDataDecryptedObject>;
}

export interface ConcurrentResult {
	run: IRun;
	status: IRun['status'];
	error?: ExecutionBaseError;
	/** Unix milliseconds the execution started and finished. */
	startedAt: number;
	finishedAt: number;
	outputOf(nodeName: string): INodeExecutionData[];
	errorOf(nodeName: string): ExecutionBaseError | undefined;
}

const nodeTypes: INodeTypes = {
	getByName: (type: string) => getNodeType(type),
	getByNameAndVersion: (type: string, version?: number): INodeType => getNodeType(type, version),
	getKnownTypes: (): IDataObject => ({}),
};

const credentialTypes: Record<string, ICredentialType> = { unificallyApi: new UnificallyApi() };

class CredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
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
		const authenticate = credentialTypes[typeName]?.authenticate;
		if (typeof authenticate === 'object' && authenticate.type === 'generic' && workflow && node) {
			const resolve = (value: string) =>
				isExpression(value)
					? String(
							workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '') ??
								'',
						)
					: value;
			const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			for (const [where, entries] of Object.entries(authenticate.properties)) {
				const bag = (target[where] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) bag[resolve(key)] = resolve(value);
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(details: { id: string | null; name: string }, type: string) {
		return new Credentials(details, type, '');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _details: unknown, type: string) {
		const data = this.data[type];
		if (!data) throw new UnexpectedError(`No credentials of type "${type}" given`);
		return structuredClone(data);
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string) {
		return credentialTypes[type]?.properties ?? [];
	}
}

async function runOne(definition: ConcurrentWorkflow, timeoutMs: number): Promise<ConcurrentResult> {
	const executionId = randomUUID();
	const workflowId = `concurrent-${executionId}`;
	const nodes = definition.nodes.map((node) => {
		const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
		const credentials = { ...(node.credentials ?? {}) };
		for (const { name } of declared) {
			if (definition.credentials[name]) credentials[name] = { id: `test-${name}`, name };
		}
		return { ...node, credentials };
	});
	const workflow = new Workflow({
		id: workflowId,
		name: 'Concurrent test workflow',
		nodes,
		connections: definition.connections,
		active: false,
		nodeTypes,
	});
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'Concurrent test workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: definition.connections,
	};
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	const base = 'http://127.0.0.1:5678';
	const notAvailable = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available here`);
	};
	const additionalData = {
		hooks,
		credentialsHelper: new CredentialsHelper(definition.credentials),
		executionId,
		workflowId,
		userId: 'concurrent-user',
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
		startRunnerTask: notAvailable('The task runner'),
	} as unknown as IWorkflowExecuteAdditionalData;

	const startedAt = Date.now();
	let reportFinished: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (reportFinished = resolve));
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => reportFinished(fullRunData));
	const execution = new WorkflowExecute(additionalData, 'manual').run({ workflow });
	// As in the harness: a cancelled execution never settles its promise, it reports through the hook.
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
	const runData = run.data.resultData.runData;
	const last = (nodeName: string) => {
		const tasks = runData[nodeName];
		if (!tasks?.length) throw new UnexpectedError(`Node "${nodeName}" did not run (status ${run.status})`);
		return tasks[tasks.length - 1];
	};
	return {
		run,
		status: run.status,
		error: run.data.resultData.error,
		startedAt,
		finishedAt,
		outputOf: (nodeName) => last(nodeName).data?.main?.[0] ?? [],
		errorOf: (nodeName) => last(nodeName).error,
	};
}

/**
 * Starts every workflow at once and waits for all of them. An execution still running after
 * `timeoutMs` (default 45 s) is cancelled: its status is then `canceled`.
 */
export async function runConcurrently(
	workflows: ConcurrentWorkflow[],
	{ timeoutMs = 45_000 }: { timeoutMs?: number } = {},
): Promise<ConcurrentResult[]> {
	return await Promise.all(workflows.map(async (definition) => await runOne(definition, timeoutMs)));
}
