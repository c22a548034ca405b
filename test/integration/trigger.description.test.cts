/**
 * The Unifically Trigger through n8n-core: its webhook() runs in n8n's real WebhookContext behind a
 * real local HTTP endpoint (harness/webhook.cts), and the callbacks come from the simulator, which
 * records the HTTP status each one got (test/integration/support/trigger.cts). Checks docs/SPEC.md
 * "Node unificallyTrigger" and "Outputs". This file: the node description (notices, webhooks,
 * credential).
 */
import type { INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { UnificallyTrigger } from '../../nodes/UnificallyTrigger/UnificallyTrigger.node';

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
