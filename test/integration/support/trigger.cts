/**
 * What the Unifically Trigger's integration tests (test/integration/trigger.*.test.cts) share: a
 * simulator that sends the callbacks and records the HTTP status each got, the trigger behind a real
 * local HTTP endpoint in n8n-core's WebhookContext (harness/webhook.cts), what the node logged, and
 * helpers to create tasks, forge callbacks and wait for them.
 *
 *   useTriggerSimulator();   // at the top of a test file: the hooks below
 *   const hook = await trigger({ verifyWithApi: true }, { credentials: credentials() });
 *   const id = await createTask(hook.url);  ...  expect((await settledCallback(id)).status).toBe(200);
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { startSimulator, type CallbackRecord, type Simulator } from '../../../simulator/server.cjs';
import { startTriggerWebhook, type TriggerWebhook, type TriggerWebhookOptions, type WebhookCall } from '../../../harness/webhook.cjs';

export const API_KEY = 'sk-trigger-test-key-0123456789';
export const OTHER_KEY = 'sk-trigger-other-key-9876543210';
export const MODEL = 'google/nano-banana';

/** The simulator of the test file (started by `useTriggerSimulator`'s beforeAll). */
export let sim: Simulator;
const hooks: TriggerWebhook[] = [];
/** What the node logged (n8n's Logger, as the node's `this.logger` is), this test. */
export const logged: string[] = [];

/**
 * Installs the file's hooks: one simulator for the file (300 ms tasks, wrapped callbacks), reset
 * before each test; n8n's Logger recorded into `logged`; every trigger endpoint closed after each test.
 */
export function useTriggerSimulator(): void {
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
}

// --- helpers -------------------------------------------------------------------------------------

export function credentials(apiKey = API_KEY): Record<string, ICredentialDataDecryptedObject> {
	return { unificallyApi: { apiKey, baseUrl: sim.url, requestsPerSecond: 10 } };
}

export async function trigger(parameters: INodeParameters = {}, options: Omit<TriggerWebhookOptions, 'parameters'> = {}) {
	const hook = await startTriggerWebhook({ parameters, ...options });
	hooks.push(hook);
	return hook;
}

/** Creates a task on the simulator (as the action node would) and returns its id. */
export async function createTask(
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
export async function settledCallback(taskId: string, timeoutMs = 10_000): Promise<CallbackRecord> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const record = sim.stats().callbacks.find((callback) => callback.task_id === taskId);
		if (record && (record.status !== null || record.error)) return record;
		if (Date.now() > deadline) throw new Error(`No settled callback for task ${taskId} within ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

export async function taskFinished(taskId: string, timeoutMs = 5_000) {
	const deadline = Date.now() + timeoutMs;
	while (sim.tasks.get(taskId)?.status !== 'completed' && sim.tasks.get(taskId)?.status !== 'failed') {
		if (Date.now() > deadline) throw new Error(`Task ${taskId} did not finish`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/** POSTs a body straight to the webhook (a forged or malformed callback). */
export async function post(
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

export const withToken = (url: string, token: string) => `${url}?token=${encodeURIComponent(token)}`;

export function expectNothingEmitted(call: WebhookCall) {
	expect(call.workflowData).toBeUndefined();
	expect(call.items).toEqual([]);
}

/** The task as the API would report it when completed (the simulator's own plan). */
export function completedTask(taskId: string): IDataObject {
	const task = sim.tasks.get(taskId);
	if (!task) throw new Error(`No task ${taskId}`);
	return { task_id: taskId, status: 'completed', output: task.planned.output, model: MODEL };
}

// --- 1. callbacks from the simulator ------------------------------------------------------------
