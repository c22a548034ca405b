/**
 * The Unifically node with a model given by an expression (SPEC: "an expression may give any id"),
 * run by n8n-core against the simulator: what is sent, and what is validated against which model.
 */
import type { INodeParameters } from 'n8n-workflow';

import { NODE_NAME, receivedInput, runUnifically, useSimulator } from './support/fixtures.cjs';

describe('Unifically → model from an expression', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	it('image, a known model id: prompt and Extra Input are sent (and validated against that model)', async () => {
		const result = await runUnifically(
			sim(),
			{
				resource: 'image',
				operation: 'create',
				model: '={{ $json.model }}',
				prompt: '={{ $json.prompt }}',
				additionalFields: { extraInput: '{"aspect_ratio": "9:16"}' },
			},
			{ items: [{ model: 'google/nano-banana', prompt: 'by expression' }] },
		);
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ status: 'pending', model: 'google/nano-banana' });
		expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({ prompt: 'by expression', aspect_ratio: '9:16' });
	});

	// n8n shows every model's fields when the model is an expression: none of the empty ones may be
	// flagged `required`, or n8n refuses the workflow before it starts ("Parameter "Start Image URL"
	// is required …"). SPEC: "an expression may give any id".
	test.each([
		['video', 'google/veo-3.1-fast', 'prompt'],
		// Text to Speech's text shares the Prompt field: the resolved model sends it as its key.
		['audio', 'elevenlabs/text-to-speech', 'text'],
	])('%s, a known model id (%s) with a prompt runs (sent as %s)', async (resource, model, key) => {
		const result = await runUnifically(sim(), {
			resource,
			operation: 'create',
			model: `={{ "${model}" }}`,
			prompt: 'by expression',
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ status: 'pending', model });
		expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({ [key]: 'by expression' });
	});

	it("the resolved model's required inputs are still checked before any request (Hailuo 2.3 Fast needs a start image)", async () => {
		const parameters = { resource: 'video', operation: 'create', model: '={{ $json.model }}', prompt: 'by expression' };
		const missing = await runUnifically(sim(), parameters, { items: [{ model: 'hailuo/minimax-2.3-fast' }] });
		expect(missing.status).toBe('error');
		expect(missing.errorOf(NODE_NAME)?.message).toMatch(/Start Image URL.*required/);
		expect(sim().stats().requests).toBe(0);
		const given = await runUnifically(
			sim(),
			{ ...parameters, additionalFields: { extraInput: '{"start_image_url": "https://example.com/a.png"}' } },
			{ items: [{ model: 'hailuo/minimax-2.3-fast' }] },
		);
		expect(given.status).toBe('success');
		expect(receivedInput(sim(), given.outputOf(NODE_NAME)[0].json.task_id)).toStrictEqual({
			prompt: 'by expression',
			start_image_url: 'https://example.com/a.png',
		});
	});

	it('main video controls: the model\'s default sends nothing; a choice is sent', async () => {
		const base = { resource: 'video', operation: 'create', model: 'google/veo-3.1-fast', prompt: 'a fox' };
		const sent = async (parameters: INodeParameters) => {
			const result = await runUnifically(sim(), { ...base, ...parameters });
			expect(result.status).toBe('success');
			return receivedInput(sim(), result.outputOf(NODE_NAME)[0].json.task_id);
		};
		expect(await sent({})).toStrictEqual({ prompt: 'a fox' });
		expect(await sent({ aspectRatio: '9:16', resolution: '1080p', additionalFields: { seed: '42' } })).toStrictEqual({
			prompt: 'a fox',
			aspect_ratio: '9:16',
			resolution: '1080p',
			seed: 42,
		});
	});

	it('any id the node does not know is passed to the API, which is the judge (404 model not found)', async () => {
		const result = await runUnifically(
			sim(),
			{ resource: 'image', operation: 'create', model: '={{ "acme/brand-new-model" }}', prompt: 'hi' },
		);
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/Model not found: acme\/brand-new-model/);
		expect(sim().stats().requests - sim().stats().accountReads).toBe(1);
	});
});
