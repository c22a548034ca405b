/**
 * One n8n instance, run headless against this package installed from its `npm pack` tarball the
 * way a user gets it: a fresh user folder, n8n's CLI on it (import, publish, execute), `n8n start`
 * (an `N8nProcess`), its database read directly, its REST API as the owner. What differs between
 * n8n versions in driving n8n (CLI commands) is handled here, never in the tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { executionRows, readStoredBinary, webhookRows } from './database.cjs';
import { n8nInstalled } from './install.cjs';
import { DEMO_BASE_URL, EXAMPLE_CREDENTIAL, N8N_DIR, N8N_VERSION, installedN8nVersion, n8nDir, pathWithNode24 } from './paths.cjs';
import { N8nProcess, StopWaiting, freePort, run, runOrThrow, tail, waitFor, type RunResult } from './process.cjs';
import { executionError, parseExecuteOutput, type BinaryMeta, type ExecuteResult, type ExecutionRecord, type NodeTypeInfo, type WebhookRecord } from './runData.cjs';
import { mapStrings, randomId, type CredentialInput, type UnificallyCredentialInput, type WorkflowJson } from './workflows.cjs';

const KEEP = process.env.E2E_KEEP === '1';

// ---------------------------------------------------------------------------------------------
// One n8n instance: a user folder, and `n8n start` / CLI commands on it

export interface N8nOptions {
	/**
	 * The n8n version to run, from its own cache folder (installed by `ensureN8n(version)`). Default:
	 * the n8n in N8N_DIR (.cache/n8n, or N8N_CACHE_DIR), whatever version it holds.
	 */
	version?: string;
	/** Tarball to install into <user>/.n8n/nodes (see `packPackage`); omit to install nothing. */
	tarball?: string;
	/** Extra environment for every n8n command (overrides the defaults below). */
	env?: Record<string, string | undefined>;
	/** Port for `n8n start` (default: a free one). */
	port?: number;
	/** Prefix of the temp folder's name. */
	name?: string;
}

export const OWNER = {
	email: 'e2e-owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

let instances = new Set<N8n>();

export class N8n {
	/** The n8n version this instance runs, and its install. */
	readonly version: string;
	readonly major: number;
	readonly bin: string;
	readonly installDir: string;
	readonly root: string;
	/** N8N_USER_FOLDER; n8n keeps its data in `<userFolder>/.n8n`. */
	readonly userFolder: string;
	readonly n8nFolder: string;
	/** Where n8n loads community packages from: `<userFolder>/.n8n/nodes`. */
	readonly nodesFolder: string;
	/**
	 * n8n's working directory. File nodes may write only below it (N8N_RESTRICT_FILE_ACCESS_TO), so
	 * a relative path like the examples' `unifically-results/<task_id>.png` lands in `<root>/…`.
	 */
	readonly workDir: string;
	readonly port: number;
	readonly baseUrl: string;
	/** The `n8n start` process (its log spans every start of this instance). */
	readonly server: N8nProcess;
	private readonly extraEnv: Record<string, string | undefined>;
	private cookie?: string;

	private constructor(root: string, port: number, extraEnv: Record<string, string | undefined>, version: string, installDir: string) {
		this.version = version;
		this.major = Number(version.split('.')[0]);
		this.installDir = installDir;
		this.bin = path.join(installDir, 'node_modules/.bin/n8n');
		this.root = root;
		this.userFolder = path.join(root, 'user');
		this.n8nFolder = path.join(this.userFolder, '.n8n');
		this.nodesFolder = path.join(this.n8nFolder, 'nodes');
		this.port = port;
		this.baseUrl = `http://127.0.0.1:${port}`;
		this.extraEnv = extraEnv;
		this.workDir = root;
		fs.mkdirSync(this.nodesFolder, { recursive: true });
		fs.mkdirSync(path.join(root, 'unifically-results'), { recursive: true });
		this.server = new N8nProcess('n8n', this.bin, ['start'], this.workDir, `${this.baseUrl}/healthz/readiness`, () => this.env());
	}

	/** A fresh user folder in a temp dir, with the tarball (if given) installed as a community package. */
	static async create(options: N8nOptions = {}): Promise<N8n> {
		const dir = options.version ? n8nDir(options.version) : N8N_DIR;
		const version = options.version ?? installedN8nVersion(dir) ?? N8N_VERSION;
		if (!n8nInstalled(version, dir)) {
			throw new Error(`n8n ${version} is not installed in ${dir}: run scripts/ensure-n8n.sh ${version} (or call ensureN8n('${version}')) first`);
		}
		const root = fs.mkdtempSync(path.join(os.tmpdir(), `${options.name ?? 'unifically-e2e'}-`));
		const instance = new N8n(root, options.port ?? (await freePort()), options.env ?? {}, version, dir);
		instances.add(instance);
		if (options.tarball) await instance.installTarball(options.tarball);
		return instance;
	}

	/** The environment every n8n command of this instance runs with. */
	env(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
		// Nothing from the caller's N8N_*/DB_* variables leaks in: each instance is hermetic.
		// NODE_ENV=test (set by Jest) makes n8n print nothing at all, `n8n execute`'s result included.
		const inherited = Object.fromEntries(
			Object.entries(process.env).filter(
				([key]) => !/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_ENV$|NODE_OPTIONS$|E2E_TESTS$)/.test(key),
			),
		);
		const env: NodeJS.ProcessEnv = {
			...inherited,
			PATH: pathWithNode24(),
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `${this.baseUrl}/`,
			N8N_WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_SECURE_COOKIE: 'false',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// The MCP registry module (n8n 2.x) fetches a list from the internet at start: there is none
			// here. n8n 1.x has no such module and refuses to start when an unknown one is named.
			N8N_DISABLED_MODULES: this.hasModule('mcp-registry') ? 'mcp-registry' : undefined,
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_RUNNERS_TASK_TIMEOUT: '300',
			N8N_RESTRICT_FILE_ACCESS_TO: this.workDir,
			DB_TYPE: 'sqlite',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			...this.extraEnv,
			...overrides,
		};
		for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
		return env;
	}

	/** Whether this n8n version has a backend module of that name (`N8N_DISABLED_MODULES` must name only those). */
	private hasModule(name: string): boolean {
		return fs.existsSync(path.join(this.installDir, 'node_modules/n8n/dist/modules', name));
	}

	/** Install a package tarball the way a user does: production dependencies only, no peers. */
	async installTarball(tarball: string): Promise<void> {
		const packageJson = path.join(this.nodesFolder, 'package.json');
		if (!fs.existsSync(packageJson)) {
			fs.writeFileSync(packageJson, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
		}
		await runOrThrow(
			'npm',
			['install', '--omit=dev', '--omit=peer', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', tarball],
			{ cwd: this.nodesFolder, timeoutMs: 5 * 60_000, env: { ...process.env, PATH: pathWithNode24() } },
		);
	}

	/** Top-level packages in <user>/.n8n/nodes/node_modules (scoped ones as "@scope/name"). */
	installedModules(): string[] {
		const dir = path.join(this.nodesFolder, 'node_modules');
		if (!fs.existsSync(dir)) return [];
		const names: string[] = [];
		for (const entry of fs.readdirSync(dir)) {
			if (entry.startsWith('.')) continue;
			if (entry.startsWith('@')) for (const sub of fs.readdirSync(path.join(dir, entry))) names.push(`${entry}/${sub}`);
			else names.push(entry);
		}
		return names.sort();
	}

	/** Run an n8n CLI command (`import:workflow`, `execute` …) on this user folder. */
	async cli(args: string[], { timeoutMs = 180_000, env = {} }: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<RunResult> {
		// A CLI command starts its own task broker: give it a port of its own (the server may be running).
		return run(this.bin, args, {
			cwd: this.workDir,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env }),
			timeoutMs,
		});
	}

	private async cliOrThrow(args: string[], timeoutMs?: number): Promise<RunResult> {
		const result = await this.cli(args, { timeoutMs });
		if (result.code !== 0) {
			throw new Error(`n8n ${args.join(' ')} failed (exit ${result.code}):\n${tail(result.stdout + '\n' + result.stderr, 4000)}`);
		}
		return result;
	}

	private writeTemp(name: string, value: unknown): string {
		const dir = path.join(this.root, 'import');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, `${Date.now()}-${Math.random().toString(36).slice(2, 8)}-${name}.json`);
		fs.writeFileSync(file, JSON.stringify(value, null, 2));
		return file;
	}

	/** `n8n import:credentials` (data given in clear; n8n encrypts it). */
	async importCredentials(credentials: CredentialInput[]): Promise<void> {
		await this.cliOrThrow(['import:credentials', `--input=${this.writeTemp('credentials', credentials)}`]);
	}

	/** A `unificallyApi` credential (default: the examples' id and name "Unifically (simulator)"). */
	async importUnificallyCredential(input: UnificallyCredentialInput): Promise<{ id: string; name: string }> {
		const id = input.id ?? EXAMPLE_CREDENTIAL.id;
		const name = input.name ?? EXAMPLE_CREDENTIAL.name;
		await this.importCredentials([
			{
				id,
				name,
				type: 'unificallyApi',
				data: {
					apiKey: input.apiKey ?? 'sim-e2e-key',
					baseUrl: input.baseUrl,
					// The simulator is also Unifically's storage (PUT /upload).
					uploadUrl: input.uploadUrl ?? `${input.baseUrl.replace(/\/+$/, '')}/upload`,
					requestsPerSecond: input.requestsPerSecond ?? 10,
				},
			},
		]);
		return { id, name };
	}

	/**
	 * `n8n import:workflow`; returns the workflow id (the JSON's, or a generated one). URLs written
	 * for the demo instance (http://localhost:5678) are rewritten to this instance's base URL.
	 */
	async importWorkflow(workflow: WorkflowJson, { id, rewriteUrls = true }: { id?: string; rewriteUrls?: boolean } = {}): Promise<string> {
		let copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
		if (rewriteUrls) copy = mapStrings(copy, (text) => text.split(DEMO_BASE_URL).join(this.baseUrl));
		copy.id = id ?? copy.id ?? randomId();
		copy.active = false;
		await this.cliOrThrow(['import:workflow', `--input=${this.writeTemp('workflow', [copy])}`]);
		return copy.id;
	}

	/** Several workflows with one `n8n import:workflow` (one CLI start instead of one each); returns their ids. */
	async importWorkflows(workflows: WorkflowJson[], { rewriteUrls = true }: { rewriteUrls?: boolean } = {}): Promise<string[]> {
		const copies = workflows.map((workflow) => {
			let copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
			if (rewriteUrls) copy = mapStrings(copy, (text) => text.split(DEMO_BASE_URL).join(this.baseUrl));
			copy.id = copy.id ?? randomId();
			copy.active = false;
			return copy;
		});
		await this.cliOrThrow(['import:workflow', `--input=${this.writeTemp('workflows', copies)}`]);
		return copies.map((copy) => copy.id!);
	}

	/**
	 * Publish (activate) a workflow on the running server, as the editor's Publish (2.x) / Active (1.x)
	 * switch does: `POST /rest/workflows/:id/activate` with its current versionId — the same route on
	 * n8n 1.123.x and 2.x. Its webhooks register at once (no restart, no CLI start).
	 */
	async activateWorkflow(id: string): Promise<void> {
		const { data } = await this.rest<{ data: { versionId: string } }>('GET', `/rest/workflows/${id}`);
		await this.rest('POST', `/rest/workflows/${id}/activate`, { versionId: data.versionId });
	}

	/**
	 * Publish (activate) a workflow: `n8n publish:workflow --id` on 2.x, `n8n update:workflow --id
	 * --active=true` on 1.x (which has no publish command). Takes effect at the next `start`.
	 */
	async publishWorkflow(id: string): Promise<void> {
		await this.cliOrThrow(this.major >= 2 ? ['publish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=true']);
	}

	async unpublishWorkflow(id: string): Promise<void> {
		await this.cliOrThrow(this.major >= 2 ? ['unpublish:workflow', `--id=${id}`] : ['update:workflow', `--id=${id}`, '--active=false']);
	}

	/**
	 * The credential test n8n runs when a credential is saved in the editor (`POST
	 * /rest/credentials/test`, needs a running server); `{ status: 'OK' | 'Error', message }`.
	 */
	async testCredential(credential: CredentialInput & { id: string }): Promise<{ status: string; message: string }> {
		const { data } = await this.rest<{ data: { status: string; message: string } }>('POST', '/rest/credentials/test', { credentials: credential });
		return data;
	}

	/** `n8n execute --id … --rawOutput`: runs the workflow from its manual trigger, parsed result. */
	async execute(id: string, { timeoutMs = 180_000 }: { timeoutMs?: number } = {}): Promise<ExecuteResult> {
		const result = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
		const runData = parseExecuteOutput(result.stdout);
		let error = runData ? executionError(runData) : undefined;
		if (!runData && result.code !== 0) {
			const lines = (result.stdout + '\n' + result.stderr).split('\n').filter((line) => line.trim());
			error = { message: lines.slice(-3).join('\n') || `n8n execute exited with ${result.code}` };
		}
		return { ...result, run: runData, error, ok: result.code === 0 && !!runData && !error };
	}

	// --- the server ----------------------------------------------------------------------------

	get running(): boolean {
		return this.server.running;
	}

	/** Everything `n8n start` printed (this and previous starts of this instance). */
	logs(): string {
		return this.server.log;
	}

	/** `n8n start` on this instance's port; resolves when /healthz/readiness answers ok. */
	async start({ timeoutMs = 180_000 }: { timeoutMs?: number } = {}): Promise<void> {
		if (this.running) throw new Error('n8n is already running');
		// The server's task broker gets a port of its own at each start (CLI commands run beside it).
		await this.server.start({ timeoutMs, env: { N8N_RUNNERS_BROKER_PORT: String(await freePort()) } });
	}

	/** SIGTERM (graceful: n8n finishes/parks running executions), SIGKILL after `timeoutMs`. */
	async stop({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
		this.cookie = undefined;
		await this.server.stop({ timeoutMs });
	}

	/** Stop and start again on the same user folder and port (restart-survival tests). */
	async restart(options: { timeoutMs?: number } = {}): Promise<void> {
		await this.stop();
		await this.start(options);
	}

	/** Kill n8n without a graceful shutdown (a crash), leaving the user folder as it is. */
	async kill(): Promise<void> {
		await this.server.kill();
		this.cookie = undefined;
	}

	// --- the database (read-only; safe while n8n runs) -------------------------------------

	/** Production webhooks n8n has registered (webhook_entity), optionally of one workflow. */
	webhooks(workflowId?: string): WebhookRecord[] {
		return webhookRows(this.n8nFolder, workflowId).map((row) => ({
			workflowId: row.workflowId,
			method: row.method,
			path: row.webhookPath,
			node: row.node,
			url: this.webhookUrl(row.webhookPath),
		}));
	}

	/** Production URL of a webhook path on this instance. */
	webhookUrl(webhookPath: string): string {
		return `${this.baseUrl}/webhook/${webhookPath}`;
	}

	/**
	 * Wait until a published workflow's production webhooks answer (they register a few seconds
	 * after n8n is ready). Probes with a CORS preflight, which never starts an execution.
	 */
	async waitForWebhooks(workflowId: string, { timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<WebhookRecord[]> {
		return waitFor(
			`the webhooks of workflow ${workflowId} to be registered`,
			async () => {
				if (!this.running) throw new StopWaiting(`n8n is not running:\n${tail(this.server.log, 2000)}`);
				const hooks = this.webhooks(workflowId);
				if (hooks.length === 0) return undefined;
				for (const hook of hooks) {
					const response = await fetch(hook.url, {
						method: 'OPTIONS',
						headers: { Origin: this.baseUrl, 'Access-Control-Request-Method': hook.method },
					});
					const allowed = response.headers.get('access-control-allow-methods') ?? '';
					if (!allowed.split(/\s*,\s*/).includes(hook.method)) return undefined;
				}
				return hooks;
			},
			{ timeoutMs, intervalMs: 500 },
		);
	}

	/** Executions in the database, newest last; with `includeData` each carries its parsed run. */
	executions({ workflowId, includeData = false }: { workflowId?: string; includeData?: boolean } = {}): ExecutionRecord[] {
		return executionRows(this.n8nFolder, this.installDir, { workflowId, includeData });
	}

	/** Wait until `count` executions of a workflow have ended (any status but new/running/waiting). */
	async waitForExecutions(
		workflowId: string,
		count: number,
		{ timeoutMs = 60_000, includeData = true }: { timeoutMs?: number; includeData?: boolean } = {},
	): Promise<ExecutionRecord[]> {
		return waitFor(
			`${count} finished execution(s) of workflow ${workflowId}`,
			() => {
				const done = this.executions({ workflowId }).filter((e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status));
				if (done.length < count) return undefined;
				const ids = new Set(done.map((e) => e.id));
				return this.executions({ workflowId, includeData }).filter((e) => ids.has(e.id));
			},
			{ timeoutMs, intervalMs: 500 },
		);
	}

	/** The bytes of a binary property stored by n8n (filesystem mode, or inline). */
	readBinary(binary: BinaryMeta): Buffer {
		return readStoredBinary(this.n8nFolder, binary);
	}

	// --- the REST API (needs an owner) -----------------------------------------------------

	/** Create the owner account on first use (or log in, after a restart); keeps the session cookie. */
	async login(): Promise<string> {
		if (this.cookie) return this.cookie;
		// n8n 1.x answers /healthz/readiness a moment before it mounts its REST routes (404 until then).
		await waitFor(
			`n8n's REST API on ${this.baseUrl}`,
			async () => (await fetch(`${this.baseUrl}/rest/settings`)).status !== 404,
			{ timeoutMs: 60_000, intervalMs: 250 },
		);
		let response = await fetch(`${this.baseUrl}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(OWNER),
		});
		if (!response.ok) {
			response = await fetch(`${this.baseUrl}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
			});
		}
		if (!response.ok) throw new Error(`Owner setup/login failed: ${response.status} ${await response.text()}`);
		const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
		if (cookies.length === 0) throw new Error('n8n set no session cookie');
		this.cookie = cookies.join('; ');
		return this.cookie;
	}

	/** A call to n8n's internal REST API as the owner; returns the parsed JSON body. */
	async rest<T = unknown>(method: string, route: string, body?: unknown): Promise<T> {
		const cookie = await this.login();
		const response = await fetch(`${this.baseUrl}${route}`, {
			method,
			headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/** The node types the editor gets (`/types/nodes.json`): proves what n8n loaded. */
	async nodeTypes(): Promise<NodeTypeInfo[]> {
		return this.rest<NodeTypeInfo[]>('GET', '/types/nodes.json');
	}

	/** The credential types the editor gets (`/types/credentials.json`). */
	async credentialTypes(): Promise<Array<{ name: string; displayName: string; properties: Array<{ name: string }> }>> {
		return this.rest('GET', '/types/credentials.json');
	}

	/** Stop the server and remove the temp folder (kept with E2E_KEEP=1). */
	async dispose(): Promise<void> {
		await this.stop();
		instances.delete(this);
		if (!KEEP) fs.rmSync(this.root, { recursive: true, force: true });
		else process.stderr.write(`[e2e] kept n8n user folder ${this.userFolder}\n`);
	}
}

/** Stop every instance this process started (for afterAll of a file that forgot one). */
export async function disposeAll(): Promise<void> {
	const all = [...instances];
	instances = new Set();
	await Promise.all(all.map((instance) => instance.dispose()));
}

// A crashed test run must not leave n8n servers behind.
process.once('exit', () => {
	for (const instance of instances) {
		instance.server.killNow();
	}
});
