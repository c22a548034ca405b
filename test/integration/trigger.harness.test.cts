/**
 * The Unifically Trigger through n8n-core: its webhook() runs in n8n's real WebhookContext behind a
 * real local HTTP endpoint (harness/webhook.cts), and the callbacks come from the simulator, which
 * records the HTTP status each one got (test/integration/support/trigger.cts). Checks docs/SPEC.md
 * "Node unificallyTrigger" and "Outputs". This file: checks that the webhook harness lets the
 * other trigger files' assertions fail (late answers, throws, no answer).
 */
import type { INodeType, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { UnificallyTrigger } from '../../nodes/UnificallyTrigger/UnificallyTrigger.node';
import { useTriggerSimulator, trigger, post, expectNothingEmitted } from './support/trigger.cjs';

useTriggerSimulator();

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
