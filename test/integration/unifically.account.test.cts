/**
 * The account in the workflow, in n8n-core's engine against the simulator over real HTTP: Account →
 * Get (both documented answers), the balance read before a batch (Check Balance First, Max Total
 * Cost against the balance), a restricted account stopped before any create with the end of its
 * restriction, and a batch that runs dry: the first 402 ends creating, the tasks created are waited
 * for and returned, the items not started say so.
 */
import type { INodeParameters } from 'n8n-workflow';

import { API_KEY, NODE_NAME, prompts, runUnifically, tasksOfThisTest, useSimulator } from './support/fixtures.cjs';

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/;

/** Nano Banana: $0.03 an image in the simulator's table (the API doc's price). */
const PRICE = 0.03;
const images = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	model: 'google/nano-banana',
	prompt: '={{ $json.prompt }}',
	aspectRatio: '1:1',
	options: { download: false, ...((extra.options as object) ?? {}) },
	...Object.fromEntries(Object.entries(extra).filter(([key]) => key !== 'options')),
});

describe('Account → Get', () => {
	const sim = useSimulator({ taskLatencyMs: 200 });

	it('balance, restriction (null), user id and email, from the answer with restricted_until', async () => {
		sim().setAccount(API_KEY, { balance: 12.3456, restrictedUntil: null });
		const result = await runUnifically(sim(), { resource: 'account', operation: 'get' });
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toEqual({ balance_usd: 12.3456, restricted_until: null, user_id: expect.anything(), email: expect.stringContaining('@') });
		expect(JSON.stringify(item.json)).not.toContain(API_KEY);
		expect(sim().stats().accountReads).toBe(1);
	});

	it('the other documented answer (success, no restricted_until) reads the same', async () => {
		sim().configure({ accountShape: 'withSuccess' });
		try {
			sim().setAccount(API_KEY, { balance: 7 });
			const [item] = (await runUnifically(sim(), { resource: 'account', operation: 'get' })).outputOf(NODE_NAME);
			expect(item.json).toMatchObject({ balance_usd: 7, restricted_until: null });
		} finally {
			sim().configure({ accountShape: 'restricted' });
		}
	});

	it('a restricted account: restricted_until as an ISO time', async () => {
		const until = Math.floor(Date.now() / 1000) + 3600;
		sim().setAccount(API_KEY, { balance: 5, restrictedUntil: until });
		const [item] = (await runUnifically(sim(), { resource: 'account', operation: 'get' })).outputOf(NODE_NAME);
		expect(item.json.restricted_until).toBe(new Date(until * 1000).toISOString());
		sim().setAccount(API_KEY, { restrictedUntil: null });
	});

	it('one read for all input items, one output item each', async () => {
		const result = await runUnifically(sim(), { resource: 'account', operation: 'get' }, { items: prompts(3) });
		expect(result.outputOf(NODE_NAME).map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(sim().stats().accountReads).toBe(1);
	});

	it('a bad key: the API error 401', async () => {
		const result = await runUnifically(sim(), { resource: 'account', operation: 'get' }, { apiKey: 'invalid-key' });
		expect(result.error?.message).toMatch(/Unifically API error 401/);
	});
});

describe('The balance before a batch', () => {
	const sim = useSimulator({ taskLatencyMs: 200 });

	it('balance zero: one account read, nothing created, an error naming the balance', async () => {
		const result = await runUnifically(sim(), images(), { items: prompts(5), apiKey: 'broke-key' });
		expect(result.error?.message).toBe('The Unifically balance is $0.00: no task was created');
		const stats = sim().stats().byKey['broke-key'];
		expect([stats.accountReads, stats.creates, stats.errors['402'] ?? 0]).toEqual([1, 0, 0]);
	});

	it('Check Balance First off: no account read (the create meets the 402)', async () => {
		const result = await runUnifically(sim(), images({ options: { checkBalance: false } }), { items: prompts(1), apiKey: 'broke-key' });
		expect(result.error?.message).toMatch(/Unifically API error 402/);
		expect(sim().stats().byKey['broke-key'].accountReads).toBe(0);
	});

	it('a restricted account: stopped before any create, the end in the instance\'s timezone and ISO', async () => {
		const until = Math.floor(Date.now() / 1000) + 1800;
		sim().setAccount(API_KEY, { restrictedUntil: until });
		try {
			const result = await runUnifically(sim(), images(), { items: prompts(2) });
			expect(result.error?.message).toMatch(/^The Unifically account is restricted until .+ \(.+; (\S+)\): no task was created$/);
			expect(result.error?.message).toContain(new Date(until * 1000).toISOString());
			expect(sim().stats().creates).toBe(0);
		} finally {
			sim().setAccount(API_KEY, { restrictedUntil: null });
		}
	});

	it('Max Total Cost: a total the balance cannot pay stops before any create, naming both figures', async () => {
		sim().setAccount(API_KEY, { balance: 0.5 });
		const result = await runUnifically(sim(), images({ options: { maxTotalCost: 10 } }), { items: prompts(20) });
		expect(result.error?.message).toBe('Estimated total cost $0.60 is over the balance $0.50: no task was created');
		expect([sim().stats().dryRuns, sim().stats().accountReads, sim().stats().creates]).toEqual([20, 1, 0]);
	});

	it('an account the API does not answer (a failing read) leaves the check out: the batch goes on', async () => {
		sim().setAccount(API_KEY, { balance: 100 });
		sim().failNext({ endpoint: 'account', status: 404 });
		const result = await runUnifically(sim(), images(), { items: prompts(2) });
		expect(result.error).toBeUndefined();
		expect(sim().stats().creates).toBe(2);
	});
});

describe('A batch that runs dry', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	it('100 items, the balance pays 36: one 402, 36 tasks completed, 64 not started, nothing lost (Continue On Fail)', async () => {
		sim().setAccount(API_KEY, { balance: 36 * PRICE + 0.001 });
		const result = await runUnifically(sim(), images(), { items: prompts(100), continueOnFail: true });
		expect(result.error).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(100);
		const completed = output.filter((item) => item.json.status === 'completed');
		const notStarted = output.filter((item) => item.json.status === 'not_started');
		expect([completed.length, notStarted.length]).toEqual([36, 64]);
		// The item the balance could not pay carries the API's 402; the others say why they were not started.
		expect(notStarted.map((item) => item.pairedItem)[0]).toEqual({ item: 36 });
		expect(notStarted[0].json.error).toBe('Unifically API error 402: Insufficient balance');
		expect(notStarted.slice(1).every((item) => String(item.json.error).startsWith('Not started: the Unifically balance ran out at item 36'))).toBe(true);
		// Every task the API created is in the output: none lost.
		expect(completed.map((item) => item.json.task_id).sort()).toEqual(tasksOfThisTest(sim()).map((task) => task.id).sort());
		const stats = sim().stats();
		expect([stats.accountReads, stats.creates, stats.errors['402']]).toEqual([1, 36, 1]);
		expect(output.map((item) => item.pairedItem)).toEqual(output.map((_, index) => ({ item: index })));
	});

	it('without Continue On Fail: the error is the 402, naming the created tasks and counting the items not started', async () => {
		sim().setAccount(API_KEY, { balance: 3 * PRICE + 0.001 });
		const result = await runUnifically(sim(), images(), { items: prompts(10) });
		expect(result.error?.message).toMatch(/Unifically API error 402/);
		const description = String((result.error as { description?: string }).description);
		expect(description).toContain('7 item(s) were not started');
		for (const task of tasksOfThisTest(sim())) expect(description).toContain(task.id);
		expect([sim().stats().creates, sim().stats().errors['402']]).toEqual([3, 1]);
	});
});

describe('A refusal shown with its end', () => {
	const sim = useSimulator({ taskLatencyMs: 200 });

	it('a 429 that outlasts the retries says until when the key is rate limited', async () => {
		sim().failNext({ endpoint: 'create', status: 429, retryAfterSeconds: 0, count: 6 });
		const result = await runUnifically(sim(), { ...images({ options: { checkBalance: false } }), operation: 'create' }, { items: prompts(1) });
		expect(result.error?.message).toMatch(/Unifically API error 429/);
		expect(String((result.error as { description?: string }).description)).toMatch(new RegExp(`The API key is rate limited until .+; ${ISO.source}\\)`));
	});
});
