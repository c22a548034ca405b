/**
 * The Unifically Trigger through n8n-core: its webhook() runs in n8n's real WebhookContext behind a
 * real local HTTP endpoint (harness/webhook.cts), and the callbacks come from the simulator, which
 * records the HTTP status each one got (test/integration/support/trigger.cts). Checks docs/SPEC.md
 * "Node unificallyTrigger" and "Outputs". This file: the secret token (and tokensMatch) and
 * Verify With API against forged callbacks.
 */
import { tokensMatch } from '../../nodes/UnificallyTrigger/trust';
import { API_KEY, OTHER_KEY, sim, logged, useTriggerSimulator, credentials, trigger, createTask, settledCallback, taskFinished, post, withToken, expectNothingEmitted, completedTask } from './support/trigger.cjs';

useTriggerSimulator();

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

