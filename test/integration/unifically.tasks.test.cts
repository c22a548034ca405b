/**
 * Create → Task Get → Task Wait (a task created in one step, looked at and awaited in others), and
 * Estimate Cost (`dry_run`: SPEC prices, nothing created) with the Max Total Cost guard.
 */
import type { INodeParameters } from 'n8n-workflow';

import { MANUAL_TRIGGER, SET_ITEMS, UNIFICALLY, chain, node, runWorkflow } from '../../harness/engine.cjs';
import { NODE_NAME, credentialsFor, receivedInput, runUnifically, simTask, useSimulator } from './support/fixtures.cjs';

describe('Unifically → Create, Task Get, Task Wait', () => {
	const sim = useSimulator({ taskLatencyMs: 1500 });

	const createParameters: INodeParameters = {
		resource: 'image',
		operation: 'create',
		model: 'google/nano-banana',
		prompt: '={{ $json.prompt }}',
		aspectRatio: '3:4',
	};

	it('Create returns at once with {task_id, status, model}; Get shows it running; Wait returns it completed', async () => {
		const created = await runUnifically(sim(), createParameters, { items: [{ prompt: 'a kite' }] });
		expect(created.status).toBe('success');
		const [item] = created.outputOf(NODE_NAME);
		expect(item.json).toStrictEqual({ task_id: expect.any(String), status: 'pending', model: 'google/nano-banana' });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(sim().stats()).toMatchObject({ creates: 1, statusReads: 0 });
		const taskId = item.json.task_id as string;
		expect(receivedInput(sim(), taskId)).toStrictEqual({ prompt: 'a kite', aspect_ratio: '3:4' });

		const got = await runUnifically(sim(), { resource: 'task', operation: 'get', taskId });
		expect(got.status).toBe('success');
		const [running] = got.outputOf(NODE_NAME);
		expect(running.json).toMatchObject({ task_id: taskId, status: expect.stringMatching(/^(pending|processing)$/) });
		expect(running.json.output).toBeUndefined();
		expect(running.pairedItem).toEqual({ item: 0 });
		expect(sim().stats().statusReads).toBe(1);

		const waited = await runUnifically(sim(), { resource: 'task', operation: 'wait', taskId });
		expect(waited.status).toBe('success');
		const [done] = waited.outputOf(NODE_NAME);
		expect(done.json).toMatchObject({
			task_id: taskId,
			status: 'completed',
			output: { image_url: expect.stringMatching(/\/files\/[0-9a-f]+\/image\.png$/) },
		});
		expect(done.json.output).toEqual(simTask(sim(), taskId).view().output);
		expect(done.pairedItem).toEqual({ item: 0 });
		expect(sim().stats().creates).toBe(1); // Get and Wait never create

		// once completed, Get returns the output too
		const after = await runUnifically(sim(), { resource: 'task', operation: 'get', taskId });
		expect(after.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: taskId, status: 'completed', output: done.json.output });
	});

	it('one workflow Items → Create → Get → Wait carries each task_id along by expression, pairedItem kept', async () => {
		const result = await runWorkflow({
			nodes: [
				node('Start', MANUAL_TRIGGER),
				node('Items', SET_ITEMS, { itemsJson: JSON.stringify([{ prompt: 'first' }, { prompt: 'second' }]) }),
				node('Create', UNIFICALLY, createParameters),
				node('Get', UNIFICALLY, { resource: 'task', operation: 'get', taskId: '={{ $json.task_id }}' }),
				node('Wait', UNIFICALLY, { resource: 'task', operation: 'wait', taskId: '={{ $json.task_id }}' }),
			],
			connections: chain('Start', 'Items', 'Create', 'Get', 'Wait'),
			credentials: credentialsFor(sim()),
		});
		expect(result.status).toBe('success');
		const created = result.outputOf('Create');
		const ids = created.map((item) => item.json.task_id);
		expect(ids).toEqual([expect.any(String), expect.any(String)]);
		expect(ids.map((id) => receivedInput(sim(), id).prompt)).toEqual(['first', 'second']);
		for (const step of ['Create', 'Get', 'Wait']) {
			const output = result.outputOf(step);
			expect(output.map((item) => item.json.task_id)).toEqual(ids);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		}
		expect(result.outputOf('Get').map((item) => item.json.status)).toEqual([
			expect.stringMatching(/^(pending|processing)$/),
			expect.stringMatching(/^(pending|processing)$/),
		]);
		expect(result.outputOf('Wait').map((item) => item.json.status)).toEqual(['completed', 'completed']);
		expect(sim().stats().creates).toBe(2);
	});

	it('Get of an unknown task id fails with the API message (404), naming the id', async () => {
		const result = await runUnifically(sim(), { resource: 'task', operation: 'get', taskId: 'doesnotexist42' });
		expect(result.status).toBe('error');
		const error = result.errorOf(NODE_NAME)!;
		expect(error.message).toMatch(/Task not found: doesnotexist42/);
		expect(sim().stats().creates).toBe(0);
	});

	it('Get with Continue On Fail turns an unknown task id into an item carrying the id and the error', async () => {
		const result = await runUnifically(
			sim(),
			{ resource: 'task', operation: 'get', taskId: 'doesnotexist42' },
			{ continueOnFail: true },
		);
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ task_id: 'doesnotexist42', error: expect.stringMatching(/not found/i) });
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('Wait with an empty task id (from an expression) names taskId and sends nothing', async () => {
		const result = await runUnifically(sim(), { resource: 'task', operation: 'wait', taskId: '={{ $json.nothing }}' });
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/taskId|Task ID/);
		expect(sim().stats().requests).toBe(0);
	});
});

describe('Unifically → Estimate Cost', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	async function estimate(parameters: INodeParameters, items?: Array<Record<string, unknown>>) {
		const result = await runUnifically(sim(), { operation: 'estimateCost', ...parameters }, { items: items as never });
		expect(result.errorOf(NODE_NAME)).toBeUndefined();
		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(sim().stats()).toMatchObject({ creates: 0, statusReads: 0, dryRuns: items?.length ?? 1, spentUsd: 0 });
		expect(sim().tasks.size).toBe(tasksBefore);
		return output;
	}

	let tasksBefore = 0;
	beforeEach(() => {
		tasksBefore = sim().tasks.size;
	});

	it('prices Veo 3.1 Fast at 720p / 1080p / 4k (0.30 / 0.40 / 0.50); every item carries the total', async () => {
		const output = await estimate(
			{
				resource: 'video',
				model: 'google/veo-3.1-fast',
				prompt: 'A cat',
				resolution: '={{ $json.resolution }}',
			},
			[{ resolution: '720p' }, { resolution: '1080p' }, { resolution: '4k' }],
		);
		expect(output).toEqual([
			{ json: { model: 'google/veo-3.1-fast', cost: 0.3, total_cost: 1.2 }, pairedItem: { item: 0 } },
			{ json: { model: 'google/veo-3.1-fast', cost: 0.4, total_cost: 1.2 }, pairedItem: { item: 1 } },
			{ json: { model: 'google/veo-3.1-fast', cost: 0.5, total_cost: 1.2 }, pairedItem: { item: 2 } },
		]);
	});

	it.each<[string, string, number, INodeParameters]>([
		['image', 'openai/gpt-image-1', 0.04, { prompt: 'p', additionalFields: { quality: 'high' } }],
		['image', 'openai/gpt-image-1', 0.01, { prompt: 'p', additionalFields: { quality: 'low' } }],
		['image', 'openai/gpt-image-1.5', 0.03, { prompt: 'p', additionalFields: { quality: 'medium' } }],
		['image', 'google/nano-banana-pro', 0.06, { prompt: 'p', aspectRatio: '1:1' }],
		['image', 'black-forest-labs/flux.2-max', 0.07, { prompt: 'p', additionalFields: { quality: '2K' } }],
		['video', 'google/veo-3.1-quality', 0.8, { prompt: 'p', resolution: '4k' }],
		['video', 'hailuo/minimax-2.3-fast', 0.11, { startImageUrl: 'https://example.com/a.png' }],
		['video', 'kuaishou/kling-2.1', 0.53, { startImageUrl: 'https://example.com/a.png', duration: 10, additionalFields: { mode: 'pro' } }],
		['audio', 'suno-ai/music', 0.06, { mv: 'chirp-v4', custom: false, prompt: 'a song about rain' }],
		['audio', 'suno-ai/lyrics', 0.012, { prompt: 'p', mv: 'remi-v1' }],
	])('%s %s costs %p with the given inputs (SPEC price)', async (resource, model, cost, parameters) => {
		const output = await estimate({ resource, model, ...parameters });
		expect(output).toEqual([{ json: { model, cost, total_cost: cost }, pairedItem: { item: 0 } }]);
	});

	describe('Max Total Cost', () => {
		const veo1080 = (operation: string, maxTotalCost: number): INodeParameters => ({
			resource: 'video',
			operation,
			model: 'google/veo-3.1-fast',
			prompt: '={{ $json.prompt }}',
			resolution: '1080p',
			options: { maxTotalCost },
		});
		const items = [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }];

		it('over the limit: stops showing the total, having only priced (nothing created)', async () => {
			const result = await runUnifically(sim(), veo1080('generate', 1), { items });
			expect(result.status).toBe('error');
			expect(result.errorOf(NODE_NAME)?.message).toContain('1.20');
			expect(sim().stats()).toMatchObject({ creates: 0, dryRuns: 3, spentUsd: 0 });
		});

		it('within the limit: priced, then created', async () => {
			const result = await runUnifically(sim(), veo1080('create', 1.2), { items });
			expect(result.status).toBe('success');
			expect(result.outputOf(NODE_NAME).map((item) => item.json.status)).toEqual(['pending', 'pending', 'pending']);
			expect(sim().stats()).toMatchObject({ creates: 3, dryRuns: 3, spentUsd: 1.2 });
		});
	});
});
