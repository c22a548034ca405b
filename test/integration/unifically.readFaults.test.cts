/**
 * Failing status reads (SPEC "Talking to the API": a failing status read never ends a batch; until
 * the task's `timeout` it only delays that task). Issue 22 part 4: a streak of 500s on
 * `GET /v1/tasks/:id` used to end a paid batch — one read failing six times in a row hit the
 * transport's attempt cap, and the poller turned that into the end of the node.
 *
 * The simulator fails a seeded share of status reads (a mix of the API's 500 JSON error, a gateway's
 * 502 HTML page and a dropped connection). The backoff between retried reads is the production code
 * with a shorter schedule (`retryBackoff`), so that forty batches run in minutes; the real
 * schedule (1 s … 30 s) runs in the end-to-end test (test/e2e/callback-wait.test.cts).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { retryBackoff } from '../../nodes/Unifically/transport/index';
import type { FailRule, Simulator } from '../../simulator/server.cjs';
import {
	API_KEY,
	NODE_NAME,
	prompts,
	receivedInput,
	runUnifically,
	tasksOfThisTest,
	useSimulator,
} from './support/fixtures.cjs';

const GATEWAY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** A share `rate` of status reads fails: half the API's 500 JSON, a quarter a 502 HTML page, a quarter dropped. */
const statusFaults = (rate: number, seed: number): FailRule[] => [
	{ endpoint: 'status', rate: rate / 2, status: 500, seed },
	{ endpoint: 'status', rate: rate / 4, status: 502, body: GATEWAY_PAGE },
	{ endpoint: 'status', rate: rate / 4, status: 0 },
];

const flux = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	model: 'black-forest-labs/flux.2-pro',
	prompt: '={{ $json.prompt }}',
	options: { download: false },
	...extra,
});

const injectedErrors = (sim: Simulator) =>
	Object.entries(sim.stats().errors)
		.filter(([status]) => ['0', '500', '502'].includes(status))
		.reduce((sum, [, count]) => sum + count, 0);

/** Shorter backoff for the fault runs: the production code path, another schedule. */
function useShortReadBackoff() {
	const real = { ...retryBackoff };
	beforeAll(() => Object.assign(retryBackoff, { baseMs: 50, maxMs: 800, untilDeadlineMaxMs: 1000 }));
	afterAll(() => Object.assign(retryBackoff, real));
}

describe('Unifically → Generate with failing status reads', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });
	useShortReadBackoff();
	const figures: string[] = [];
	afterAll(() => process.stderr.write(`[read faults] ${figures.join('\n  ')}\n`));

	async function generateWithFaults(rate: number, seed: number, itemCount = 10) {
		sim().reset(); // counters and fault rules of this run only
		const before = new Set(sim().tasks.keys());
		sim().failNext(statusFaults(rate, seed));
		const items = prompts(itemCount, `seed ${seed}`);
		// a key of its own per run: each batch starts with a fresh rate limiter
		const started = Date.now();
		const result = await runUnifically(sim(), flux({ options: { download: false, timeout: 60 } }), {
			items,
			apiKey: `${API_KEY}-faults-${rate}-${seed}`,
			timeoutMs: 90_000,
		});
		const stats = sim().stats();
		figures.push(
			`${rate * 100} % seed ${seed}: ${result.status}, ${Date.now() - started} ms, ${stats.statusReads} reads, errors ${JSON.stringify(stats.errors)}`,
		);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(itemCount);
		expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		expect(output.map((item) => item.json.status)).toEqual(items.map(() => 'completed'));
		expect(output.map((item) => receivedInput(sim(), item.json.task_id).prompt)).toEqual(items.map((item) => item.prompt));
		// each item created once: no create was retried, none lost
		expect(stats.creates).toBe(itemCount);
		expect([...sim().tasks.keys()].filter((id) => !before.has(id))).toHaveLength(itemCount);
		expect(stats.rateLimited).toBe(0);
		return injectedErrors(sim());
	}

	const seeds = Array.from({ length: 20 }, (_, index) => index + 1);

	it('30 % of status reads failing (500 JSON, 502 HTML, dropped): 20 seeded batches, every task completes', async () => {
		let faults = 0;
		for (const seed of seeds) faults += await generateWithFaults(0.3, seed);
		// the faults happened: about 30 % of at least 200 reads
		expect(faults).toBeGreaterThan(40);
	}, 600_000);

	it('50 % of status reads failing: 20 seeded batches, every task completes', async () => {
		let faults = 0;
		for (const seed of seeds) faults += await generateWithFaults(0.5, seed);
		expect(faults).toBeGreaterThan(100);
	}, 600_000);

	it('one read failing 8 times in a row (past the transport\'s 6 attempts) only delays its task', async () => {
		// The path that ended the batch: the 6th failed attempt of one read threw, and the poller ended the node.
		sim().failNext({ endpoint: 'status', status: 500, count: 8 });
		const result = await runUnifically(sim(), flux(), { items: prompts(1) });
		expect(result.error?.message).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json.status).toBe('completed');
		expect(sim().stats().errors).toEqual({ '500': 8 });
		expect(sim().stats().statusReads).toBe(9);
	});

	it('reads failing until the timeout: an error naming the task_id, its last status and the last read error', async () => {
		sim().failNext({ endpoint: 'status', rate: 1, status: 502, body: GATEWAY_PAGE });
		const started = Date.now();
		const result = await runUnifically(sim(), flux({ options: { download: false, timeout: 4 } }), { items: prompts(1) });
		expect(result.status).toBe('error');
		const [task] = tasksOfThisTest(sim());
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toContain(task.id);
		expect(error.message).toMatch(/did not finish within the timeout \(last status: pending; the last status read failed: Unifically API error 502: <html>/);
		// at the deadline, not before it (and not long after: backoff never goes past the deadline)
		expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
		expect(Date.now() - started).toBeLessThan(12_000);
		// retried until then (the first read comes 2 s after the create)
		expect(sim().stats().statusReads).toBeGreaterThan(2);
		expect(sim().stats().errors['502']).toBe(sim().stats().statusReads);
	});

	it('with Continue On Fail: an item with task_id, status, the error and the last read error', async () => {
		sim().failNext({ endpoint: 'status', rate: 1, status: 0 });
		const result = await runUnifically(sim(), flux({ options: { download: false, timeout: 3 } }), {
			items: prompts(1),
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		const [task] = tasksOfThisTest(sim());
		expect(item.json).toMatchObject({
			task_id: task.id,
			status: 'pending',
			error: expect.stringContaining(task.id),
			// n8n words a reset connection its own way
			last_read_error: expect.stringMatching(/closed unexpectedly|Could not reach the Unifically API/),
		});
	});

	it('an error the API answers (404) still ends the task at once, with the API message', async () => {
		sim().failNext({ endpoint: 'status', status: 404, message: 'Task not found (simulated)' });
		const started = Date.now();
		const result = await runUnifically(sim(), flux(), { items: prompts(1) });
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/Unifically API error 404: Task not found \(simulated\)/);
		expect(Date.now() - started).toBeLessThan(20_000);
		expect(sim().stats().statusReads).toBe(1);
	});
});

describe('Unifically → Task Wait and Until Callback with failing status reads', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });
	useShortReadBackoff();

	async function createTasks(count: number): Promise<string[]> {
		const created = await runUnifically(sim(), { ...flux(), operation: 'create' }, { items: prompts(count, 'wait') });
		return created.outputOf(NODE_NAME).map((item) => item.json.task_id as string);
	}

	it('Task Wait: 50 % of reads failing, 10 seeded runs of 5 tasks, every task comes out completed', async () => {
		for (let seed = 1; seed <= 10; seed++) {
			const taskIds = await createTasks(5);
			sim().failNext(statusFaults(0.5, seed));
			const result = await runUnifically(
				sim(),
				{ resource: 'task', operation: 'wait', taskId: '={{ $json.taskId }}' },
				{ items: taskIds.map((taskId): IDataObject => ({ taskId })) },
			);
			expect(result.error?.message).toBeUndefined();
			const output = result.outputOf(NODE_NAME);
			expect(output.map((item) => [item.json.task_id, item.json.status])).toEqual(taskIds.map((taskId) => [taskId, 'completed']));
			sim().reset();
		}
	}, 300_000);

	it('Task Wait: one read failing 8 times in a row only delays it', async () => {
		const [taskId] = await createTasks(1);
		sim().failNext({ endpoint: 'status', status: 503, count: 8 });
		const result = await runUnifically(sim(), { resource: 'task', operation: 'wait', taskId });
		expect(result.error?.message).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(sim().stats().errors).toEqual({ '503': 8 });
	});

	it('Task Wait: a 408, a 200 carrying a proxy\'s HTML page and a 504 in a row only delay the read', async () => {
		const [taskId] = await createTasks(1);
		sim().failNext([
			{ endpoint: 'status', status: 408 },
			{ endpoint: 'status', status: 200, body: '<html><body>Please wait while we check your browser</body></html>' },
			{ endpoint: 'status', status: 504, body: '<html><body>504 Gateway Time-out</body></html>' },
		]);
		const started = Date.now();
		const result = await runUnifically(sim(), { resource: 'task', operation: 'wait', taskId });
		expect(result.error?.message).toBeUndefined();
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(sim().stats().statusReads).toBe(4);
		// retried as a failed read (50 ms, 100 ms …), not taken for an answer: an unfinished task's next read waits 2 s
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('Task Wait: reads failing until its timeout give the timed-out error naming the task_id', async () => {
		const [taskId] = await createTasks(1);
		sim().failNext({ endpoint: 'status', rate: 1, status: 500 });
		const result = await runUnifically(
			sim(),
			{ resource: 'task', operation: 'wait', taskId, options: { timeout: 2 } },
			{ continueOnFail: true },
		);
		expect(result.outputOf(NODE_NAME)[0].json).toMatchObject({
			task_id: taskId,
			error: expect.stringMatching(new RegExp(`Task ${taskId} did not finish within the timeout .*Internal Server Error \\(simulated\\)`)),
			last_read_error: expect.stringContaining('Unifically API error 500'),
		});
	});

	it('Until Callback: the check after creating failing 8 times does not end the node: the execution waits, every task_id kept', async () => {
		// Fast tasks (done before the check) whose callbacks go nowhere: only the check could finish them.
		sim().failNext({ endpoint: 'status', status: 500, count: 8 });
		const items = prompts(3, 'callback');
		const result = await runUnifically(sim(), flux({ options: { download: false, waitMode: 'callback', timeout: 600 } }), {
			items,
		});
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('waiting');
		const tasks = tasksOfThisTest(sim());
		expect(tasks).toHaveLength(3);
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.json.task_id)).toEqual(tasks.map((task) => task.id));
		expect(output.every((item) => item.json.status === 'pending')).toBe(true);
	});
});
