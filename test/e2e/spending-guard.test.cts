/**
 * The spending guard ("Max Total Cost") and Estimate Cost's batch total in a real n8n 2.x
 * (`n8n execute`), with the package installed from its `npm pack` tarball, against the simulator.
 * A batch over the limit stops with the total shown and nothing created (only free dry runs reach
 * the API); one within the limit goes through.
 */
import { randomUUID } from 'node:crypto';

import {
	N8n,
	UNIFICALLY_NODE,
	ensureN8n,
	executionError,
	nodeError,
	nodeJson,
	packPackage,
	type ExecuteResult,
	type WorkflowJson,
} from '../../harness/n8n/index.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';

const SETUP_TIMEOUT = 20 * 60_000;
const RUN_TIMEOUT = 3 * 60_000;
const NODE = 'Unifically';

/** Five Veo 3.1 Fast 4k videos: 0.50 each, 2.50 in all (SPEC: Prices). */
const PROMPTS = ['A harbour at dawn', 'A desert storm', 'A neon alley', 'A frozen lake', 'A paper lantern festival'];
const VEO_4K = {
	model: 'google/veo-3.1-fast',
	prompt: '={{ $json.prompt }}',
	resolution: '4k',
};

/** Manual trigger → the prompts as one item each → the Unifically node with `parameters`. */
function batchWorkflow(id: string, credential: { id: string; name: string }, parameters: Record<string, unknown>): WorkflowJson {
	return {
		id,
		name: `e2e spending guard ${id}`,
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: randomUUID(),
				name: 'Prompts',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: [220, 0],
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ prompts: PROMPTS }), options: {} },
			},
			{
				id: randomUUID(),
				name: 'One Item per Prompt',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [440, 0],
				parameters: { fieldToSplitOut: 'prompts', options: { destinationFieldName: 'prompt' } },
			},
			{
				id: randomUUID(),
				name: NODE,
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [660, 0],
				parameters: { resource: 'video', ...parameters },
				credentials: { unificallyApi: credential },
			},
		],
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'One Item per Prompt', type: 'main', index: 0 }]] },
			'One Item per Prompt': { main: [[{ node: NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

const WORKFLOWS = {
	generateOver: { operation: 'generate', ...VEO_4K, options: { maxTotalCost: 1 } },
	generateUnder: { operation: 'generate', ...VEO_4K, options: { maxTotalCost: 5 } },
	generateCallbackOver: { operation: 'generate', ...VEO_4K, options: { maxTotalCost: 2.49, waitMode: 'callback' } },
	createOver: { operation: 'create', ...VEO_4K, options: { maxTotalCost: 2.49 } },
	createAtLimit: { operation: 'create', ...VEO_4K, options: { maxTotalCost: 2.5 } },
	estimate: { operation: 'estimateCost', ...VEO_4K },
} as const;
type Scenario = keyof typeof WORKFLOWS;
/** n8n workflow ids are 16 characters. */
const workflowId = (scenario: Scenario) => `unifGuard${String(Object.keys(WORKFLOWS).indexOf(scenario)).padStart(7, '0')}`;

describe('spending guard in a real n8n', () => {
	let sim: Simulator;
	let n8n: N8n;

	beforeAll(async () => {
		await ensureN8n();
		const tarball = await packPackage();
		sim = await startTestSimulator({ taskLatencyMs: 1500 });
		n8n = await N8n.create({ tarball, name: 'unifically-spending-guard' });
		const credential = await n8n.importUnificallyCredential({ baseUrl: sim.url });
		for (const [scenario, parameters] of Object.entries(WORKFLOWS)) {
			await n8n.importWorkflow(batchWorkflow(workflowId(scenario as Scenario), credential, parameters));
		}
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
		await sim?.close();
	}, 60_000);

	async function run(scenario: Scenario): Promise<ExecuteResult> {
		sim.resetStats();
		return await n8n.execute(workflowId(scenario), { timeoutMs: RUN_TIMEOUT });
	}

	function expectStoppedByGuard(result: ExecuteResult, total: string, limit: string) {
		expect(result.ok).toBe(false);
		const error = (result.run && (nodeError(result.run, NODE) ?? executionError(result.run))) ?? result.error;
		expect(error?.message).toBe(`Estimated total cost $${total} is over Max Total Cost $${limit}: no task was created`);
		// Every item priced with a free dry run; nothing created, nothing charged.
		expect(sim.stats()).toMatchObject({ dryRuns: PROMPTS.length, creates: 0, spentUsd: 0 });
	}

	test('Generate over budget (5 × 4k Veo = $2.50, limit $1): stops with the total, nothing created', async () => {
		const result = await run('generateOver');
		expectStoppedByGuard(result, '2.50', '1.00');
	}, RUN_TIMEOUT);

	test('Generate "Until Callback" over budget: stops before creating or waiting', async () => {
		const result = await run('generateCallbackOver');
		expectStoppedByGuard(result, '2.50', '2.49');
		expect(result.run?.status).not.toBe('waiting');
	}, RUN_TIMEOUT);

	test('Generate under budget (limit $5): all 5 created and completed', async () => {
		const result = await run('generateUnder');
		expect(result.error).toBeUndefined();
		const output = nodeJson(result.run!, NODE);
		expect(output).toHaveLength(5);
		for (const item of output) expect(item).toMatchObject({ status: 'completed', model: 'google/veo-3.1-fast', task_id: expect.any(String) });
		expect(new Set(output.map((item) => item.task_id)).size).toBe(5);
		expect(sim.stats()).toMatchObject({ dryRuns: 5, creates: 5, tasksCompleted: 5 });
		expect(sim.stats().spentUsd).toBeCloseTo(2.5, 5);
		// Each task was created with the prompt of its item, at 4k.
		output.forEach((item, index) => {
			const task = sim.tasks.get(String(item.task_id))!;
			expect(task.input).toMatchObject({ prompt: PROMPTS[index], resolution: '4k' });
		});
	}, RUN_TIMEOUT);

	test('Create Task over budget ($2.50 > $2.49): stops, nothing created', async () => {
		const result = await run('createOver');
		expectStoppedByGuard(result, '2.50', '2.49');
	}, RUN_TIMEOUT);

	test('Create Task exactly at the limit ($2.50): goes through, 5 task_ids', async () => {
		const result = await run('createAtLimit');
		expect(result.error).toBeUndefined();
		const output = nodeJson(result.run!, NODE);
		expect(output).toHaveLength(5);
		for (const item of output) expect(item).toEqual({ task_id: expect.any(String), status: expect.any(String), model: 'google/veo-3.1-fast' });
		expect(sim.stats()).toMatchObject({ dryRuns: 5, creates: 5 });
		expect(sim.stats().spentUsd).toBeCloseTo(2.5, 5);
	}, RUN_TIMEOUT);

	test('Estimate Cost on 5 items: each item priced, and the batch total on every item', async () => {
		const result = await run('estimate');
		expect(result.error).toBeUndefined();
		expect(nodeJson(result.run!, NODE)).toEqual(PROMPTS.map(() => ({ model: 'google/veo-3.1-fast', cost: 0.5, total_cost: 2.5 })));
		expect(sim.stats()).toMatchObject({ dryRuns: 5, creates: 0, spentUsd: 0 });
	}, RUN_TIMEOUT);
});
