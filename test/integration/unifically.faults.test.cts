/**
 * Faults (SPEC "Talking to the API" and "Outputs"): API errors carry the API's message and never the
 * key; failed and timed-out tasks are errors naming their task_id (items with Continue On Fail);
 * status reads retry 5xx, creates do not; 429s are waited out, with or without rate-limit headers.
 */
import { createServer } from 'node:net';

import type { INodeParameters } from 'n8n-workflow';

import { startSimulator, type Simulator } from '../../simulator/server.cjs';
import { runWorkflow } from '../../harness/engine.cjs';
import {
	API_KEY,
	NODE_NAME,
	receivedInput,
	runUnifically,
	serializeError,
	serializeRun,
	simTask,
	tasksOfThisTest,
	unificallyWorkflow,
	useSimulator,
} from './support/fixtures.cjs';

const veo = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'video',
	operation: 'generate',
	model: 'google/veo-3.1-fast',
	prompt: 'A foggy harbour',
	...extra,
});

/** Veo with a per-item simulator outcome (`sim_outcome`) taken from `$json.outcome`. */
const veoWithOutcomes = (extra: INodeParameters = {}): INodeParameters =>
	veo({
		prompt: '={{ $json.prompt }}',
		additionalFields: { extraInput: '={{ JSON.stringify({ sim_outcome: $json.outcome }) }}' },
		...extra,
	});

const STACK_LINE = /\n\s+at\s/;

describe('Unifically → API errors', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	it('a bad key fails with the API message "Invalid API key", no stack trace, the key nowhere', async () => {
		const result = await runUnifically(sim(), veo(), { apiKey: 'invalid-key' });
		expect(result.status).toBe('error');
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toMatch(/Invalid API key/);
		// the API's code and request_id travel with it (SPEC: 400/401/402/404)
		expect(`${error.message}\n${error.description ?? ''}`).toContain('unauthorized');
		expect(`${error.message}\n${error.description ?? ''}`).toMatch(/[0-9a-f]{12}/);
		expect(error.message).not.toMatch(STACK_LINE);
		expect(error.description ?? '').not.toMatch(STACK_LINE);
		expect(serializeError(error)).not.toContain('invalid-key');
		expect(serializeRun(result)).not.toContain('invalid-key');
		expect(sim().stats()).toMatchObject({ creates: 0, errors: { '401': 1 } });
	});

	it('402: "Insufficient balance" as the API says, nothing created, the key nowhere (Check Balance First off)', async () => {
		const result = await runUnifically(sim(), veo({ options: { checkBalance: false } }), { apiKey: 'broke-key' });
		expect(result.status).toBe('error');
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toMatch(/insufficient balance/i);
		expect(serializeRun(result)).not.toContain('broke-key');
		expect(sim().stats()).toMatchObject({ creates: 0, errors: { '402': 1 } });
	});

	it('400 from the API carries its message, code and request_id (and not the key)', async () => {
		// The node does not check callback URLs itself: the API does.
		const result = await runUnifically(sim(), veo({ options: { callbackUrl: 'ftp://example.com/hook' } }));
		expect(result.status).toBe('error');
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toMatch(/callback_url must be an http\(s\) URL/);
		const text = `${error.message}\n${error.description ?? ''}`;
		expect(text).toContain('invalid_parameters');
		expect(text).toMatch(/[0-9a-f]{12}/); // the simulator's request_id
		expect(serializeRun(result)).not.toContain(API_KEY);
	});

	it('404 (Task Get of an unknown id) does not leak the key either', async () => {
		const result = await runUnifically(sim(), { resource: 'task', operation: 'get', taskId: 'nope123' });
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/not found/i);
		expect(serializeRun(result)).not.toContain(API_KEY);
	});
});

describe('Unifically → API errors with distinctive keys', () => {
	const SECRET = 'sk-live-SECRET-7f3a9c2e1b';
	const POOR = 'sk-live-POOR-4d5e6f7a8b';
	const sim = useSimulator({ taskLatencyMs: 300, apiKeys: { [POOR]: { balance: 0.01 } } });

	it.each([
		[SECRET, /Invalid API key/],
		[POOR, /insufficient balance/i],
	])('key %s: the error carries the API message, the key appears nowhere in the run', async (key, message) => {
		const result = await runUnifically(sim(), veo(), { apiKey: key, continueOnFail: false });
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(message);
		expect(serializeRun(result)).not.toContain(key);
		expect(serializeRun(result)).not.toContain(key.slice(8)); // nor a recognisable part
	});

	it('with Continue On Fail the error item carries the message but not the key', async () => {
		const result = await runUnifically(sim(), veo(), { apiKey: SECRET, continueOnFail: true });
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json.error).toEqual(expect.stringMatching(/Invalid API key/));
		expect(JSON.stringify(result.outputOf(NODE_NAME))).not.toContain(SECRET);
	});
});

describe('Unifically → failed and unfinished tasks', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	it('a failed task is an error naming its task_id and the API reason; the other tasks are named too', async () => {
		const items = [
			{ prompt: 'ok one', outcome: 'success' },
			{ prompt: 'bad', outcome: 'fail' },
			{ prompt: 'ok two', outcome: 'success' },
		];
		const result = await runUnifically(sim(), veoWithOutcomes(), { items });
		expect(result.status).toBe('error');
		const tasks = tasksOfThisTest(sim());
		expect(tasks).toHaveLength(3);
		const failed = tasks.find((task) => task.input.prompt === 'bad')!;
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toContain(failed.id);
		expect(error.message).toMatch(/flagged by the provider/);
		// no task_id the API returned is dropped: the completed ones are named as well
		const text = serializeError(error);
		for (const task of tasks) expect(text).toContain(task.id);
		expect(serializeRun(result)).not.toContain(API_KEY);
	});

	it('with Continue On Fail a failed task is an item with task_id, status and error; the others complete', async () => {
		const items = [
			{ prompt: 'first', outcome: 'success' },
			{ prompt: 'second', outcome: 'fail' },
			{ prompt: 'third', outcome: 'success' },
		];
		const result = await runUnifically(sim(), veoWithOutcomes(), { items, continueOnFail: true });
		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output.map((item) => item.json.status)).toEqual(['completed', 'failed', 'completed']);
		expect(output.map((item) => receivedInput(sim(), item.json.task_id).prompt)).toEqual(['first', 'second', 'third']);
		const failed = output[1].json;
		expect(failed).toMatchObject({
			task_id: expect.any(String),
			status: 'failed',
			error: expect.stringContaining(failed.task_id as string),
		});
		expect(failed.error).toEqual(expect.stringMatching(/flagged by the provider/));
		expect(simTask(sim(), failed.task_id).status).toBe('failed');
	});

	it('a task that outlives options.timeout is an error naming its task_id', async () => {
		const result = await runUnifically(
			sim(),
			veo({ additionalFields: { extraInput: '{"sim_outcome": "stuck"}' }, options: { timeout: 2 } }),
		);
		expect(result.status).toBe('error');
		const [task] = tasksOfThisTest(sim());
		expect(task.status).not.toBe('completed');
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toContain(task.id);
		expect(sim().stats().creates).toBe(1);
	});

	it('with Continue On Fail a timed-out task is an item with task_id, status and error; the other completes', async () => {
		const items = [
			{ prompt: 'quick', outcome: 'success' },
			{ prompt: 'forever', outcome: 'stuck' },
		];
		const result = await runUnifically(sim(), veoWithOutcomes({ options: { timeout: 2 } }), {
			items,
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(output[0].json.status).toBe('completed');
		const stuck = output[1].json;
		expect(stuck).toMatchObject({
			task_id: expect.any(String),
			status: expect.stringMatching(/^(pending|processing)$/),
			error: expect.stringContaining(stuck.task_id as string),
		});
		expect(receivedInput(sim(), stuck.task_id).prompt).toBe('forever');
	});

	it('Task Wait with a timeout: error naming the task_id (the task goes on)', async () => {
		const created = await runUnifically(sim(), {
			...veo({ additionalFields: { extraInput: '{"sim_outcome": "stuck"}' } }),
			operation: 'create',
		});
		const taskId = created.outputOf(NODE_NAME)[0].json.task_id as string;
		const waited = await runUnifically(
			sim(),
			{ resource: 'task', operation: 'wait', taskId, options: { timeout: 1 } },
			{ continueOnFail: true },
		);
		expect(waited.status).toBe('success');
		expect(waited.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: taskId, error: expect.stringContaining(taskId) });
	});
});

describe('Unifically → retries', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	/** Creates a task (Create), then waits for it (Task Wait reads at once): status reads without the first-read delay. */
	async function createThenWait() {
		const created = await runUnifically(sim(), { ...veo(), operation: 'create' });
		const taskId = created.outputOf(NODE_NAME)[0].json.task_id as string;
		await new Promise((resolve) => setTimeout(resolve, 350)); // the task (300 ms) is done
		const result = await runUnifically(sim(), { resource: 'task', operation: 'wait', taskId });
		return { taskId, result };
	}

	it('status reads that get 5xx are retried and the task completes', async () => {
		sim().failNext({ endpoint: 'status', status: 500, count: 2 });
		const { taskId, result } = await createThenWait();
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: taskId, status: 'completed' });
		const stats = sim().stats();
		expect(stats.errors).toEqual({ '500': 2 });
		expect(stats.statusReads).toBe(3);
		expect(stats.creates).toBe(1);
	});

	it('a status read whose connection drops is retried', async () => {
		sim().failNext({ endpoint: 'status', status: 0 });
		const { taskId, result } = await createThenWait();
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(sim().stats().statusReads).toBe(2);
	});

	it('a create answered 5xx is NOT retried (it may have been charged): one attempt, an error', async () => {
		sim().failNext({ endpoint: 'create', status: 500 });
		const result = await runUnifically(sim(), veo());
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/Internal Server Error/);
		const stats = sim().stats();
		expect(stats.requests - stats.accountReads).toBe(1); // exactly one POST (after the balance read), nothing after it
		expect(stats.errors).toEqual({ '500': 1 });
		expect(stats.creates).toBe(0);
	});

	it('a create whose response is lost after the task was made is not retried (no double charge)', async () => {
		sim().failNext({ endpoint: 'create', status: 502, afterCreate: true });
		const result = await runUnifically(sim(), veo());
		expect(result.status).toBe('error');
		expect(sim().stats()).toMatchObject({ creates: 1, requests: 2, accountReads: 1 });
	});

	it('a create whose connection drops is not retried', async () => {
		sim().failNext({ endpoint: 'create', status: 0, afterCreate: true });
		const result = await runUnifically(sim(), veo());
		expect(result.status).toBe('error');
		expect(sim().stats()).toMatchObject({ creates: 1, requests: 2, accountReads: 1 });
	});

	it('a create failing in the middle of a batch: the error names every task already created', async () => {
		// Creates are paced (one every ~105 ms): the third create fails, once two tasks exist.
		const before = sim().stats().creates;
		const failAfterTwo = setInterval(() => {
			if (sim().stats().creates < before + 2) return;
			clearInterval(failAfterTwo);
			sim().failNext({ endpoint: 'create', status: 500 });
		}, 5);
		const items = Array.from({ length: 12 }, (_, index) => ({ prompt: `item ${index}` }));
		const result = await runUnifically(sim(), veo({ prompt: '={{ $json.prompt }}' }), { items });
		clearInterval(failAfterTwo);
		expect(result.status).toBe('error');
		const created = tasksOfThisTest(sim());
		expect(created.length).toBeGreaterThan(0);
		const text = serializeError(result.errorOf(NODE_NAME));
		for (const task of created) expect(text).toContain(task.id);
		const stats = sim().stats();
		expect(stats.errors).toEqual({ '500': 1 }); // the failed create is not retried
		expect(stats.requests).toBe(stats.accountReads + stats.creates + 1);
	});

	it('a create and a status read answered 429 (Retry-After: 1) are waited out and retried; the task completes', async () => {
		sim().failNext([
			{ endpoint: 'create', status: 429, retryAfterSeconds: 1 },
			{ endpoint: 'status', status: 429, retryAfterSeconds: 1 },
		]);
		const result = await runUnifically(sim(), veo());
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json.status).toBe('completed');
		expect(sim().stats()).toMatchObject({ rateLimited: 2, creates: 1, errors: { '429': 2 } });
		expect(sim().stats().statusReads).toBeGreaterThanOrEqual(1);
	});
});

describe('Unifically → 429 without rate-limit headers', () => {
	const sim = useSimulator({ taskLatencyMs: 300, omitRateLimitHeaders: true });

	it('is waited out for the seconds its message names, then retried', async () => {
		sim().failNext({ endpoint: 'create', status: 429, retryAfterSeconds: 1 });
		const started = Date.now();
		const result = await runUnifically(sim(), { ...veo(), operation: 'create' });
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: expect.any(String), status: 'pending' });
		expect(sim().stats()).toMatchObject({ rateLimited: 1, creates: 1 });
		// not the default 60 s ban: the message said 1 second (a loose bound, not a benchmark)
		expect(Date.now() - started).toBeLessThan(20_000);
	});
});

describe('Unifically → refused connection on create', () => {
	let sim: Simulator | undefined;
	afterAll(async () => {
		await sim?.close();
	});

	it('is retried (nothing can have been created): the API comes up and the task is created', async () => {
		// a port nobody listens on yet
		const port = await new Promise<number>((resolve) => {
			const probe = createServer();
			probe.listen(0, '127.0.0.1', () => {
				const { port: free } = probe.address() as { port: number };
				probe.close(() => resolve(free));
			});
		});
		const url = `http://127.0.0.1:${port}`;
		const starting = new Promise<Simulator>((resolve) =>
			setTimeout(() => resolve(startSimulator({ port, taskLatencyMs: 300 })), 400),
		);
		const running = runWorkflow({
			...unificallyWorkflow({ ...veo(), operation: 'create' }),
			credentials: { unificallyApi: { apiKey: API_KEY, baseUrl: url, requestsPerSecond: 10 } },
		});
		sim = await starting;
		const result = await running;
		expect(result.status).toBe('success');
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: expect.any(String), status: 'pending' });
		expect(sim.stats().creates).toBe(1);
	});
});
