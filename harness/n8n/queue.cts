/**
 * n8n's queue mode, for the end-to-end tests (test/e2e/queue-mode.test.cts) and the benchmark
 * (bench/scenarios/queueN8n.cts): Postgres + Redis (started by `scripts/queue-services.sh`
 * on free ports, in a temp folder; or, when TEST_POSTGRES_URL and TEST_REDIS_URL are set, servers
 * that run already, as CI's service containers: a fresh database and queue prefix of our own in
 * them), one `n8n start` (main), N
 * `n8n worker --concurrency=1` and one `n8n webhook` process, all on one user folder with the packed
 * package installed as a community package (an `N8n` instance from harness/n8n gives the folder,
 * the env and the CLI; each process is an `N8nProcess` of harness/n8n/process.cts, as `n8n start` of
 * an `N8n` is).
 *
 *   const cluster = await QueueCluster.start({ tarball, workers: 2 });
 *   await cluster.n8n.importCredentials([...]); await cluster.importWorkflows([...]);
 *   await cluster.publish([...ids]); await cluster.startProcesses();
 *   await fetch(cluster.webhookUrl('my-path'), { method: 'POST', ... });   // the webhook process
 *   await cluster.waitForExecutions(workflowId, 2);                       // read from Postgres
 *   cluster.workerOf(executionId);                                        // which worker ran it
 *   await cluster.killWorker(0);                                          // SIGKILL, a crash
 *   await cluster.dispose();                                              // everything stopped, removed
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { N8n } from './n8n.cjs';
import { N8N_DIR, ROOT, pathWithNode24 } from './paths.cjs';
import { N8nProcess, freePort, run, waitFor } from './process.cjs';
import type { BinaryMeta, ExecutionRecord, RunData } from './runData.cjs';
import type { WorkflowJson } from './workflows.cjs';

const KEEP = process.env.E2E_KEEP === '1';
const SERVICES_SCRIPT = path.join(ROOT, 'scripts/queue-services.sh');

/** How n8n and our queries reach Postgres, and n8n reaches Redis. */
interface Services {
	pg: { host: string; port: number; user: string; password: string; database: string };
	redis: { host: string; port: number; prefix?: string };
	/** The running servers to use (TEST_POSTGRES_URL / TEST_REDIS_URL): we only add and drop a database. */
	external?: { adminUrl: string };
}

/** Servers that run already, named by TEST_POSTGRES_URL and TEST_REDIS_URL (both or neither). */
function externalServers(): { pg: URL; redis: URL } | undefined {
	const pg = process.env.TEST_POSTGRES_URL;
	const redis = process.env.TEST_REDIS_URL;
	if (!pg && !redis) return undefined;
	if (!pg || !redis) throw new Error('TEST_POSTGRES_URL and TEST_REDIS_URL go together: set both (running servers) or neither (private ones started here)');
	return { pg: new URL(pg), redis: new URL(redis) };
}

function pgClient(config: object): PgClient {
	// n8n's own pg (the n8n install carries it; this repository has no Postgres client of its own).
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Client } = require(path.join(N8N_DIR, 'node_modules/pg')) as { Client: new (config: object) => PgClient };
	return new Client(config);
}

interface PgClient {
	connect(): Promise<void>;
	query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, unknown>> }>;
	end(): Promise<void>;
}

export interface QueueClusterOptions {
	tarball: string;
	/** How many `n8n worker --concurrency=1` processes (default 2). */
	workers?: number;
	/** Extra environment for every process and CLI command of the cluster. */
	env?: Record<string, string | undefined>;
}

let clusters = new Set<QueueCluster>();

export class QueueCluster {
	readonly main: N8nProcess;
	readonly webhook: N8nProcess;
	readonly workers: N8nProcess[];
	/** Base URL of the `n8n webhook` process: production webhooks and resume URLs (WEBHOOK_URL). */
	readonly webhookBaseUrl: string;
	private pg?: PgClient;
	private servicesStopped = false;

	private constructor(
		/** The user folder, env and CLI shared by every process (its `baseUrl` is the main process). */
		readonly n8n: N8n,
		readonly servicesDir: string,
		readonly services: Services,
		readonly ports: { webhook: number },
		env: Record<string, string | undefined>,
		workerEnvs: Array<Record<string, string>>,
		mainBrokerPort: number,
		webhookBrokerPort: number,
	) {
		this.webhookBaseUrl = `http://127.0.0.1:${ports.webhook}`;
		this.main = new N8nProcess(
			'n8n main',
			n8n.bin,
			['start'],
			n8n.workDir,
			`${n8n.baseUrl}/healthz/readiness`,
			n8n.env({ ...env, N8N_RUNNERS_BROKER_PORT: String(mainBrokerPort) }),
		);
		this.webhook = new N8nProcess(
			'n8n webhook',
			n8n.bin,
			['webhook'],
			n8n.workDir,
			`${this.webhookBaseUrl}/healthz/readiness`,
			n8n.env({ ...env, N8N_PORT: String(ports.webhook), N8N_RUNNERS_BROKER_PORT: String(webhookBrokerPort) }),
		);
		this.workers = workerEnvs.map(
			(workerEnv, index) =>
				new N8nProcess(
					`n8n worker ${index}`,
					n8n.bin,
					['worker', '--concurrency=1'],
					n8n.workDir,
					`http://127.0.0.1:${workerEnv.QUEUE_HEALTH_CHECK_PORT}/healthz/readiness`,
					n8n.env({ ...env, ...workerEnv }),
				),
		);
	}

	/**
	 * Starts Postgres and Redis (installing them if missing) and prepares the n8n user folder with the
	 * package installed; the n8n processes start with `startProcesses()` (import and publish first).
	 */
	static async start(options: QueueClusterOptions): Promise<QueueCluster> {
		const servicesDir = path.join(os.tmpdir(), `unifically-queue-services-${process.pid}-${randomBytes(3).toString('hex')}`);
		const services = await startServices(servicesDir);
		try {
			const webhookPort = await freePort();
			const env: Record<string, string | undefined> = {
				EXECUTIONS_MODE: 'queue',
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: services.pg.host,
				DB_POSTGRESDB_PORT: String(services.pg.port),
				DB_POSTGRESDB_DATABASE: services.pg.database,
				DB_POSTGRESDB_USER: services.pg.user,
				DB_POSTGRESDB_PASSWORD: services.pg.password,
				QUEUE_BULL_REDIS_HOST: services.redis.host,
				QUEUE_BULL_REDIS_PORT: String(services.redis.port),
				// A shared Redis (TEST_REDIS_URL): queues of our own, apart from anyone else's.
				...(services.redis.prefix ? { QUEUE_BULL_PREFIX: services.redis.prefix } : {}),
				N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
				// Production webhooks and resume URLs point at the webhook process.
				WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
				N8N_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/`,
				// Queue mode's own default (binary data in the database), not the single-process tests' filesystem.
				N8N_DEFAULT_BINARY_DATA_MODE: undefined,
				N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				...options.env,
			};
			const n8n = await N8n.create({ tarball: options.tarball, name: 'unifically-queue', env });
			const workerEnvs: Array<Record<string, string>> = [];
			for (let index = 0; index < (options.workers ?? 2); index++) {
				workerEnvs.push({
					// Each worker its own event log, as on its own machine (they would share <folder>/n8nEventLog-worker.log).
					N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: path.join(n8n.root, `worker-${index}`, 'n8nEventLog-worker.log'),
					N8N_RUNNERS_BROKER_PORT: String(await freePort()),
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
				});
			}
			const cluster = new QueueCluster(
				n8n,
				servicesDir,
				services,
				{ webhook: webhookPort },
				env,
				workerEnvs,
				await freePort(),
				await freePort(),
			);
			clusters.add(cluster);
			return cluster;
		} catch (error) {
			await stopServices(servicesDir, services);
			throw error;
		}
	}

	/** Main first (it migrates the database), then the webhook process and the workers together. */
	async startProcesses(): Promise<Record<string, number>> {
		const timings: Record<string, number> = {};
		const timed = async (process: N8nProcess) => {
			const from = Date.now();
			await process.start();
			timings[process.name] = Date.now() - from;
		};
		await timed(this.main);
		await Promise.all([timed(this.webhook), ...this.workers.map(timed)]);
		return timings;
	}

	/** Every workflow in one `n8n import:workflow` (each CLI command boots n8n: seconds each). */
	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		const file = path.join(this.n8n.root, `import-${Date.now()}.json`);
		fs.writeFileSync(file, JSON.stringify(workflows.map((workflow) => ({ ...workflow, active: false })), null, 2));
		const result = await this.n8n.cli(['import:workflow', `--input=${file}`]);
		if (result.code !== 0) throw new Error(`n8n import:workflow failed:\n${(result.stdout + result.stderr).slice(-3000)}`);
	}

	/** `n8n publish:workflow` for each (concurrently); takes effect when main starts. */
	async publish(ids: string[]): Promise<void> {
		await Promise.all(
			ids.map(async (id) => {
				const result = await this.n8n.cli(['publish:workflow', `--id=${id}`]);
				if (result.code !== 0) throw new Error(`n8n publish:workflow --id=${id} failed:\n${(result.stdout + result.stderr).slice(-3000)}`);
			}),
		);
	}

	/** Production URL of a webhook path on the webhook process. */
	webhookUrl(webhookPath: string): string {
		return `${this.webhookBaseUrl}/webhook/${webhookPath}`;
	}

	/** Wait until the webhook process answers a production webhook (CORS preflight: starts nothing). */
	async waitForWebhook(webhookPath: string, method = 'POST', { timeoutMs = 60_000 } = {}): Promise<void> {
		// Never registered (seen once in a fresh-clone run, unexplained): say what the processes logged.
		try {
			await waitFor(
				`webhook ${webhookPath} on the webhook process`,
				async () => {
					const response = await fetch(this.webhookUrl(webhookPath), {
						method: 'OPTIONS',
						headers: { Origin: this.webhookBaseUrl, 'Access-Control-Request-Method': method },
					});
					return (response.headers.get('access-control-allow-methods') ?? '').split(/\s*,\s*/).includes(method);
				},
				{ timeoutMs, intervalMs: 500 },
			);
		} catch (error) {
			(error as Error).message += `\n${this.allLogs()}`;
			throw error;
		}
	}

	// --- Postgres (read-only use) ---------------------------------------------------------

	async query(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
		if (!this.pg) {
			const client = pgClient(this.services.pg);
			await client.connect();
			this.pg = client;
		}
		return (await this.pg.query(sql, params)).rows;
	}

	/** Executions in Postgres, oldest first; with `includeData` each carries its parsed run. */
	async executions({ workflowId, includeData = false }: { workflowId?: string; includeData?: boolean } = {}): Promise<ExecutionRecord[]> {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const flatted = require(path.join(N8N_DIR, 'node_modules/flatted')) as { parse: (text: string) => unknown };
		const rows = await this.query(
			'SELECT e.id, e."workflowId", e.status, e.finished, e.mode, e."startedAt", e."stoppedAt", e."waitTill"' +
				(includeData ? ', d.data' : '') +
				' FROM execution_entity e' +
				(includeData ? ' LEFT JOIN execution_data d ON d."executionId" = e.id' : '') +
				(workflowId ? ' WHERE e."workflowId" = $1' : '') +
				' ORDER BY e.id',
			workflowId ? [workflowId] : [],
		);
		const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : ((value as string | null) ?? null));
		return rows.map((row) => ({
			id: String(row.id),
			workflowId: String(row.workflowId),
			status: String(row.status),
			finished: row.finished === true,
			mode: String(row.mode),
			startedAt: iso(row.startedAt),
			stoppedAt: iso(row.stoppedAt),
			waitTill: iso(row.waitTill),
			run:
				includeData && typeof row.data === 'string'
					? ({ data: flatted.parse(row.data), status: String(row.status), mode: String(row.mode) } as RunData)
					: undefined,
		}));
	}

	async execution(id: string, includeData = false): Promise<ExecutionRecord> {
		const found = (await this.executions({ includeData })).find((record) => record.id === id);
		if (!found) throw new Error(`execution ${id} not found`);
		return found;
	}

	/** Wait until `count` executions of a workflow exist; returns them (oldest first). */
	async waitForNewExecutions(workflowId: string, known: Set<string>, count: number, timeoutMs = 60_000): Promise<ExecutionRecord[]> {
		return waitFor(
			`${count} new execution(s) of ${workflowId}`,
			async () => {
				const fresh = (await this.executions({ workflowId })).filter((execution) => !known.has(execution.id));
				return fresh.length >= count ? fresh : undefined;
			},
			{ timeoutMs, intervalMs: 250 },
		);
	}

	/** Wait until the given executions have ended (any status but new/running/waiting); with data. */
	async waitForEnd(ids: string[], timeoutMs = 120_000): Promise<ExecutionRecord[]> {
		await waitFor(
			`executions ${ids.join(', ')} to end`,
			async () => {
				const records = (await this.executions()).filter((execution) => ids.includes(execution.id));
				return records.length === ids.length && records.every((record) => !['new', 'running', 'waiting', 'unknown'].includes(record.status));
			},
			{ timeoutMs, intervalMs: 250 },
		);
		const all = await this.executions({ includeData: true });
		return ids.map((id) => all.find((execution) => execution.id === id)!);
	}

	/** The bytes of a binary property stored by n8n in database mode (queue mode's default). */
	async readBinary(binary: BinaryMeta): Promise<Buffer> {
		const [mode, ...rest] = (binary.id ?? '').split(':');
		if (mode !== 'database') throw new Error(`binary data stored in mode "${mode}", not "database" (id ${binary.id})`);
		const rows = await this.query('SELECT data FROM binary_data WHERE "fileId" = $1', [rest.join(':')]);
		if (rows.length !== 1) throw new Error(`binary data ${binary.id} not found in the database`);
		return rows[0].data as Buffer;
	}

	// --- which process did what ------------------------------------------------------------

	/** Indexes of the workers whose log says they started this execution. */
	workersOf(executionId: string): number[] {
		const pattern = new RegExp(`Worker started execution ${executionId} \\(job`);
		return this.workers.flatMap((worker, index) => (pattern.test(worker.log) ? [index] : []));
	}

	/** Where this cluster's processes logged something about an execution, for diagnostics. */
	allLogs(): string {
		return [this.main, this.webhook, ...this.workers].map((p) => `===== ${p.name} =====\n${p.log.slice(-6000)}`).join('\n');
	}

	async dispose(): Promise<void> {
		clusters.delete(this);
		await Promise.all([this.webhook.stop(), ...this.workers.map(async (worker) => await worker.stop())]);
		await this.main.stop();
		await this.pg?.end().catch(() => undefined);
		this.pg = undefined;
		if (KEEP) {
			const services = this.services.external ? `database ${this.services.pg.database} on TEST_POSTGRES_URL's server` : `services in ${this.servicesDir}`;
			process.stderr.write(`[queue] kept n8n user folder ${this.n8n.userFolder} and ${services}\n`);
		} else {
			await this.n8n.dispose();
			if (!this.servicesStopped) {
				this.servicesStopped = true;
				await stopServices(this.servicesDir, this.services);
			}
		}
	}

	private stopServices(): void {
		if (this.servicesStopped) return;
		this.servicesStopped = true;
		// Running servers (TEST_POSTGRES_URL) are not ours to stop; their database is dropped by dispose().
		if (this.services.external) return;
		const result = spawnSync('bash', [SERVICES_SCRIPT, 'stop', this.servicesDir], { encoding: 'utf8' });
		if (result.status !== 0) process.stderr.write(`[queue] stopping services failed: ${result.stderr}\n`);
	}

	/** Synchronous last resort (process exit): kill everything, stop the services. */
	killAllNow(): void {
		for (const process of [this.main, this.webhook, ...this.workers]) process.killNow();
		this.stopServices();
	}
}

/**
 * Private Postgres and Redis in `dir` (scripts/queue-services.sh), or, with TEST_POSTGRES_URL and
 * TEST_REDIS_URL, a fresh database and a queue prefix of our own on those servers.
 */
async function startServices(dir: string): Promise<Services> {
	const external = externalServers();
	if (external) {
		const suffix = `${process.pid}_${randomBytes(3).toString('hex')}`;
		const database = `unifically_queue_${suffix}`;
		const admin = pgClient({ connectionString: external.pg.href });
		await admin.connect();
		try {
			await admin.query(`CREATE DATABASE ${database}`);
		} finally {
			await admin.end();
		}
		return {
			pg: {
				host: external.pg.hostname,
				port: Number(external.pg.port || 5432),
				user: decodeURIComponent(external.pg.username || 'postgres'),
				password: decodeURIComponent(external.pg.password),
				database,
			},
			redis: { host: external.redis.hostname, port: Number(external.redis.port || 6379), prefix: `unifically-${suffix}` },
			external: { adminUrl: external.pg.href },
		};
	}
	const started = await run('bash', [SERVICES_SCRIPT, 'start', dir], {
		timeoutMs: 15 * 60_000,
		env: { ...process.env, PATH: pathWithNode24() },
	});
	const ports = Object.fromEntries(
		started.stdout
			.split('\n')
			.map((line) => /^(PG_PORT|REDIS_PORT)=(\d+)$/.exec(line.trim()))
			.filter((match): match is RegExpExecArray => !!match)
			.map((match) => [match[1], Number(match[2])]),
	);
	if (started.code !== 0 || !ports.PG_PORT || !ports.REDIS_PORT) {
		spawnSync('bash', [SERVICES_SCRIPT, 'stop', dir], { stdio: 'ignore' });
		throw new Error(`scripts/queue-services.sh start failed (exit ${started.code}):\n${started.stdout}\n${started.stderr}`);
	}
	return {
		pg: { host: '127.0.0.1', port: ports.PG_PORT, user: 'postgres', password: '', database: 'postgres' },
		redis: { host: '127.0.0.1', port: ports.REDIS_PORT },
	};
}

async function stopServices(dir: string, services: Services): Promise<void> {
	if (services.external) {
		const admin = pgClient({ connectionString: services.external.adminUrl });
		try {
			await admin.connect();
			await admin.query(`DROP DATABASE IF EXISTS ${services.pg.database} WITH (FORCE)`);
		} catch (error) {
			process.stderr.write(`[queue] dropping database ${services.pg.database} failed: ${(error as Error).message}\n`);
		} finally {
			await admin.end().catch(() => undefined);
		}
		return;
	}
	const result = spawnSync('bash', [SERVICES_SCRIPT, 'stop', dir], { encoding: 'utf8' });
	if (result.status !== 0) process.stderr.write(`[queue] stopping services failed: ${result.stderr}\n`);
}

export async function disposeClusters(): Promise<void> {
	const all = [...clusters];
	clusters = new Set();
	await Promise.all(all.map(async (cluster) => await cluster.dispose()));
}

// A crashed test run must leave no n8n process, Postgres or Redis behind.
process.once('exit', () => {
	for (const cluster of clusters) cluster.killAllNow();
});
