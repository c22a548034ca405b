/**
 * Failing status reads (SPEC "Talking to the API": a failing status read never ends a batch; until
 * the task's `timeout` it only delays that task). Issue 22 part 4: a streak of 500s on
 * `GET /v1/tasks/:id` used to end a paid batch — one read failing six times in a row hit the
 * transport's attempt cap, and the poller turned that into the end of the node.
 *
 * The simulator fails a seeded share of status reads (a mix of the API's 500 JSON error, a gateway's
 * 502 HTML page and a dropped connection). The backoff between retried reads is the production code
 * with a shorter schedule (the credential's `retryBackoff`), so that forty batches run in minutes; the real
 * schedule (1 s … 30 s) runs in the end-to-end test (test/e2e/callback-wait.test.cts). The forty
 * seeded batches (20 at 30 %, 20 at 50 %) are in unifically.readFaults.batches{30,50}{a,b}.test.cts, so
 * that Jest runs them beside this file (support/readFaults.cts).
 */
import type { IDataObject } from 'n8n-workflow';

import { NODE_NAME, prompts, runUnifically, tasksOfThisTest, useSimulator } from './support/fixtures.cjs';
import { GATEWAY_PAGE, flux, statusFaults, useShortReadBackoff } from './support/readFaults.cjs';

describe('Unifically → Generate with failing status reads', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });
	useShortReadBackoff();

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
		// A model no other test of this file runs: the poller has seen none of its tasks, so its first
		// read comes 2 s after the create (what it learned of Flux 2 Pro here would aim it later).
		const model = 'black-forest-labs/flux.2-max';
		const result = await runUnifically(sim(), flux({ model, options: { download: false, timeout: 4 } }), { items: prompts(1) });
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
