/**
 * Generate's "Until Callback" wait mode in a real n8n 2.x (`n8n start`), with the package installed
 * from its `npm pack` tarball and the simulator calling back. An execution is started through a
 * published workflow's production Webhook trigger (`n8n execute` exits when the execution waits),
 * and followed in n8n's database.
 *
 * What is shown: the execution waits in n8n (status "waiting", no worker held), survives an n8n
 * restart, and completes with every item, in input order, when the callbacks arrive; fast tasks
 * complete without a lost item; on timeout n8n's wait tracker resumes it and each unfinished task
 * comes out with its `task_id`, status and the timeout error (SPEC: Outputs); half the status reads
 * failing only delays the tasks (every item still comes out).
 */

import {
	N8n,
	UNIFICALLY_NODE,
	ensureN8n,
	nodeItems,
	packPackage,
	StopWaiting,
	waitFor,
	type ExecutionRecord,
	type WorkflowJson,
} from '../../harness/n8n/index.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';
import { webhookBatchWorkflow } from './support/workflows.cjs';

const SETUP_TIMEOUT = 20 * 60_000;
const TEST_TIMEOUT = 4 * 60_000;

const WORKFLOW_ID = 'unifCbWaitE2e001';
const WEBHOOK_PATH = 'unifically-callback-wait-e2e';
const GENERATE = 'Generate Videos';
const GENERATE_NODE_ID = '5a3f3c52-8c1e-4d62-9a57-3c3f0d3b9e01';
const AFTER = 'After Generate';
/** Item 0 of the restart test finishes while n8n is stopped (stop takes a few seconds). */
const LOST_LATENCY = 15_000;
/** The others finish after n8n is back (a start takes 10–25 s on 2 busy cores). */
const LAST_LATENCY = 55_000;

interface ItemSpec {
	prompt: string;
	/** The simulator's `sim_latency_ms` for this task. */
	latency?: number;
	/** The simulator's `sim_outcome`: success (default), fail, stuck. */
	outcome?: string;
}

/**
 * Webhook (POST, answers at once) → one item per `body.items` entry → Generate (Veo 3.1 Fast,
 * "Until Callback", timeout from the body, output files downloaded) → a NoOp, to show the workflow
 * goes on after the resume.
 */
function callbackWorkflow(credential: { id: string; name: string }): WorkflowJson {
	return webhookBatchWorkflow({
		id: WORKFLOW_ID,
		name: 'e2e: Generate until callback',
		path: WEBHOOK_PATH,
		generate: {
			id: GENERATE_NODE_ID,
			name: GENERATE,
			type: UNIFICALLY_NODE,
			typeVersion: 1,
			position: [440, 0],
			parameters: {
				resource: 'video',
				operation: 'generate',
				model: 'google/veo-3.1-fast',
				prompt: '={{ $json.prompt }}',
				additionalFields: {
					extraInput: "={{ JSON.stringify({ sim_latency_ms: $json.latency ?? 1000, sim_outcome: $json.outcome ?? 'success' }) }}",
				},
				options: { waitMode: 'callback', timeout: "={{ $('Webhook').first().json.body.timeout }}", download: true },
			},
			credentials: { unificallyApi: credential },
		},
		after: AFTER,
		settings: { executionOrder: 'v1', saveManualExecutions: true, saveDataSuccessExecution: 'all', saveDataErrorExecution: 'all' },
	});
}

describe('Generate "Until Callback" in a real n8n', () => {
	let sim: Simulator;
	let n8n: N8n;
	const log: string[] = [];
	const note = (text: string) => log.push(text);

	beforeAll(async () => {
		await ensureN8n();
		const tarball = await packPackage();
		sim = await startTestSimulator();
		n8n = await N8n.create({ tarball, name: 'unifically-callback-wait', env: { N8N_LOG_LEVEL: 'debug' } });
		const credential = await n8n.importUnificallyCredential({ baseUrl: sim.url });
		await n8n.importWorkflow(callbackWorkflow(credential));
		await n8n.publishWorkflow(WORKFLOW_ID);
		const started = Date.now();
		await n8n.start();
		await n8n.waitForWebhooks(WORKFLOW_ID);
		note(`n8n start until the webhook answers: ${Date.now() - started} ms`);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		process.stderr.write(`[callback-wait] timings:\n  ${log.join('\n  ')}\n`);
		await n8n?.dispose();
		await sim?.close();
	}, 60_000);

	/** Starts one execution through the production webhook; resolves with its record once it exists. */
	async function startExecution(items: ItemSpec[], timeoutSeconds: number): Promise<ExecutionRecord> {
		const before = new Set(n8n.executions({ workflowId: WORKFLOW_ID }).map((execution) => execution.id));
		const response = await fetch(n8n.webhookUrl(WEBHOOK_PATH), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ items, timeout: timeoutSeconds }),
		});
		expect(response.status).toBe(200);
		return waitFor('the new execution', () => n8n.executions({ workflowId: WORKFLOW_ID }).find((execution) => !before.has(execution.id)), {
			timeoutMs: 30_000,
		});
	}

	function execution(id: string, includeData = false): ExecutionRecord {
		const found = n8n.executions({ workflowId: WORKFLOW_ID, includeData }).find((record) => record.id === id);
		if (!found) throw new Error(`execution ${id} not found`);
		return found;
	}

	async function waitForStatus(id: string, statuses: string[], timeoutMs: number): Promise<ExecutionRecord> {
		return await waitFor(
			`execution ${id} to be ${statuses.join(' or ')}`,
			() => {
				const record = execution(id);
				if (statuses.includes(record.status)) return record;
				if (!['new', 'running', 'waiting', 'unknown'].includes(record.status)) {
					const run = execution(id, true).run;
					throw new StopWaiting(
						`execution ${id} ended with status ${record.status} before it was ${statuses.join(' or ')}: ` +
							JSON.stringify(run?.data.resultData.error ?? run?.data.resultData.runData[GENERATE], null, 1).slice(0, 3000),
					);
				}
				return undefined;
			},
			{ timeoutMs, intervalMs: 200 },
		).catch((error: Error) => {
			throw error instanceof StopWaiting ? error : diagnosed(error, id);
		});
	}

	/** n8n's log lines at level warn or error since `from` (an offset into its log). */
	function warningsSince(from: number): string[] {
		return n8n
			.logs()
			.slice(from)
			.split('\n')
			// eslint-disable-next-line no-control-regex
			.map((line) => line.replace(/\u001b\[[0-9;]*m/g, ''))
			.filter((line) => /^\S+\s+(warn|error)\s/.test(line));
	}

	async function waitForEnd(id: string, timeoutMs: number): Promise<ExecutionRecord> {
		try {
			await waitFor(`execution ${id} to end`, () => !['new', 'running', 'waiting', 'unknown'].includes(execution(id).status), {
				timeoutMs,
				intervalMs: 250,
			});
		} catch (error) {
			throw diagnosed(error as Error, id);
		}
		return execution(id, true);
	}

	/** An error with what the simulator and n8n saw, for a failed wait. */
	function diagnosed(error: Error, id: string): Error {
		const stats = sim.stats();
		const callbacks = stats.callbacks.map(({ task_id, status, error: reason, responseBody }) => ({ task_id, status, reason, responseBody }));
		const counters = { creates: stats.creates, statusReads: stats.statusReads, rateLimited: stats.rateLimited, errors: stats.errors };
		const logTail = n8n
			.logs()
			.split('\n')
			.filter((line) => !/pubsub\.registry|Heartbeat|IsolatedVmBridge/.test(line))
			.slice(-50)
			.join('\n');
		return new Error(
			`${error.message}\nexecution ${id}: ${execution(id).status}\nsimulator: ${JSON.stringify(counters)}\n` +
				`callbacks: ${JSON.stringify(callbacks, null, 1)}\n--- n8n log ---\n${logTail}`,
		);
	}

	/** Tasks the simulator created since `known` was taken, oldest first. */
	function newTasks(known: Set<string>) {
		return [...sim.tasks.values()].filter((task) => !known.has(task.id)).sort((a, b) => a.createdAt - b.createdAt);
	}

	test('the execution waits in n8n, survives a restart, and completes with every item when the callbacks arrive', async () => {
		sim.resetStats();
		const known = new Set(sim.tasks.keys());
		// Item 0 finishes while n8n is down (its callback is lost); item 2 calls back first after the
		// restart (the execution must go on waiting); item 1, last, resumes it.
		const items: ItemSpec[] = [
			{ prompt: 'A lighthouse in a storm', latency: LOST_LATENCY },
			{ prompt: 'A fox crossing a snowy field', latency: LAST_LATENCY },
			{ prompt: 'A paper boat on a rainy street', latency: LAST_LATENCY - 5_000 },
		];
		const posted = Date.now();
		const started = await startExecution(items, 600);

		const waiting = await waitForStatus(started.id, ['waiting'], 30_000);
		note(`webhook POST until the execution is "waiting": ${Date.now() - posted} ms`);
		expect(waiting.finished).toBe(false);
		// The same as n8n's REST API (the editor's Executions list) shows it.
		const shown = await n8n.rest<{ data: { status: string; finished: boolean } }>('GET', `/rest/executions/${started.id}`);
		expect(shown.data).toMatchObject({ status: 'waiting', finished: false });
		// waitTill is the timeout (600 s) from when it started waiting.
		const waitTill = new Date(`${waiting.waitTill!}${/Z|[+-]\d\d:?\d\d$/.test(waiting.waitTill!) ? '' : 'Z'}`).getTime();
		expect(waitTill).toBeGreaterThan(Date.now() + 500_000);
		expect(waitTill).toBeLessThan(Date.now() + 620_000);

		const tasks = newTasks(known);
		expect(tasks).toHaveLength(3);
		const taskOf = (index: number) => tasks.find((task) => task.input.prompt === items[index].prompt)!;
		// Each task's callback_url is this execution's resume URL for the Generate node.
		for (const task of tasks) {
			const url = new URL(task.callbackUrl!);
			expect(`${url.origin}${url.pathname}`).toBe(`${n8n.baseUrl}/webhook-waiting/${started.id}/${GENERATE_NODE_ID}`);
			expect(url.searchParams.get('signature')).toBeTruthy();
		}

		// Stop n8n (gracefully) and let item 0 finish while it is down: its callback finds nobody.
		const stopping = Date.now();
		await n8n.stop();
		note(`n8n stop (SIGTERM until exit): ${Date.now() - stopping} ms`);
		expect(sim.stats().callbacksSent).toBe(0); // n8n was down before the first task finished
		const lost = await waitFor(
			'the callback of item 0 to be sent',
			() => {
				const callback = taskOf(0).callback;
				return callback && (callback.error !== undefined || callback.status !== null) ? callback : undefined;
			},
			{ timeoutMs: LOST_LATENCY + 10_000 },
		);
		expect(lost).toMatchObject({ status: null, error: expect.stringMatching(/ECONNREFUSED|closed|socket/i) });
		const restarting = Date.now();
		await n8n.start();
		note(`n8n start (until ready): ${Date.now() - restarting} ms`);
		expect(execution(started.id).status).toBe('waiting');
		// Only item 0 has finished: the other two call back to the restarted n8n.
		expect(sim.stats().callbacksSent).toBe(1);

		// Item 2 calls back: answered 200, but item 1 is not finished, so the execution goes on waiting.
		const early = await waitFor('the callback of item 2', () => (taskOf(2).callback?.status ? taskOf(2).callback : undefined), {
			timeoutMs: LAST_LATENCY,
		});
		expect(early.status).toBe(200);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		expect(execution(started.id).status).toBe('waiting');

		const ended = await waitForEnd(started.id, LAST_LATENCY + 30_000);
		note(`webhook POST until the execution ended: ${Date.now() - posted} ms (last task latency ${LAST_LATENCY} ms)`);
		expect(ended.status).toBe('success');
		expect(taskOf(1).callback?.status).toBe(200);

		// Every item, in input order: item 0's result read from the API, since its callback was lost.
		const output = nodeItems(ended.run!, GENERATE);
		expect(output).toHaveLength(3);
		output.forEach((item, index) => {
			const task = taskOf(index);
			expect(item.pairedItem).toMatchObject({ item: index });
			expect(item.json).toMatchObject({ task_id: task.id, status: 'completed', model: 'google/veo-3.1-fast' });
			expect(item.json.output).toEqual(task.planned.output);
			expect(item.json).not.toHaveProperty('error');
			expect(item.json).not.toHaveProperty('waiting_for_callback');
			// Downloaded on resume (in the webhook call), stored with the execution.
			expect(item.binary?.data?.mimeType).toMatch(/^video\//);
			expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		});
		// The workflow went on after the resume.
		expect(nodeItems(ended.run!, AFTER)).toHaveLength(3);
		// One callback per task; no task lost, none created twice.
		expect(sim.stats().callbacks.map((callback) => callback.task_id).sort()).toEqual(tasks.map((task) => task.id).sort());
		expect(sim.stats()).toMatchObject({ creates: 3, tasksCompleted: 3 });
	}, TEST_TIMEOUT);

	test.each([
		[0, 'finished before the node checks: it emits them without waiting'],
		[200, 'finishing around the time the node starts waiting'],
	])('fast tasks (latency %i ms, %s): every item comes out', async (latency) => {
		sim.resetStats();
		const known = new Set(sim.tasks.keys());
		const items: ItemSpec[] = ['one', 'two', 'three'].map((n) => ({ prompt: `Quick ${n} (${latency} ms)`, latency }));
		const logFrom = n8n.logs().length;
		const posted = Date.now();
		const started = await startExecution(items, 120);
		const ended = await waitForEnd(started.id, 60_000);
		const waited = n8n.logs().slice(logFrom).includes(`Setting execution status for ${started.id} to "waiting"`);
		const answers = sim.stats().callbacks.map((callback) => callback.status);
		note(`fast tasks, ${latency} ms: POST until the execution ended ${Date.now() - posted} ms; waited: ${waited}; callbacks answered ${JSON.stringify(answers)}`);
		expect(ended.status).toBe('success');
		const tasks = newTasks(known);
		expect(tasks).toHaveLength(3);
		const output = nodeItems(ended.run!, GENERATE);
		expect(output).toHaveLength(3);
		output.forEach((item, index) => {
			const task = tasks.find((candidate) => candidate.input.prompt === items[index].prompt)!;
			expect(item.json).toMatchObject({ task_id: task.id, status: 'completed' });
			expect(item.json.output).toEqual(task.planned.output);
			expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		});
		expect(nodeItems(ended.run!, AFTER)).toHaveLength(3);
		// Already finished when the node checked: the callbacks met a running execution (409) and it never waited.
		if (latency === 0) {
			expect(waited).toBe(false);
			expect(answers).toEqual([409, 409, 409]);
		}
	}, TEST_TIMEOUT);

	test('callbacks arriving together: the execution resumes once, with every item', async () => {
		sim.resetStats();
		const known = new Set(sim.tasks.keys());
		const items: ItemSpec[] = [1, 2, 3, 4].map((n) => ({ prompt: `Same latency ${n}`, latency: 4_000 }));
		const logFrom = n8n.logs().length;
		const posted = Date.now();
		const started = await startExecution(items, 120);
		await waitForStatus(started.id, ['waiting'], 30_000);
		const ended = await waitForEnd(started.id, 60_000);
		note(`4 tasks finishing together: webhook POST until the execution ended: ${Date.now() - posted} ms`);
		expect(ended.status).toBe('success');
		const tasks = newTasks(known);
		const output = nodeItems(ended.run!, GENERATE);
		expect(output.map((item) => item.json.task_id)).toEqual(items.map((item) => tasks.find((task) => task.input.prompt === item.prompt)!.id));
		expect(output.map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
		expect(ended.run!.data.resultData.runData[GENERATE]).toHaveLength(1);
		expect(ended.run!.data.resultData.runData[AFTER]).toHaveLength(1);
		expect(sim.stats().callbacks.map((callback) => callback.status)).toEqual([200, 200, 200, 200]);
		note(`4 tasks finishing together: n8n warn/error lines: ${JSON.stringify(warningsSince(logFrom))}`);
		// The callbacks share what they read: about one status read per task, never a 429.
		const stats = sim.stats();
		note(`4 tasks finishing together: simulator ${JSON.stringify({ statusReads: stats.statusReads, peakPerSecond: stats.peakStatusReadsPerSecond })}`);
		expect(stats.rateLimited).toBe(0);
		expect(stats.statusReads).toBeLessThanOrEqual(2 * items.length + 1);
	}, TEST_TIMEOUT);

	test('half the status reads failing (500 JSON, 502 HTML, dropped): 10 items, every item comes out completed', async () => {
		// Issue 22: a streak of failing reads used to end a paid batch. Set over the simulator's HTTP
		// control, as a user of the demo would; the node's real backoff (1 s … 30 s) is in use.
		sim.resetStats();
		const known = new Set(sim.tasks.keys());
		const faults = [
			{ endpoint: 'status', rate: 0.25, status: 500, seed: 22 },
			{ endpoint: 'status', rate: 0.125, status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' },
			{ endpoint: 'status', rate: 0.125, status: 0 },
		];
		const configured = await fetch(`${sim.url}/__sim/config`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ faults }),
		});
		expect(configured.status).toBe(200);
		try {
			const items: ItemSpec[] = Array.from({ length: 10 }, (_, index) => ({ prompt: `Faulty reads ${index}`, latency: 1500 + 300 * index }));
			const posted = Date.now();
			const started = await startExecution(items, 600);
			const ended = await waitForEnd(started.id, 180_000);
			const stats = sim.stats();
			note(
				`50 % failing reads, 10 items: POST until the execution ended ${Date.now() - posted} ms; ` +
					`${stats.statusReads} reads, errors ${JSON.stringify(stats.errors)}, callbacks ${JSON.stringify(stats.callbacks.map((callback) => callback.status))}`,
			);
			expect(ended.status).toBe('success');
			const tasks = newTasks(known);
			expect(tasks).toHaveLength(10);
			const output = nodeItems(ended.run!, GENERATE);
			expect(output.map((item) => item.json.task_id)).toEqual(items.map((item) => tasks.find((task) => task.input.prompt === item.prompt)!.id));
			expect(output.map((item) => item.json.status)).toEqual(items.map(() => 'completed'));
			output.forEach((item) => expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes));
			expect(nodeItems(ended.run!, AFTER)).toHaveLength(10);
			// the faults happened, and no create was repeated
			expect((stats.errors['500'] ?? 0) + (stats.errors['502'] ?? 0) + (stats.errors['0'] ?? 0)).toBeGreaterThan(0);
			expect(stats.creates).toBe(10);
		} finally {
			sim.configure({ faults: [] });
		}
	}, TEST_TIMEOUT);

	test('timeout: n8n resumes the execution and each unfinished task comes out with its task_id', async () => {
		sim.resetStats();
		const known = new Set(sim.tasks.keys());
		const items: ItemSpec[] = [
			{ prompt: 'Never finishes A', outcome: 'stuck' },
			{ prompt: 'Never finishes B', outcome: 'stuck' },
		];
		const posted = Date.now();
		const started = await startExecution(items, 5);
		await waitForStatus(started.id, ['waiting'], 30_000);
		const waitingAt = Date.now();
		const readsBeforeTimeout = sim.stats().statusReads;
		// n8n's wait tracker looks for due executions every 60 s.
		const ended = await waitForEnd(started.id, 100_000);
		note(`timeout 5 s: "waiting" until the execution ended: ${Date.now() - waitingAt} ms (POST until end ${Date.now() - posted} ms)`);
		expect(ended.status).toBe('success');
		const tasks = newTasks(known);
		expect(tasks).toHaveLength(2);
		const output = nodeItems(ended.run!, GENERATE);
		expect(output).toHaveLength(2);
		output.forEach((item, index) => {
			expect(item.pairedItem).toMatchObject({ item: index });
			expect(item.json).toMatchObject({ task_id: tasks[index].id, status: 'pending', model: 'google/veo-3.1-fast' });
			expect(String(item.json.error)).toMatch(/timeout/i);
			expect(String(item.json.error)).toContain(tasks[index].id);
		});
		expect(nodeItems(ended.run!, AFTER)).toHaveLength(2);
		// n8n does not run the node at the timeout (it passes the waiting node's input items through):
		// no status was read after the execution started waiting.
		expect(sim.stats().statusReads).toBe(readsBeforeTimeout);
	}, TEST_TIMEOUT);
});
