/**
 * n8n's queue mode, for real: Postgres + Redis (scripts/queue-services.sh, free ports, a temp
 * folder; or the servers TEST_POSTGRES_URL / TEST_REDIS_URL name, as in CI), n8n 2.41.1 main + 2 workers (`n8n worker --concurrency=1`) + one `n8n webhook` process,
 * the packed package installed as a community package, the simulator as the API (10 req/s per key
 * and kind, counted across all clients, a ban on the 11th request in a second).
 *
 * Production executions are started through published workflows' Webhook triggers on the webhook
 * process: n8n enqueues them and the workers run them (worker logs name each execution they ran).
 * One cluster for the whole file; the scene that kills a worker runs last.
 *
 * Over 500 lines on purpose: every scene runs on that one cluster (Postgres, Redis, main, two
 * workers and a webhook process: 1–2 minutes to start, docs/scaling.md), and the crash scene
 * must come after the others; a second file would start a second cluster. What the scenes share is
 * in test/e2e/support/queue.cts (the cluster) and support/workflows.cts (the workflows).
 */
import { createHash, randomUUID } from 'node:crypto';

import { fileStream } from '../../simulator/files.cjs';
import { UNIFICALLY_NODE, ensureN8n, loadExample, nodeItems, packPackage, sleep, waitFor, type WorkflowJson } from '../../harness/n8n/index.cjs';
import { pngPicture, sha256 } from './support/pictures.cjs';
import { QueueCluster } from './support/queue.cjs';
import { startS3Server } from './support/s3.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';
import { checkPackageNodes, unificallyTriggerNode, webhookBatchWorkflow, webhookNode } from './support/workflows.cjs';

const SETUP_TIMEOUT = 20 * 60_000;
const TEST_TIMEOUT = 5 * 60_000;

/** Task time of the batches (the simulator's latency): short, so the creates dominate. */
const TASK_MS = 3_000;
/** The API's budget for creates per key (the simulator's, as the API doc's). */
const API_RATE = 10;
/** Bull lock settings shortened for the crash scene (n8n's defaults: 60 s, 10 s, 30 s). */
const LOCK_MS = 20_000;
const STALLED_CHECK_MS = 5_000;
/** Largest file n8n may keep in the database here (MiB): the above-the-limit case costs 2 MiB, not 513. */
const DB_MAX_FILE_MIB = 1;
const TRIGGER_TOKEN = 'queue-e2e-token';
/**
 * Wall time allowed for 2 × 40 items, as a multiple of the shared bound. Issue 13's target is 1.5;
 * the figure belongs to `npm run bench` (a timed assertion that close would be noise on a shared
 * 2-core machine): here the suite only asserts that no ban slowed the run. A ban (20 s here, 60 s at
 * the API) shows as ≥ 3.
 */
const WALL_MAX = 2.5;

/**
 * One model per scene: the node learns per model (in each worker) how soon tasks finish, so a scene's
 * figures do not depend on what an earlier scene taught the workers.
 */
const WF = {
	batch: { id: 'unifQueueBatch01', path: 'queue-batch', model: 'google/nano-banana' },
	batchCapped: { id: 'unifQueueBatch05', path: 'queue-batch-capped', model: 'google/nano-banana-pro' },
	callback: { id: 'unifQueueCallbk1', path: 'queue-callback', model: 'openai/gpt-image-1' },
	other: { id: 'unifQueueOther01', path: 'queue-other', model: 'black-forest-labs/flux.2-pro' },
	joining: { id: 'unifQueueJoin001', path: 'queue-joining', model: 'openai/gpt-image-1.5' },
	binaryInput: { id: 'unifQueueBinary1', path: 'queue-binary-input', model: 'hailuo/minimax-2.3-fast' },
	trigger: { id: 'unifQueueTrigger', webhookId: randomUUID() },
};
const GENERATE = 'Generate';
const AFTER = 'After Generate';
const GENERATE_CB_NODE_ID = randomUUID();

interface ItemSpec {
	prompt: string;
	latency?: number;
	bytes?: number;
}

const SETTINGS = { executionOrder: 'v1', saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' };

/**
 * Webhook (answers at once) → one item per `body.items` entry → Image → Generate (poll), with the
 * Callback URL and Download Output Files taken from the body → a NoOp (the next node).
 */
function batchWorkflow(
	{ id, path, model }: { id: string; path: string; model: string },
	credential: { id: string; name: string },
	options: Record<string, unknown> = {},
): WorkflowJson {
	return webhookBatchWorkflow({
		id,
		name: `queue e2e: ${path}`,
		path,
		generate: {
			id: options.waitMode === 'callback' ? GENERATE_CB_NODE_ID : randomUUID(),
			name: GENERATE,
			type: UNIFICALLY_NODE,
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				resource: 'image',
				operation: 'generate',
				model,
				prompt: '={{ $json.prompt }}',
				additionalFields: {
					extraInput: `={{ JSON.stringify({ sim_latency_ms: $json.latency ?? ${TASK_MS}, sim_output_bytes: $json.bytes }) }}`,
				},
				options: {
					callbackUrl: "={{ $('Webhook').first().json.body.callbackUrl ?? '' }}",
					download: "={{ $('Webhook').first().json.body.download === true }}",
					...options,
				},
			},
			credentials: { unificallyApi: credential },
		},
		after: AFTER,
		settings: SETTINGS,
	});
}

/**
 * A picture POSTed to the Webhook (multipart field `data`: the webhook process stores it in the
 * database, binary field `data`) → Video → Generate with Hailuo 2.3 Fast on a worker, its start image
 * given as Input Type: Binary File.
 */
function binaryInputWorkflow(credential: { id: string; name: string }): WorkflowJson {
	const { id, path, model } = WF.binaryInput;
	return {
		id,
		name: 'queue e2e: a posted picture as the start image',
		nodes: [
			webhookNode(path),
			{
				id: randomUUID(),
				name: GENERATE,
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					resource: 'video',
					operation: 'generate',
					model,
					prompt: '={{ $json.body.prompt }}',
					inputType: 'binary',
					startImageBinaryField: 'data',
					options: { download: false },
				},
				credentials: { unificallyApi: credential },
			},
		],
		connections: { Webhook: { main: [[{ node: GENERATE, type: 'main', index: 0 }]] } },
		settings: SETTINGS,
	};
}

/** Unifically Trigger (Secret Token) → a NoOp: one execution per callback. */
function triggerWorkflow(): WorkflowJson {
	return {
		id: WF.trigger.id,
		name: 'queue e2e: trigger',
		nodes: [
			unificallyTriggerNode(WF.trigger.webhookId, TRIGGER_TOKEN),
			{ id: randomUUID(), name: 'Received', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { 'Unifically Trigger': { main: [[{ node: 'Received', type: 'main', index: 0 }]] } },
		settings: SETTINGS,
	};
}

describe('queue mode: main + 2 workers + webhook process, Postgres, Redis', () => {
	let sim: Simulator;
	let cluster: QueueCluster;
	const figures: string[] = [];
	const note = (text: string) => figures.push(text);

	beforeAll(async () => {
		const from = Date.now();
		await ensureN8n();
		const tarball = await packPackage();
		sim = await startTestSimulator({ taskLatencyMs: TASK_MS, banSeconds: 20 });
		cluster = await QueueCluster.start({
			tarball,
			workers: 2,
			env: {
				N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: String(DB_MAX_FILE_MIB),
				QUEUE_WORKER_LOCK_DURATION: String(LOCK_MS),
				QUEUE_WORKER_LOCK_RENEW_TIME: String(LOCK_MS / 4),
				QUEUE_WORKER_STALLED_INTERVAL: String(STALLED_CHECK_MS),
			},
		});
		const credential = { id: 'unifQueueCred010', name: 'Unifically (default)' };
		const capped = { id: 'unifQueueCred005', name: 'Unifically (5 per second)' };
		await cluster.n8n.importCredentials([
			{ ...credential, type: 'unificallyApi', data: { apiKey: 'queue-e2e-key', baseUrl: sim.url, uploadUrl: `${sim.url}/upload`, requestsPerSecond: 10 } },
			{ ...capped, type: 'unificallyApi', data: { apiKey: 'queue-e2e-key', baseUrl: sim.url, requestsPerSecond: 5 } },
		]);
		const workflows = [
			batchWorkflow(WF.batch, credential),
			batchWorkflow(WF.batchCapped, capped),
			batchWorkflow(WF.callback, credential, { waitMode: 'callback', timeout: 300 }),
			batchWorkflow(WF.other, credential),
			batchWorkflow(WF.joining, credential),
			binaryInputWorkflow(credential),
			triggerWorkflow(),
		];
		// Every parameter as n8n resolves it (a parameter n8n would drop makes a scene meaningless).
		expect(workflows.flatMap((workflow) => checkPackageNodes(workflow))).toEqual([]);
		await cluster.importWorkflows(workflows);
		await cluster.publish(workflows.map((workflow) => workflow.id!));
		const timings = await cluster.startProcesses();
		await cluster.waitForWebhook(WF.batch.path);
		await cluster.waitForWebhook(`${WF.trigger.webhookId}/callback`);
		note(`setup (services, install, import, publish, 4 processes): ${Date.now() - from} ms; ready after ${JSON.stringify(timings)}`);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		process.stderr.write(`[queue-mode] figures:\n  ${figures.join('\n  ')}\n`);
		await cluster?.dispose();
		await sim?.close();
	}, 120_000);

	/** POSTs to a production webhook on the webhook process (answered at once: the run is queued). */
	async function post(path: string, body: Record<string, unknown>): Promise<void> {
		const response = await fetch(cluster.webhookUrl(path), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(response.status).toBe(200);
	}

	const known = async (workflowId: string) => new Set((await cluster.executions({ workflowId })).map((execution) => execution.id));
	const items = (count: number, label: string, extra: Partial<ItemSpec> = {}): ItemSpec[] =>
		Array.from({ length: count }, (_, index) => ({ prompt: `${label} ${index}`, ...extra }));
	const ms = (value: string | null) => new Date(value!).getTime();
	const tasksWithPrompt = (prefix: string) => [...sim.tasks.values()].filter((task) => String(task.input.prompt).startsWith(prefix));

	/**
	 * The trigger's executions started since `before`, once they have ended and together emitted
	 * `count` items: callbacks that arrive together come out as the items of one execution.
	 */
	async function triggerRunsEmitting(before: Set<string>, count: number, timeoutMs = 60_000) {
		const fresh = async () =>
			(await cluster.executions({ workflowId: WF.trigger.id })).filter((execution) => !before.has(execution.id)).map((execution) => execution.id);
		await waitFor(
			`${count} task(s) emitted by the trigger`,
			async () => {
				const ids = await fresh();
				if (ids.length === 0) return undefined;
				const runs = await cluster.waitForEnd(ids);
				return runs.reduce((sum, run) => sum + nodeItems(run.run!, 'Unifically Trigger').length, 0) >= count;
			},
			{ timeoutMs, intervalMs: 500 },
		);
		await sleep(2_000); // a duplicate would show up by now
		return await cluster.waitForEnd(await fresh());
	}

	function diagnose(error: unknown): never {
		const stats = sim.stats();
		throw new Error(
			`${(error as Error).message}\nsimulator: ${JSON.stringify({ creates: stats.creates, reads: stats.statusReads, rateLimited: stats.rateLimited })}\n${cluster.allLogs()}`,
		);
	}

	/** Two 40-item executions posted together; every item completes on two workers, no 429. */
	async function twoBatchesAtOnce(workflow: { id: string; path: string }, label: string) {
		sim.reset();
		const before = await known(workflow.id);
		const batches = [items(40, `${label} A`), items(40, `${label} B`)];
		const posted = Date.now();
		await Promise.all(batches.map(async (batch) => await post(workflow.path, { items: batch })));
		const started = await cluster.waitForNewExecutions(workflow.id, before, 2);
		const ended = await cluster.waitForEnd(started.map((execution) => execution.id), 240_000).catch(diagnose);
		const stats = sim.stats();
		const wall = (Math.max(...ended.map((e) => ms(e.stoppedAt))) - Math.min(...ended.map((e) => ms(e.startedAt)))) / 1000;
		const bound = 80 / API_RATE + TASK_MS / 1000;
		const workers = ended.map((execution) => cluster.workersOf(execution.id));
		// Where the time went: the creates (the key's budget) and the tail after the last task finished.
		const created = batches.flat().map((item) => [...sim.tasks.values()].find((task) => task.input.prompt === item.prompt)!);
		const createTimes = created.map((task) => task.createdAt);
		const firstStart = Math.min(...ended.map((e) => ms(e.startedAt)));
		const lastStop = Math.max(...ended.map((e) => ms(e.stoppedAt)));
		const lastFinish = Math.max(...created.map((task) => task.finishesAt));
		const phases =
			`start → first create ${((Math.min(...createTimes) - firstStart) / 1000).toFixed(1)} s, creates ${((Math.max(...createTimes) - Math.min(...createTimes)) / 1000).toFixed(1)} s, ` +
			`last task finished → last stop ${((lastStop - lastFinish) / 1000).toFixed(1)} s`;
		note(
			`${label}: 2 × 40 items on workers ${JSON.stringify(workers)}: wall ${wall.toFixed(1)} s (first start → last stop) = ` +
				`${(wall / bound).toFixed(2)} × the bound ${bound} s; POST → last stop ${((Math.max(...ended.map((e) => ms(e.stoppedAt))) - posted) / 1000).toFixed(1)} s; ` +
				`429s ${stats.rateLimited}; creates ${stats.creates}; status reads ${stats.statusReads} (${(stats.statusReads / 80).toFixed(2)}/task); ` +
				`peak creates/s ${stats.peakCreatesPerSecond}, reads/s ${stats.peakStatusReadsPerSecond}; ${phases}`,
		);
		for (const [index, execution] of ended.entries()) {
			expect(execution.status).toBe('success');
			const output = nodeItems(execution.run!, GENERATE);
			expect(output).toHaveLength(40);
			const prompt = (output[0].json.task_id && sim.tasks.get(String(output[0].json.task_id))?.input.prompt) as string;
			const batch = batches.find((candidate) => candidate[0].prompt === prompt)!;
			expect(batch).toBeDefined();
			output.forEach((item, itemIndex) => {
				expect(item.json).toMatchObject({ status: 'completed' });
				expect(sim.tasks.get(String(item.json.task_id))?.input.prompt).toBe(batch[itemIndex].prompt);
			});
			// Ran on a worker (not main, not the webhook process), one worker each.
			expect(workers[index]).toHaveLength(1);
		}
		expect(new Set(workers.map((list) => list[0])).size).toBe(2); // at once, on both workers
		expect(stats.creates).toBe(80);
		expect(stats.rateLimited).toBe(0);
		return { wall, bound };
	}

	test('1. two 40-item Generate executions at once on two workers, default credential: every item, 0 × 429, no ban in the wall time', async () => {
		const { wall, bound } = await twoBatchesAtOnce(WF.batch, 'default');
		expect(wall).toBeLessThanOrEqual(WALL_MAX * bound);
	}, TEST_TIMEOUT);

	test('1b. batches joining a key already in full use: a 300-item batch on one worker, 20-item batches at 4 s, 12 s and 20 s on the other: every item, 0 × 429', async () => {
		sim.reset();
		const before = await known(WF.joining.id);
		const long = items(300, 'joining long');
		const posted = Date.now();
		await post(WF.joining.path, { items: long });
		const joining = [4_000, 12_000, 20_000].map((at, index) => ({ at, batch: items(20, `joining ${index}`) }));
		for (const { at, batch } of joining) {
			await sleep(Math.max(0, posted + at - Date.now()));
			await post(WF.joining.path, { items: batch });
		}
		const started = await cluster.waitForNewExecutions(WF.joining.id, before, 4);
		const ended = await cluster.waitForEnd(started.map((execution) => execution.id), 300_000).catch(diagnose);
		const stats = sim.stats();
		const wall = (Math.max(...ended.map((e) => ms(e.stoppedAt))) - Math.min(...ended.map((e) => ms(e.startedAt)))) / 1000;
		const bound = 360 / API_RATE + TASK_MS / 1000;
		const workers = ended.map((execution) => cluster.workersOf(execution.id));
		note(
			`joining: 300 items + 3 × 20 joining at 4/12/20 s on workers ${JSON.stringify(workers)}: wall ${wall.toFixed(1)} s = ${(wall / bound).toFixed(2)} × the bound ${bound} s; ` +
				`429s ${stats.rateLimited}; creates ${stats.creates}; status reads ${stats.statusReads}; peak creates/s ${stats.peakCreatesPerSecond}, reads/s ${stats.peakStatusReadsPerSecond}`,
		);
		for (const execution of ended) {
			expect(execution.status).toBe('success');
			const output = nodeItems(execution.run!, GENERATE);
			for (const item of output) expect(item.json).toMatchObject({ status: 'completed' });
		}
		expect(ended.map((execution) => nodeItems(execution.run!, GENERATE).length).sort((a, b) => a - b)).toEqual([20, 20, 20, 300]);
		// The joining batches ran while the long one did, on the other worker.
		expect(new Set(workers.flat()).size).toBe(2);
		expect(stats.creates).toBe(360);
		expect(stats.rateLimited).toBe(0);
		expect(wall).toBeLessThanOrEqual(WALL_MAX * bound);
	}, TEST_TIMEOUT);

	test('2. the same with Requests per Second 5 on the credential: 0 × 429', async () => {
		const { wall, bound } = await twoBatchesAtOnce(WF.batchCapped, 'capped 5/s');
		expect(wall).toBeLessThanOrEqual(WALL_MAX * bound);
	}, TEST_TIMEOUT);

	test('3. Until Callback: created on a worker, callbacks to the webhook process, resumed on the other worker after the first was killed, once', async () => {
		sim.reset();
		const before = await known(WF.callback.id);
		const batch = items(5, 'callback', { latency: 8_000 });
		await post(WF.callback.path, { items: batch });
		const [started] = await cluster.waitForNewExecutions(WF.callback.id, before, 1);
		await waitFor(`execution ${started.id} to wait`, async () => (await cluster.execution(started.id)).status === 'waiting', { timeoutMs: 30_000 }).catch(
			diagnose,
		);
		const creators = cluster.workersOf(started.id);
		expect(creators).toHaveLength(1);
		// The worker that created the tasks crashes while the execution waits: it held nothing.
		const killedAt = Date.now();
		await cluster.workers[creators[0]].kill();
		const ended = (await cluster.waitForEnd([started.id], 60_000).catch(diagnose))[0];
		note(`until callback: waiting → killed creator worker ${creators[0]} → resumed and ended ${Date.now() - killedAt} ms later`);
		expect(ended.status).toBe('success');
		const tasks = tasksWithPrompt('callback ');
		expect(tasks).toHaveLength(5);
		// Every callback went to the webhook process (WEBHOOK_URL) and was answered.
		const callbacks = sim.stats().callbacks.filter((callback) => tasks.some((task) => task.id === callback.task_id));
		expect(callbacks).toHaveLength(5);
		for (const callback of callbacks) {
			expect(callback.url.startsWith(`${cluster.webhookBaseUrl}/webhook-waiting/${started.id}/`)).toBe(true);
			expect(callback.status).toBe(200);
		}
		// All items, input order, resumed exactly once.
		const output = nodeItems(ended.run!, GENERATE);
		expect(output.map((item) => sim.tasks.get(String(item.json.task_id))?.input.prompt)).toEqual(batch.map((item) => item.prompt));
		expect(output.every((item) => item.json.status === 'completed')).toBe(true);
		expect(ended.run!.data.resultData.runData[GENERATE]).toHaveLength(1);
		expect(nodeItems(ended.run!, AFTER)).toHaveLength(5);
		// Resumed on the surviving worker: it started the same execution after the kill.
		const other = 1 - creators[0];
		expect(cluster.workersOf(started.id)).toContain(other);
		expect(sim.stats().creates).toBe(5);
		// The killed worker comes back (same n8n folder): n8n's start-up crash recovery finds the
		// execution it had started in its event log; a finished one is left as it is.
		await cluster.workers[creators[0]].start();
		expect((await cluster.execution(started.id)).status).toBe('success');
	}, TEST_TIMEOUT);

	test('3b. Until Callback: the creator worker killed and started again at once (its own event log): the waiting execution is left alone and completes', async () => {
		sim.reset();
		const before = await known(WF.callback.id);
		const batch = items(2, 'restarted', { latency: 25_000 }); // still waiting when the worker is back
		await post(WF.callback.path, { items: batch });
		const [started] = await cluster.waitForNewExecutions(WF.callback.id, before, 1);
		await waitFor(`execution ${started.id} to wait`, async () => (await cluster.execution(started.id)).status === 'waiting', { timeoutMs: 30_000 }).catch(
			diagnose,
		);
		const creators = cluster.workersOf(started.id);
		expect(creators).toHaveLength(1);
		const worker = cluster.workers[creators[0]];
		await worker.kill();
		// Back at once with its event log (a restarted container with its ~/.n8n volume): n8n's
		// start-up crash recovery reads that log before the worker is ready.
		await worker.start();
		const status = (await cluster.execution(started.id)).status;
		note(`until callback: creator worker killed and started again on its own event log: the waiting execution is "${status}"`);
		expect(status).toBe('waiting');
		const ended = (await cluster.waitForEnd([started.id], 60_000).catch(diagnose))[0];
		expect(ended.status).toBe('success');
		expect(nodeItems(ended.run!, GENERATE).map((item) => sim.tasks.get(String(item.json.task_id))?.input.prompt)).toEqual(
			batch.map((item) => item.prompt),
		);
	}, TEST_TIMEOUT);

	test('4. Unifically Trigger receives the callbacks of a batch running on a worker: each task emitted once', async () => {
		sim.reset();
		const beforeBatch = await known(WF.other.id);
		const beforeTrigger = await known(WF.trigger.id);
		const batch = items(6, 'trigger', { latency: 2_000 });
		const callbackUrl = `${cluster.webhookUrl(`${WF.trigger.webhookId}/callback`)}?token=${TRIGGER_TOKEN}`;
		await post(WF.other.path, { items: batch, callbackUrl });
		const [started] = await cluster.waitForNewExecutions(WF.other.id, beforeBatch, 1);
		const [ended] = await cluster.waitForEnd([started.id]).catch(diagnose);
		expect(ended.status).toBe('success');
		expect(cluster.workersOf(ended.id)).toHaveLength(1);
		const taskIds = nodeItems(ended.run!, GENERATE).map((item) => String(item.json.task_id));
		expect(taskIds).toHaveLength(6);
		const triggerRuns = await triggerRunsEmitting(beforeTrigger, 6).catch(diagnose);
		const emitted = triggerRuns.flatMap((run) => {
			expect(run.status).toBe('success');
			expect(cluster.workersOf(run.id)).toHaveLength(1); // trigger executions run on workers too
			return nodeItems(run.run!, 'Unifically Trigger').map((item) => {
				expect(item.json.status).toBe('completed');
				return String(item.json.task_id);
			});
		});
		// Each task exactly once, across however many executions the callbacks made.
		expect(emitted.sort()).toEqual([...taskIds].sort());
		const ours = sim.stats().callbacks.filter((callback) => taskIds.includes(callback.task_id));
		expect(ours.map((callback) => callback.status)).toEqual([200, 200, 200, 200, 200, 200]);
	}, TEST_TIMEOUT);

	test('4b. Download Output Files on a worker: the file reaches the next node (binary data in the database); over the limit, a clear error naming the task', async () => {
		sim.reset();
		const before = await known(WF.other.id);
		await post(WF.other.path, { items: items(2, 'download'), download: true });
		const [started] = await cluster.waitForNewExecutions(WF.other.id, before, 1);
		const [ended] = await cluster.waitForEnd([started.id]).catch(diagnose);
		expect(ended.status).toBe('success');
		expect(cluster.workersOf(ended.id)).toHaveLength(1);
		const after = nodeItems(ended.run!, AFTER);
		expect(after).toHaveLength(2);
		for (const item of after) {
			expect(item.binary?.data?.id).toMatch(/^database:/); // queue mode's default binary data mode
			expect((await cluster.readBinary(item.binary!.data)).length).toBe(sim.config.outputBytes);
		}

		// A file over N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: the execution fails, naming the task and the setting.
		const beforeBig = await known(WF.other.id);
		const bytes = 2 * DB_MAX_FILE_MIB * 1024 * 1024;
		await post(WF.other.path, { items: items(1, 'too big', { bytes }), download: true });
		const [big] = await cluster.waitForNewExecutions(WF.other.id, beforeBig, 1);
		const [failed] = await cluster.waitForEnd([big.id]).catch(diagnose);
		const [task] = tasksWithPrompt('too big');
		const error = failed.run!.data.resultData.error ?? failed.run!.data.resultData.runData[GENERATE]?.[0]?.error;
		note(`download over the database limit (${bytes} bytes > ${DB_MAX_FILE_MIB} MiB): status ${failed.status}; ${error?.message}`);
		expect(failed.status).toBe('error');
		expect(error?.message).toContain(task.id);
		expect(error?.message).toMatch(/N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE/);
		expect(sim.stats().creates).toBe(3);
		// Downloaded once: a file n8n refuses to store is not fetched again.
		expect(sim.stats().filesServed).toBe(3);
	}, TEST_TIMEOUT);

	test('4c. a 200 MiB video on a worker, binary data in the database: Unifically → S3 (examples/generate-to-s3.json) uploads the same bytes, name and type', async () => {
		// Self-contained: its own S3 server, workflow and credential; the workers run this scene with a
		// database file limit that fits the file, and get the suite's limit back afterwards.
		const bytes = 200 * 1024 * 1024;
		const s3 = await startS3Server({ buckets: ['unifically-outputs'] });
		const bigLimit = { N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: '256' };
		try {
			await cluster.n8n.importCredentials([
				{
					id: 'unifExampleS3001',
					name: 'S3 (your bucket)',
					type: 's3',
					data: { endpoint: s3.url, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true },
				},
			]);
			// The example, started by a production webhook (queue mode runs it on a worker) instead of by hand.
			const workflow = loadExample('generate-to-s3');
			workflow.id = 'unifQueueS3Large';
			workflow.settings = SETTINGS;
			const manual = workflow.nodes.findIndex((node) => node.type === 'n8n-nodes-base.manualTrigger');
			workflow.nodes[manual] = webhookNode('queue-s3-large', { name: 'Run the example' });
			const generate = workflow.nodes.find((node) => node.name === 'Generate Video')!;
			generate.credentials = { unificallyApi: { id: 'unifQueueCred010', name: 'Unifically (default)' } };
			generate.parameters.additionalFields = {
				...(generate.parameters.additionalFields as object | undefined),
				extraInput: JSON.stringify({ sim_output_bytes: bytes, sim_latency_ms: 1000 }),
			};
			expect(checkPackageNodes(workflow)).toEqual([]);
			await cluster.importWorkflows([workflow]);
			await cluster.n8n.activateWorkflow(workflow.id);
			await Promise.all(cluster.workers.map(async (worker) => await worker.stop()));
			await Promise.all(cluster.workers.map(async (worker) => await worker.start({ env: bigLimit })));
			await cluster.waitForWebhook('queue-s3-large');

			sim.reset();
			const before = await known(workflow.id);
			await post('queue-s3-large', {});
			const [started] = await cluster.waitForNewExecutions(workflow.id, before, 1);
			const from = Date.now();
			const [ended] = await cluster.waitForEnd([started.id], 240_000).catch(diagnose);
			note(`200 MiB video → S3 on a worker, database mode: execution ${ended.status} in ${Date.now() - from} ms`);
			expect(ended.status).toBe('success');
			expect(cluster.workersOf(ended.id)).toHaveLength(1);
			const [generated] = nodeItems(ended.run!, 'Generate Video');
			const taskId = String(generated.json.task_id);
			expect(generated.binary?.data?.id).toMatch(/^database:/);
			expect(generated.binary?.data).toMatchObject({ fileName: `${taskId}_video.mp4`, mimeType: 'video/mp4' });
			expect(nodeItems(ended.run!, 'Upload to S3').map((item) => item.json)).toEqual([{ success: true }]);
			const object = s3.object('unifically-outputs', `unifically/${taskId}_video.mp4`);
			expect(object).toMatchObject({ size: bytes, contentType: 'video/mp4' });
			const expected = createHash('sha256');
			for await (const chunk of fileStream(taskId, 'video.mp4', bytes)) expected.update(chunk as Buffer);
			expect(object!.sha256).toBe(expected.digest('hex'));
			expect(s3.requests.filter((request) => request.status >= 400)).toEqual([]);
			expect(sim.stats()).toMatchObject({ creates: 1, filesServed: 1 });
		} finally {
			await s3.close();
			// The suite's own limit again, for the scenes after this one.
			await Promise.all(cluster.workers.map(async (worker) => await worker.stop()));
			await Promise.all(cluster.workers.map(async (worker) => await worker.start()));
		}
	}, 2 * TEST_TIMEOUT);

	test('4d. Input Type: Binary File on a worker, binary data in the database: a picture posted to the webhook process is streamed from Postgres to the upload, same bytes, name and type, and is the task\'s start image', async () => {
		sim.reset();
		// About 600 KB (the suite's database file limit is 1 MiB): several of the chunks the node streams.
		const picture = pngPicture(512, 400, 'queue-binary-input');
		const fileName = 'start-frame-queue.png';
		const before = await known(WF.binaryInput.id);
		const uploadsBefore = new Set(sim.uploads().map((upload) => upload.id));
		const form = new FormData();
		form.append('prompt', 'The picture comes to life');
		form.append('data', new Blob([picture], { type: 'image/png' }), fileName);
		const response = await fetch(cluster.webhookUrl(WF.binaryInput.path), { method: 'POST', body: form });
		expect(response.status).toBe(200);
		const [started] = await cluster.waitForNewExecutions(WF.binaryInput.id, before, 1);
		const [ended] = await cluster.waitForEnd([started.id]).catch(diagnose);
		if (ended.status !== 'success') diagnose(new Error(`execution ${ended.id} ended "${ended.status}": ${JSON.stringify(ended.run?.data.resultData.error)}`));
		expect(cluster.workersOf(ended.id)).toHaveLength(1);

		// The webhook process kept the picture in Postgres (queue mode's default binary data mode) …
		const [posted] = nodeItems(ended.run!, 'Webhook');
		expect(posted.binary?.data).toMatchObject({ fileName, mimeType: 'image/png', id: expect.stringMatching(/^database:/) });
		expect(sha256(await cluster.readBinary(posted.binary!.data))).toBe(sha256(picture));
		// … the worker uploaded exactly those bytes, once, with their name and type …
		const uploads = sim.uploads().filter((upload) => !uploadsBefore.has(upload.id));
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ fileName, contentType: 'image/png', size: picture.length, sha256: sha256(picture) });
		// … and the task it created reads the upload's URL.
		const [generated] = nodeItems(ended.run!, GENERATE);
		expect(generated.json).toMatchObject({ status: 'completed', model: WF.binaryInput.model });
		expect(sim.tasks.get(String(generated.json.task_id))?.input).toEqual({ prompt: 'The picture comes to life', start_image_url: uploads[0].url });
		expect(sim.stats()).toMatchObject({ creates: 1, uploads: 1 });
		note(`binary input on a worker (database mode, ${picture.length} bytes): Generate ran ${ended.run!.data.resultData.runData[GENERATE][0].executionTime} ms (upload + create + wait)`);
	}, TEST_TIMEOUT);

	test('5. a worker SIGKILLed in the middle of a poll-mode batch: n8n fails the execution, never re-runs it (no task created twice); the tasks still reach a Callback URL', async () => {
		sim.reset();
		const before = await known(WF.other.id);
		const beforeTrigger = await known(WF.trigger.id);
		const batch = items(30, 'crash', { latency: 15_000 });
		const callbackUrl = `${cluster.webhookUrl(`${WF.trigger.webhookId}/callback`)}?token=${TRIGGER_TOKEN}`;
		await post(WF.other.path, { items: batch, callbackUrl });
		const [started] = await cluster.waitForNewExecutions(WF.other.id, before, 1);
		const running = await waitFor('the batch to be running on a worker with 10 tasks created', () => {
			const workers = cluster.workersOf(started.id);
			return workers.length === 1 && sim.stats().creates >= 10 ? workers[0] : undefined;
		}).catch(diagnose);
		const killedAt = Date.now();
		await cluster.workers[running].kill();
		await sleep(1_000); // requests already on the wire land
		const createdBeforeKill = sim.stats().creates;
		const [ended] = await cluster.waitForEnd([started.id], LOCK_MS + STALLED_CHECK_MS + 90_000).catch(diagnose);
		const error = ended.run?.data.resultData.error;
		note(
			`worker ${running} killed with ${createdBeforeKill}/30 tasks created: execution ${ended.status} ${Date.now() - killedAt} ms later ` +
				`("${error?.message}"); creates afterwards ${sim.stats().creates - createdBeforeKill}; other worker ran it: ${cluster.workersOf(started.id).includes(1 - running)}`,
		);
		// n8n 2.x: the stalled job is failed (maxStalledCount 0), not re-run on the other worker.
		expect(ended.status).toBe('error');
		expect(error?.message).toMatch(/failed to be processed too many times/);
		expect(cluster.workersOf(started.id)).toEqual([running]);
		expect(sim.stats().creates).toBe(createdBeforeKill);
		const created = tasksWithPrompt('crash ');
		expect(new Set(created.map((task) => task.input.prompt)).size).toBe(created.length); // none twice
		// The task ids are not in n8n: the execution has no Generate output.
		expect(ended.run?.data.resultData.runData[GENERATE]).toBeUndefined();
		// … but each created task calls back: the Unifically Trigger (on the surviving worker) gets them all.
		const runs = await triggerRunsEmitting(beforeTrigger, created.length).catch(diagnose);
		const emitted = runs.flatMap((run) => nodeItems(run.run!, 'Unifically Trigger').map((item) => String(item.json.task_id))).sort();
		expect(emitted).toEqual(created.map((task) => task.id).sort());
	}, TEST_TIMEOUT);
});

