/**
 * The Unifically Trigger through n8n-core: its webhook() runs in n8n's real WebhookContext behind a
 * real local HTTP endpoint (harness/webhook.cts), and the callbacks come from the simulator, which
 * records the HTTP status each one got (test/integration/support/trigger.cts). Checks docs/SPEC.md
 * "Node unificallyTrigger" and "Outputs". This file: callbacks from the API, bodies that are not
 * tasks, the status filter, each task emitted once, and answering before verifying.
 */
import { sleep } from 'n8n-workflow';

import { taskFromCallback } from '../../nodes/shared/transport/tasks';
import { API_KEY, MODEL, sim, useTriggerSimulator, credentials, trigger, createTask, settledCallback, taskFinished, post, expectNothingEmitted, completedTask } from './support/trigger.cjs';

useTriggerSimulator();

describe('a callback from the API', () => {
	test.each(['wrapped', 'bare'] as const)('in the %s shape emits the task with its output', async (shape) => {
		sim.configure({ callbackShape: shape });
		const hook = await trigger();
		const taskId = await createTask(hook.webhookUrl);

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(record.shape).toBe(shape);
		expect(record.url).toBe(hook.webhookUrl);
		expect(record.status).toBe(200);
		expect(call.nodeRan).toBe(true);
		expect(call.response).toMatchObject({ status: 200, sentBy: 'node', body: { received: true, emitted: true } });
		// What the simulator posted, as the node saw it.
		if (shape === 'wrapped') expect(call.body).toMatchObject({ code: 200, success: true, data: { task_id: taskId } });
		else expect(call.body).toMatchObject({ task_id: taskId, status: 'completed' });

		expect(call.workflowData).toHaveLength(1);
		expect(call.items).toHaveLength(1);
		const [item] = call.items;
		expect(item.json).toEqual(completedTask(taskId));
		expect(item.json.output).toEqual({ image_url: `${sim.url}/files/${taskId}/image.png` });
		expect(item.binary).toBeUndefined();
		expect(hook.received).toBe(1);
	});

	test('alternating shapes: each callback emits its own task', async () => {
		sim.configure({ callbackShape: 'alternate' });
		const hook = await trigger();
		const first = await createTask(hook.webhookUrl);
		const second = await createTask(hook.webhookUrl);

		const records = [await settledCallback(first), await settledCallback(second)];
		const calls = [await hook.nextCall(), await hook.nextCall()];

		expect(new Set(records.map((record) => record.shape))).toEqual(new Set(['wrapped', 'bare']));
		expect(records.map((record) => record.status)).toEqual([200, 200]);
		// Callbacks that arrive together may come out as the items of one execution.
		const emitted = calls.flatMap((call) => call.items.map((item) => item.json)).sort((a, b) => String(a?.task_id).localeCompare(String(b?.task_id)));
		expect(emitted).toEqual([completedTask(first), completedTask(second)].sort((a, b) => String(a.task_id).localeCompare(String(b.task_id))));
	});

	test('the webhook is a production POST webhook: other paths and methods are not it', async () => {
		const hook = await trigger();
		expect(hook.webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook\/[0-9a-f-]{36}\/callback$/);

		const wrongMethod = await fetch(hook.webhookUrl, { method: 'GET' });
		expect(wrongMethod.status).toBe(404);
		const call = await hook.nextCall();
		expect(call.nodeRan).toBe(false);
	});
});

describe('a body that is not a task', () => {
	test.each([
		['a JSON array', '[{"task_id":"abc","status":"completed"}]', 'application/json'],
		['an empty JSON array', '[]', 'application/json'],
		['a JSON string', '"task abc completed"', 'application/json'],
		['a JSON number', '42', 'application/json'],
		['JSON null', 'null', 'application/json'],
		['an empty object', '{}', 'application/json'],
		['no task_id', '{"status":"completed","output":{"image_url":"https://x.example/a.png"}}', 'application/json'],
		['no status', '{"task_id":"abc","output":{}}', 'application/json'],
		['an empty task_id', '{"task_id":"","status":"completed"}', 'application/json'],
		['an empty status', '{"task_id":"abc","status":""}', 'application/json'],
		['a task_id object', '{"task_id":{"id":"abc"},"status":"completed"}', 'application/json'],
		['a wrapped body without task_id', '{"code":200,"success":true,"data":{"status":"completed"}}', 'application/json'],
		['plain text', 'task abc completed', 'text/plain'],
		['an empty body', '', 'application/json'],
	])('%s → 400, nothing emitted', async (_name, body, contentType) => {
		const hook = await trigger();
		const answer = await post(hook.webhookUrl, body, contentType);
		const call = await hook.nextCall();

		expect(call.nodeRan).toBe(true);
		expect(answer.status).toBe(400);
		expect(answer.body).toEqual({ error: 'The body is not a Unifically task (expected task_id and status)' });
		expect(call.response).toMatchObject({ status: 400, sentBy: 'node' });
		expectNothingEmitted(call);
	});

	test('invalid JSON is refused by n8n itself (422) before the node runs', async () => {
		const hook = await trigger();
		const answer = await post(hook.webhookUrl, '{"task_id": "abc", "status": ');
		const call = await hook.nextCall();

		expect(answer.status).toBe(422);
		expect(call.nodeRan).toBe(false);
		expectNothingEmitted(call);
	});

	test('the id may come as `id` and as a number (it is emitted as a string task_id)', async () => {
		const hook = await trigger();
		const answer = await post(hook.webhookUrl, JSON.stringify({ id: 12345, status: 'completed', output: {} }));
		const call = await hook.nextCall();

		expect(answer).toEqual({ status: 200, body: { received: true, emitted: true } });
		expect(call.items.map((item) => item.json)).toEqual([{ id: 12345, task_id: '12345', status: 'completed', output: {} }]);
	});

	test('taskFromCallback unwraps data and rejects non-tasks', () => {
		expect(taskFromCallback({ code: 200, success: true, data: { task_id: 'a', status: 'completed' } })).toEqual({
			task_id: 'a',
			status: 'completed',
		});
		expect(taskFromCallback({ task_id: 'a', status: 'failed', error: 'e' })).toEqual({ task_id: 'a', status: 'failed', error: 'e' });
		for (const body of [undefined, null, 'x', 1, [], [{ task_id: 'a', status: 'completed' }], {}, { task_id: 'a' }, { status: 'completed' }]) {
			expect(taskFromCallback(body)).toBeUndefined();
		}
	});
});

describe('status filter', () => {
	const FAILURE = 'Generation failed: simulated moderation block';

	test('statuses [completed]: a failed task is acknowledged (200) and not emitted', async () => {
		const hook = await trigger({ statuses: ['completed'] });
		const taskId = await createTask(hook.webhookUrl, { sim_outcome: 'fail', sim_error_message: FAILURE });

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(sim.tasks.get(taskId)?.status).toBe('failed');
		expect(record.status).toBe(200);
		expect(call.response).toMatchObject({ status: 200, sentBy: 'node', body: { received: true, emitted: false } });
		expectNothingEmitted(call);
	});

	test('statuses [failed]: a completed task is acknowledged and not emitted', async () => {
		const hook = await trigger({ statuses: ['failed'] });
		const taskId = await createTask(hook.webhookUrl);

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		expect(call.response.body).toEqual({ received: true, emitted: false });
		expectNothingEmitted(call);
	});

	test('both statuses (the default): a failed task is emitted with status failed and its error', async () => {
		const hook = await trigger({ statuses: ['completed', 'failed'] });
		const taskId = await createTask(hook.webhookUrl, { sim_outcome: 'fail', sim_error_message: FAILURE });

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(record.status).toBe(200);
		expect(call.response.body).toEqual({ received: true, emitted: true });
		expect(call.items.map((item) => item.json)).toEqual([{ task_id: taskId, status: 'failed', error: FAILURE, model: MODEL }]);
	});

	test('the default parameters emit both outcomes', async () => {
		const hook = await trigger();
		const ok = await createTask(hook.webhookUrl);
		const bad = await createTask(hook.webhookUrl, { sim_outcome: 'fail', sim_error_message: FAILURE });
		await settledCallback(ok);
		await settledCallback(bad);
		const calls = [await hook.nextCall(), await hook.nextCall()];
		const statuses = Object.fromEntries(calls.flatMap((call) => call.items).map((item) => [item.json.task_id, item.json.status]));
		expect(statuses).toEqual({ [ok]: 'completed', [bad]: 'failed' });
	});
});

describe('each task emitted once', () => {
	test('the same callback delivered twice: emitted once, the second answered as a duplicate', async () => {
		const hook = await trigger();
		const body = JSON.stringify({ task_id: 'dup-0001', status: 'completed', output: { image_url: 'https://x/y.png' } });
		const first = await post(hook.webhookUrl, body);
		const second = await post(hook.webhookUrl, body);
		const calls = [await hook.nextCall(), await hook.nextCall()];

		expect(first).toEqual({ status: 200, body: { received: true, emitted: true } });
		expect(second).toEqual({ status: 200, body: { received: true, emitted: false, duplicate: true } });
		expect(calls.flatMap((call) => call.items).map((item) => item.json.task_id)).toEqual(['dup-0001']);
	});

	test('callbacks arriving together come out as the items of one execution; a lone one on its own', async () => {
		const hook = await trigger();
		const ids = ['together-1', 'together-2', 'together-3', 'together-4', 'together-5'];
		await Promise.all(ids.map(async (task_id) => await post(hook.webhookUrl, JSON.stringify({ task_id, status: 'completed' }))));
		const calls = await Promise.all(ids.map(async (_, index) => await hook.call(index)));
		const starting = calls.filter((call) => call.workflowData !== undefined);
		expect(starting).toHaveLength(1);
		expect(starting[0].items.map((item) => item.json.task_id).sort()).toEqual(ids);

		await sleep(1200);
		await post(hook.webhookUrl, JSON.stringify({ task_id: 'alone-1', status: 'completed' }));
		expect((await hook.call(ids.length)).items.map((item) => item.json.task_id)).toEqual(['alone-1']);
	});

	test('two deliveries racing each other: one emits', async () => {
		const hook = await trigger();
		const body = JSON.stringify({ task_id: 'dup-race-0001', status: 'failed', error: 'x' });
		await Promise.all([post(hook.webhookUrl, body), post(hook.webhookUrl, body), post(hook.webhookUrl, body)]);
		const calls = [await hook.nextCall(), await hook.nextCall(), await hook.nextCall()];
		expect(calls.flatMap((call) => call.items)).toHaveLength(1);
	});

	test('another workflow (or node) with the same task is not a duplicate', async () => {
		const one = await trigger({}, { nodeName: 'Trigger A' });
		const two = await trigger({}, { nodeName: 'Trigger B' });
		const body = JSON.stringify({ task_id: 'shared-0001', status: 'completed' });
		await post(one.webhookUrl, body);
		await post(two.webhookUrl, body);
		expect((await one.nextCall()).items).toHaveLength(1);
		expect((await two.nextCall()).items).toHaveLength(1);
	});

	test('verify: "processing" read after the task completed, then the "completed" callback: the task is emitted once, as completed', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined);
		await taskFinished(taskId);

		await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'processing' }));
		const early = await hook.nextCall();
		await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed' }));
		const late = await hook.nextCall();

		expect(early.items.map((item) => item.json.status)).toEqual(['completed']);
		expectNothingEmitted(late);
		expect(late.response.body).toEqual({ received: true, emitted: false, duplicate: true });
		expect(sim.stats().byKey[API_KEY]?.statusReads).toBe(1); // the duplicate is not even read
	});

	test('verify: a forged "completed" for a task still processing does not block the genuine one later', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined, { sim_latency_ms: 1500 });
		await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed' }));
		expectNothingEmitted(await hook.nextCall());

		await taskFinished(taskId);
		await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed' }));
		expect((await hook.nextCall()).items.map((item) => item.json.task_id)).toEqual([taskId]);
	});
});

describe('answer first, verify after', () => {
	test('a slow API read does not delay the answer', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined);
		await taskFinished(taskId);
		sim.failNext({ endpoint: 'status', status: 503, delayMs: 1500 });

		const sent = Date.now();
		const answer = await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed' }));
		const answeredMs = Date.now() - sent;
		const call = await hook.nextCall();

		expect(answer.status).toBe(200);
		expect(call.response.finishedAt!).toBeLessThan(call.webhookSettledAt!);
		// The read (1.5 s slow, then retried) was still going when the answer was in.
		expect(answeredMs).toBeLessThan(call.webhookSettledAt! - sent);
		expect(call.items.map((item) => item.json.task_id)).toEqual([taskId]);
	});

	test('a burst of 40 callbacks with Verify With API: all answered before their reads, each task emitted once, no 429', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const ids: string[] = [];
		for (let i = 0; i < 40; i++) {
			ids.push(await createTask(undefined));
			await sleep(110); // the simulator's create budget is 10/s too
		}
		for (const id of ids) await taskFinished(id);
		sim.resetStats();

		const bodies = ids.map((id) => JSON.stringify({ task_id: id, status: 'completed' }));
		// Each callback twice: the second delivery is a duplicate.
		const answers = await Promise.all([...bodies, ...bodies].map(async (body) => await post(hook.webhookUrl, body)));
		const lastAnswerAt = Date.now();
		const calls = await Promise.all(answers.map(async (_, index) => await hook.call(index, 30_000)));

		expect(answers.every((answer) => answer.status === 200)).toBe(true);
		const emitted = calls.flatMap((call) => call.items.map((item) => String(item.json.task_id)));
		expect([...emitted].sort()).toEqual([...ids].sort());
		// The reads (4 s at 10/s) ended after the last answer was in.
		expect(Math.max(...calls.map((call) => call.webhookSettledAt ?? 0))).toBeGreaterThan(lastAnswerAt);
		expect(sim.stats().byKey[API_KEY]?.statusReads).toBe(40);
		expect(sim.stats().rateLimited ?? 0).toBe(0);
	}, 60_000);
});

