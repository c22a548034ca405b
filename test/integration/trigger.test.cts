/**
 * The Unifically Trigger through n8n-core: its webhook() runs in n8n's real WebhookContext behind a
 * real local HTTP endpoint (support/webhook.ts), and the callbacks come from the simulator, which
 * records the HTTP status each one got. Checks docs/SPEC.md "Node unificallyTrigger" and "Outputs".
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeParameters,
	INodeProperties,
	INodeType,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeHelpers, sleep } from 'n8n-workflow';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { fileBytes } from '../../simulator/files.cjs';
import { startSimulator, type CallbackRecord, type Simulator } from '../../simulator/server.cjs';
import {
	NO_CREDENTIAL,
	UnificallyTrigger,
	notDownloaded,
	taskFromCallback,
	tokensMatch,
} from '../../nodes/UnificallyTrigger/UnificallyTrigger.node';
import { startTriggerWebhook, type TriggerWebhook, type TriggerWebhookOptions, type WebhookCall } from '../../harness/webhook.cjs';

const API_KEY = 'sk-trigger-test-key-0123456789';
const OTHER_KEY = 'sk-trigger-other-key-9876543210';
const MODEL = 'google/nano-banana';

let sim: Simulator;
const hooks: TriggerWebhook[] = [];
/** What the node logged (n8n's Logger, as the node's `this.logger` is), this test. */
const logged: string[] = [];

beforeAll(async () => {
	sim = await startSimulator({ taskLatencyMs: 300, callbackShape: 'wrapped' });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	logged.length = 0;
	const logger = Container.get(Logger);
	for (const level of ['warn', 'info', 'error'] as const) {
		jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
			const message = String(args[0]);
			logged.push(`${level}: ${message}`);
		});
	}
	sim.reset();
	sim.configure({ callbackShape: 'wrapped' });
});
afterEach(async () => {
	jest.restoreAllMocks();
	await Promise.all(hooks.splice(0).map(async (hook) => await hook.close()));
});

// --- helpers -------------------------------------------------------------------------------------

function credentials(apiKey = API_KEY): Record<string, ICredentialDataDecryptedObject> {
	return { unificallyApi: { apiKey, baseUrl: sim.url, requestsPerSecond: 10 } };
}

async function trigger(parameters: INodeParameters = {}, options: Omit<TriggerWebhookOptions, 'parameters'> = {}) {
	const hook = await startTriggerWebhook({ parameters, ...options });
	hooks.push(hook);
	return hook;
}

/** Creates a task on the simulator (as the action node would) and returns its id. */
async function createTask(
	callbackUrl: string | undefined,
	input: IDataObject = {},
	apiKey = API_KEY,
): Promise<string> {
	const response = await fetch(`${sim.url}/v1/tasks`, {
		method: 'POST',
		headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
		body: JSON.stringify({
			model: MODEL,
			input: { prompt: 'x', aspect_ratio: '1:1', ...input },
			...(callbackUrl ? { callback_url: callbackUrl } : {}),
		}),
	});
	const body = (await response.json()) as { data?: { task_id?: string } };
	expect(response.status).toBe(200);
	expect(typeof body.data?.task_id).toBe('string');
	return body.data!.task_id!;
}

/** The simulator's record of the callback it sent for a task, once the receiver's answer is in. */
async function settledCallback(taskId: string, timeoutMs = 10_000): Promise<CallbackRecord> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const record = sim.stats().callbacks.find((callback) => callback.task_id === taskId);
		if (record && (record.status !== null || record.error)) return record;
		if (Date.now() > deadline) throw new Error(`No settled callback for task ${taskId} within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

async function taskFinished(taskId: string, timeoutMs = 5_000) {
	const deadline = Date.now() + timeoutMs;
	while (sim.tasks.get(taskId)?.status !== 'completed' && sim.tasks.get(taskId)?.status !== 'failed') {
		if (Date.now() > deadline) throw new Error(`Task ${taskId} did not finish`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/** POSTs a body straight to the webhook (a forged or malformed callback). */
async function post(
	url: string,
	body: string,
	contentType = 'application/json',
): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// not JSON
	}
	return { status: response.status, body: parsed };
}

const withToken = (url: string, token: string) => `${url}?token=${encodeURIComponent(token)}`;

function expectNothingEmitted(call: WebhookCall) {
	expect(call.workflowData).toBeUndefined();
	expect(call.items).toEqual([]);
}

/** The task as the API would report it when completed (the simulator's own plan). */
function completedTask(taskId: string): IDataObject {
	const task = sim.tasks.get(taskId);
	if (!task) throw new Error(`No task ${taskId}`);
	return { task_id: taskId, status: 'completed', output: task.planned.output, model: MODEL };
}

// --- 1. callbacks from the simulator ------------------------------------------------------------

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

// --- 2. secret token ------------------------------------------------------------------------------

describe('secret token', () => {
	const SECRET = 's3cr3t-Tok3n/with+chars';

	test('the right ?token= is accepted and the task emitted', async () => {
		const hook = await trigger({ secretToken: SECRET });
		const taskId = await createTask(withToken(hook.webhookUrl, SECRET));

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(record.status).toBe(200);
		expect(call.query).toEqual({ token: SECRET });
		expect(call.response).toMatchObject({ status: 200, sentBy: 'node' });
		expect(call.items.map((item) => item.json)).toEqual([completedTask(taskId)]);
	});

	test.each([
		['a wrong token', (url: string) => withToken(url, 'wrong-token')],
		['a token of another length', (url: string) => withToken(url, `${SECRET}x`)],
		['an empty token', (url: string) => `${url}?token=`],
		['no token', (url: string) => url],
		['the token under another name', (url: string) => `${url}?secret=${encodeURIComponent(SECRET)}`],
		['the token twice (an array)', (url: string) => `${withToken(url, SECRET)}&token=${encodeURIComponent(SECRET)}`],
	])('%s → 401 and nothing emitted', async (_name, callbackUrl) => {
		const hook = await trigger({ secretToken: SECRET });
		const taskId = await createTask(callbackUrl(hook.webhookUrl));

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(record.status).toBe(401);
		expect(sim.stats().callbackFailures).toBe(1);
		expect(call.response.status).toBe(401);
		expect(call.response.sentBy).toBe('node');
		expect(call.response.body).toEqual({ error: 'Invalid or missing token' });
		expect(call.response.text).not.toContain(SECRET);
		expectNothingEmitted(call);
	});

	test('a forged body with a wrong token is refused before anything else is looked at', async () => {
		const hook = await trigger({ secretToken: SECRET, verifyWithApi: true }, { credentials: credentials() });
		const answer = await post(withToken(hook.webhookUrl, 'nope'), JSON.stringify({ task_id: 'abc', status: 'completed' }));
		const call = await hook.nextCall();

		expect(answer).toEqual({ status: 401, body: { error: 'Invalid or missing token' } });
		expectNothingEmitted(call);
		expect(sim.stats().statusReads).toBe(0); // the API was not asked
	});

	test('without a secret token set, any callback is accepted', async () => {
		const hook = await trigger({ secretToken: '' });
		const taskId = await createTask(withToken(hook.webhookUrl, 'anything'));
		expect((await settledCallback(taskId)).status).toBe(200);
		expect((await hook.nextCall()).items.map((item) => item.json)).toEqual([completedTask(taskId)]);
	});
});

describe('tokensMatch', () => {
	afterEach(() => jest.restoreAllMocks());

	test('equal strings match', () => {
		expect(tokensMatch('abc123', 'abc123')).toBe(true);
		expect(tokensMatch('ünï/cødé+=', 'ünï/cødé+=')).toBe(true);
	});

	test('different strings of the same length do not', () => {
		expect(tokensMatch('abc124', 'abc123')).toBe(false);
		expect(tokensMatch('ABC123', 'abc123')).toBe(false);
	});

	test('different lengths do not (a prefix, an extension, empty)', () => {
		expect(tokensMatch('abc12', 'abc123')).toBe(false);
		expect(tokensMatch('abc1234', 'abc123')).toBe(false);
		expect(tokensMatch('', 'abc123')).toBe(false);
	});

	test('non-strings do not', () => {
		for (const given of [undefined, null, 123, ['abc123'], { token: 'abc123' }, true]) {
			expect(tokensMatch(given, 'abc123')).toBe(false);
		}
	});

	test('equal-length tokens are compared with crypto.timingSafeEqual', () => {
		// The module object itself (the node calls it through `require('crypto')`), not an ES namespace.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const spy = jest.spyOn(require('node:crypto') as typeof import('node:crypto'), 'timingSafeEqual');
		expect(tokensMatch('abc124', 'abc123')).toBe(false);
		expect(tokensMatch('abc123', 'abc123')).toBe(true);
		expect(spy).toHaveBeenCalledTimes(2);
	});
});

// --- 3. malformed bodies --------------------------------------------------------------------------

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

// --- 4. status filter -----------------------------------------------------------------------------

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

// --- 5. verify with the API -----------------------------------------------------------------------

describe('verifyWithApi', () => {
	const EVIL = 'https://evil.example/x.png';

	test("a forged body is replaced by the API's own task", async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined);
		await taskFinished(taskId);
		sim.resetStats();

		const answer = await post(
			hook.webhookUrl,
			JSON.stringify({
				code: 200,
				success: true,
				data: { task_id: taskId, status: 'completed', output: { image_url: EVIL }, injected: 'yes' },
			}),
		);
		const call = await hook.nextCall();

		// Answered before the read: the answer cannot tell yet whether the task will be emitted.
		expect(answer).toEqual({ status: 200, body: { received: true } });
		expect(sim.stats().byKey[API_KEY]?.statusReads).toBe(1); // read with the credential's key
		const [item] = call.items;
		expect(item.json.task_id).toBe(taskId);
		expect(item.json.status).toBe('completed');
		expect(item.json.output).toEqual({ image_url: `${sim.url}/files/${taskId}/image.png` });
		expect(JSON.stringify(item.json)).not.toContain('evil.example');
		expect(item.json.injected).toBeUndefined();
	});

	// SPEC: "re-reads the task from the API and emits that instead of the posted body, so a forged
	// callback cannot inject data" — not even `model`, which the API's task view does not carry.
	test('a forged body cannot inject `model` either', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined);
		await taskFinished(taskId);

		await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed', model: 'evil/forged-model' }));
		const call = await hook.nextCall();

		expect(call.items).toHaveLength(1);
		expect(call.items[0].json.model).not.toBe('evil/forged-model');
	});

	test('a genuine callback is emitted as the API reports it', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl);

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		// The API's task view (GET /v1/tasks/:id) carries no `model`: only what the API says is emitted.
		const { model: _postedModel, ...asTheApiReportsIt } = completedTask(taskId);
		expect(call.items.map((item) => item.json)).toEqual([asTheApiReportsIt]);
		expect(sim.stats().byKey[API_KEY]?.statusReads).toBe(1);
	});

	test('a forged "completed" for a task still processing is acknowledged and not emitted', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined, { sim_latency_ms: 60_000 });

		const answer = await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed', output: { image_url: EVIL } }));
		const call = await hook.nextCall();

		expect(answer).toEqual({ status: 200, body: { received: true } });
		expectNothingEmitted(call);
		expect(logged.some((line) => line.includes(taskId) && line.includes('the API says'))).toBe(true);
	});

	test('an unknown task_id is answered at once, not emitted, and the reason logged (without the key)', async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const answer = await post(hook.webhookUrl, JSON.stringify({ task_id: 'no-such-task-0000', status: 'completed', output: { image_url: EVIL } }));
		const call = await hook.nextCall();

		expect(answer).toEqual({ status: 200, body: { received: true } });
		expect(call.response.sentBy).toBe('node');
		expectNothingEmitted(call);
		expect(sim.stats().byKey[API_KEY]?.errors['404']).toBe(1);
		const reason = logged.find((line) => line.includes('no-such-task-0000'));
		expect(reason).toContain('could not be verified');
		expect(logged.join('\n')).not.toContain(API_KEY);
	});

	test("a task of another API key is not found with the trigger's key: rejected", async () => {
		const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
		const taskId = await createTask(undefined, {}, OTHER_KEY);
		await taskFinished(taskId);

		const answer = await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed' }));
		const call = await hook.nextCall();

		expect(answer.status).toBe(200);
		expectNothingEmitted(call);
		expect(logged.some((line) => line.includes(taskId) && line.includes('could not be verified'))).toBe(true);
	});
});

// --- 6. download ----------------------------------------------------------------------------------

describe('options.download', () => {
	test('emits the file as binary data, and answers the callback before downloading', async () => {
		const SIZE = 300_000;
		const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl, { sim_output_bytes: SIZE });
		// The file server answers the first download slowly, with a 503: the node retries, so the
		// download takes seconds, while the API's callback must be answered at once.
		sim.failNext({ endpoint: 'file', status: 503, delayMs: 1500 });

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(record.status).toBe(200);
		expect(call.response).toMatchObject({ status: 200, sentBy: 'node', body: { received: true } });
		// Ordering: the response was complete, and the simulator had its answer, before the
		// download (awaited inside webhook()) finished.
		expect(call.response.finishedAt).toBeDefined();
		expect(call.webhookSettledAt).toBeDefined();
		expect(call.response.finishedAt!).toBeLessThan(call.webhookSettledAt!);
		expect(record.at + record.durationMs).toBeLessThanOrEqual(call.webhookSettledAt!);
		expect(record.durationMs).toBeLessThan(call.webhookSettledAt! - call.receivedAt);
		expect(sim.stats().errors['503']).toBe(1); // the slow first attempt really happened
		expect(sim.stats().filesServed).toBe(1);

		const [item] = call.items;
		const { model: _postedModel, ...asTheApiReportsIt } = completedTask(taskId);
		expect(item.json).toEqual(asTheApiReportsIt);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toBe(`${taskId}_image.png`);
		const bytes = await hook.binaryOf(item, 'data');
		expect(bytes.length).toBe(SIZE);
		expect(bytes.equals(fileBytes(taskId, 'image.png', SIZE))).toBe(true);
	});

	test('binaryPropertyName puts the file in that field; filesystem mode stores it on disk', async () => {
		const hook = await trigger(
			{ verifyWithApi: true, options: { download: true, binaryPropertyName: 'image' } },
			{ binaryDataMode: 'filesystem', credentials: credentials() },
		);
		const taskId = await createTask(hook.webhookUrl, { sim_output_bytes: 4096 });

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		const [item] = call.items;
		expect(Object.keys(item.binary ?? {})).toEqual(['image']);
		expect(item.binary!.image.id).toMatch(/^filesystem/);
		expect((await hook.binaryOf(item, 'image')).equals(fileBytes(taskId, 'image.png', 4096))).toBe(true);
	});

	test('a failed task is emitted without downloading anything', async () => {
		const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl, { sim_outcome: 'fail' });

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		expect(call.items).toHaveLength(1);
		expect(call.items[0].json.status).toBe('failed');
		expect(call.items[0].binary).toBeUndefined();
		expect(sim.stats().filesServed).toBe(0);
	});

	test('a download that keeps failing still emits the task, with download_error', async () => {
		const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl);
		sim.failNext({ endpoint: 'file', status: 500, count: 3 });

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		expect(call.items).toHaveLength(1);
		expect(call.items[0].json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(String(call.items[0].json.download_error)).toContain(taskId);
		expect(call.items[0].binary).toBeUndefined();
	});
});

// --- 6b. never fetch what the API did not return -------------------------------------------------

describe('download, with Verify With API off or on', () => {
	/** A server of the user's network that a forged callback names: it counts every request. */
	async function internalServer() {
		const requests: string[] = [];
		const server = http.createServer((req, res) => {
			requests.push(`${req.method} ${req.url}`);
			res.writeHead(200, { 'Content-Type': 'image/png' }).end('secret');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return { url, requests, close: async () => await new Promise((resolve) => server.close(resolve)) };
	}

	test('Download just works with Verify off: the files of the task as the API reports it, never the posted URLs', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ options: { download: true } }, { credentials: credentials() });
			const taskId = await createTask(undefined);
			await taskFinished(taskId);
			const answer = await post(
				hook.webhookUrl,
				JSON.stringify({ task_id: taskId, status: 'completed', output: { image_url: `${internal.url}/x.png` } }),
			);
			const call = await hook.nextCall();

			expect(answer).toEqual({ status: 200, body: { received: true, emitted: true } });
			expect(call.items).toHaveLength(1);
			expect(call.items[0].binary?.data.fileName).toBe(`${taskId}_image.png`);
			expect(call.items[0].json.download_error).toBeUndefined();
			// The emitted task is the API's, the one the file belongs to: not the posted URL.
			expect(call.items[0].json.output).toEqual(completedTask(taskId).output);
			expect(internal.requests).toEqual([]);
		} finally {
			await internal.close();
		}
	});

	test('a forged callback naming an internal URL makes no request to it; the task says why nothing was downloaded', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ options: { download: true } }, { credentials: credentials() });
			const answer = await post(
				hook.webhookUrl,
				JSON.stringify({ task_id: 'forged-0001', status: 'completed', output: { image_url: `${internal.url}/admin/secret.png` } }),
			);
			const call = await hook.nextCall();

			expect(answer.status).toBe(200);
			expect(call.items).toHaveLength(1);
			expect(call.items[0].binary).toBeUndefined();
			expect(String(call.items[0].json.download_error)).toMatch(/^Not downloaded: the task could not be read from the API/);
			await sleep(200);
			expect(internal.requests).toEqual([]);
			expect(logged.some((line) => line.startsWith('warn') && line.includes('forged-0001'))).toBe(true);
		} finally {
			await internal.close();
		}
	});

	test('without a credential nothing is fetched and the task says to select one', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ options: { download: true } });
			await post(
				hook.webhookUrl,
				JSON.stringify({ task_id: 'forged-0002', status: 'completed', output: { image_url: `${internal.url}/x.png` } }),
			);
			const call = await hook.nextCall();
			expect(call.items[0].json.download_error).toBe(notDownloaded(NO_CREDENTIAL));
			await sleep(200);
			expect(internal.requests).toEqual([]);
		} finally {
			await internal.close();
		}
	});

	test('with Verify With API the files of the task as the API reports it are downloaded, not the posted URLs', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
			const taskId = await createTask(undefined);
			await taskFinished(taskId);
			await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed', output: { image_url: `${internal.url}/x.png` } }));
			const call = await hook.nextCall();

			expect(call.items[0].binary?.data.fileName).toBe(`${taskId}_image.png`);
			expect(internal.requests).toEqual([]);
		} finally {
			await internal.close();
		}
	});
});

// --- 6c. each task emitted once -------------------------------------------------------------------

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

// --- 6d. answered first, then verified ------------------------------------------------------------

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

// --- 7. description -------------------------------------------------------------------------------

describe('node description', () => {
	const { description } = new UnificallyTrigger();

	test('a notice tells the user which URL to copy, and to add ?token=', () => {
		const notices = description.properties.filter((property: INodeProperties) => property.name === 'usageNotice');
		expect(notices).toHaveLength(1);
		expect(notices[0].displayName).toContain('Callback URL');
		expect(notices[0].displayName).toContain('?token=');
		expect(notices[0].displayName).toMatch(/Production URL/);
	});

	const shown = (name: string, parameters: INodeParameters) =>
		NodeHelpers.displayParameter(parameters, description.properties.find((property) => property.name === name)!, null, description);

	test('a warning when neither a Secret Token nor Verify With API protects the webhook', () => {
		expect(shown('unprotectedNotice', { secretToken: '', verifyWithApi: false })).toBe(true);
		expect(shown('unprotectedNotice', { secretToken: 's', verifyWithApi: false })).toBe(false);
		expect(shown('unprotectedNotice', { secretToken: '', verifyWithApi: true })).toBe(false);
	});

	test('Download needs no second switch: no "needs Verify With API" notice, and its tooltip says where files come from', () => {
		expect(description.properties.map((property) => property.name)).not.toContain('downloadNeedsVerifyNotice');
		expect(JSON.stringify(description.properties)).not.toMatch(/needs Verify With API/);
		const options = description.properties.find((property) => property.name === 'options')!.options as INodeProperties[];
		expect(options.find((option) => option.name === 'download')?.description).toMatch(/reads each task from the API/);
	});

	test('one POST webhook answering on receipt; the credential offered always', () => {
		const [webhook, urlWithToken] = description.webhooks!;
		expect(webhook).toMatchObject({ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'callback' });
		// The second entry only shows the URL with ?token= in the editor: with no HTTP method, n8n
		// registers nothing for it (n8n 2.41 webhook.service getNodeWebhooks skips an empty method).
		expect(description.webhooks).toHaveLength(2);
		expect(urlWithToken.httpMethod).toBe('');
		// Shown whatever Verify is: Download reads the task with it too.
		expect(description.credentials).toEqual([{ name: 'unificallyApi', required: false }]);
		const statuses = description.properties.find((property) => property.name === 'statuses');
		expect(statuses?.default).toEqual(['completed', 'failed']);
	});
});

// --- the harness itself ---------------------------------------------------------------------------

describe('webhook harness (checks that the assertions above can fail)', () => {
	/** The trigger's description with another webhook(). */
	const variant = (webhook: (this: IWebhookFunctions) => Promise<IWebhookResponseData>): INodeType => {
		const real = new UnificallyTrigger();
		return { description: real.description, webhookMethods: real.webhookMethods, webhook };
	};
	const body = JSON.stringify({ task_id: 'abc', status: 'completed' });

	test('a node that answers late: the response time says so', async () => {
		const hook = await trigger({}, {
			nodeType: variant(async function () {
				await sleep(400);
				this.getResponseObject().status(202).json({ late: true });
				return { noWebhookResponse: true, workflowData: [[{ json: { late: true } }]] };
			}),
		});
		const answer = await post(hook.webhookUrl, body);
		const call = await hook.nextCall();
		expect(answer).toEqual({ status: 202, body: { late: true } });
		expect(call.response.sentBy).toBe('node');
		expect(call.response.finishedAt! - call.receivedAt).toBeGreaterThanOrEqual(390);
		expect(call.items).toEqual([{ json: { late: true } }]);
	});

	test('a node that throws: n8n answers 500, nothing emitted', async () => {
		const hook = await trigger({}, {
			nodeType: variant(async function () {
				throw new Error('boom');
			}),
		});
		const answer = await post(hook.webhookUrl, body);
		const call = await hook.nextCall();
		expect(answer).toEqual({ status: 500, body: { code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' } });
		expect(call.error?.message).toBe('boom');
		expect(call.response.sentBy).toBe('harness');
		expectNothingEmitted(call);
	});

	test("a node that leaves the answer to n8n: onReceived's default answer", async () => {
		const hook = await trigger({}, {
			nodeType: variant(async function () {
				return { workflowData: [[{ json: this.getBodyData() }]] };
			}),
		});
		const answer = await post(hook.webhookUrl, body);
		const call = await hook.nextCall();
		expect(answer).toEqual({ status: 200, body: { message: 'Workflow was started' } });
		expect(call.response.sentBy).toBe('harness');
		expect(call.items).toEqual([{ json: { task_id: 'abc', status: 'completed' } }]);
	});

	test('a node that claims the response and never answers: the client gets no answer', async () => {
		const hook = await trigger({}, {
			nodeType: variant(async function () {
				return { noWebhookResponse: true };
			}),
		});
		await expect(post(hook.webhookUrl, body)).rejects.toThrow();
		const call = await hook.nextCall();
		expect(call.response.sentBy).toBe('none');
		expect(call.response.status).toBe(0);
	});
});
