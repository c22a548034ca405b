/**
 * Bad input stops before any request is sent (SPEC "Invalid input …"), with an error that names the
 * parameter — for one item and in a batch (nothing at all is created), and with Continue On Fail
 * (the invalid item becomes an error item, the others complete).
 */
import type { INodeParameters } from 'n8n-workflow';

import { NODE_NAME, receivedInput, runUnifically, useSimulator } from './support/fixtures.cjs';

const IMAGE = 'https://example.com/start.png';

describe('Unifically → invalid input', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	/** Runs the node and expects it to stop with an error, no request of any kind having been sent. */
	async function expectRejected(parameters: INodeParameters, items?: Array<Record<string, unknown>>) {
		const result = await runUnifically(sim(), { operation: 'generate', ...parameters }, { items: items as never });
		expect(result.status).toBe('error');
		const error = result.errorOf(NODE_NAME);
		expect(error).toBeDefined();
		expect(sim().stats().requests).toBe(0);
		expect(sim().stats()).toMatchObject({ creates: 0, dryRuns: 0, statusReads: 0 });
		return error!;
	}

	const veo = (extra: INodeParameters = {}): INodeParameters => ({
		resource: 'video',
		model: 'google/veo-3.1-fast',
		prompt: 'A lighthouse at dawn',
		...extra,
	});

	const hailuo = (extra: INodeParameters = {}): INodeParameters => ({
		resource: 'video',
		model: 'hailuo/minimax-2.3',
		...extra,
	});

	it('a required input left empty in the form: n8n itself refuses to run the workflow (the ⚠ issue), nothing sent', async () => {
		await expect(runUnifically(sim(), { operation: 'generate', ...veo({ prompt: '' }) })).rejects.toThrow(
			/Parameter "Prompt" is required/,
		);
		expect(sim().stats().requests).toBe(0);
	});

	it('a required input that an expression leaves empty names the prompt', async () => {
		const error = await expectRejected(veo({ prompt: '={{ $json.missing }}' }));
		expect(error.message).toBe('Parameter "Prompt" (prompt) is required: its expression resolved to nothing (empty)');
		// The description says how to fix it (not the model's description).
		expect(error.description).toBe(
			'The expression in "Prompt" gave an empty value for this item: check the field of the input data it reads, or type the value. Prompt: Text description of the video.',
		);
	});

	it('a prompt of only spaces counts as missing (typed, not an expression: no word of one)', async () => {
		const error = await expectRejected(veo({ prompt: '   ' }));
		expect(error.message).toBe('Parameter "Prompt" (prompt) is required');
		expect(error.description).toBe('Fill in "Prompt" in the node\'s form. Prompt: Text description of the video.');
		expect(error.description).not.toContain("Google's fast Veo 3.1 video model");
	});

	it('a value outside the documented choices, given by an expression, names the parameter and the value', async () => {
		const error = await expectRejected(veo({ aspectRatio: '={{ "7:3" }}' }));
		expect(error.message).toMatch(/aspectRatio|Aspect Ratio/);
		expect(error.message).toContain('7:3');
	});

	it('a resolution outside the choices (expression) is rejected too', async () => {
		const error = await expectRejected(veo({ resolution: '={{ "8k" }}' }));
		expect(error.message).toMatch(/resolution/i);
		expect(error.message).toContain('8k');
	});

	it('a number over its documented range names the parameter (Cinematic Studio seed 0-999999)', async () => {
		const error = await expectRejected({
			resource: 'video',
			model: 'higgsfield-ai/cinematic-studio-video',
			startImageUrl: IMAGE,
			additionalFields: { seed: 1_000_000 },
		});
		expect(error.message).toMatch(/\bseed\b/i);
		expect(error.message).toContain('999999');
	});

	it.each([
		['steps', 51, /\bsteps\b/i],
		['steps', 0, /\bsteps\b/i],
		['cfg', 11, /\bcfg\b/i],
		['cfg', 1, /\bcfg\b/i],
	])('Flux.2 Flex %s = %p is out of range and named', async (field, value, pattern) => {
		const error = await expectRejected({
			resource: 'image',
			model: 'black-forest-labs/flux.2-flex',
			prompt: 'A bridge',
			additionalFields: { [field]: value },
		});
		expect(error.message).toMatch(pattern);
	});

	it('a duration outside the choices (expression) names duration', async () => {
		const error = await expectRejected(hailuo({ prompt: 'A river', duration: '={{ 8 }}' }));
		expect(error.message).toMatch(/duration/i);
	});

	it('a Hailuo prompt over 2000 characters names the prompt and the limit', async () => {
		const error = await expectRejected(hailuo({ prompt: 'x'.repeat(2001) }));
		expect(error.message).toMatch(/\bprompt\b/i);
		expect(error.message).toContain('2000');
	});

	it('a Hailuo prompt of exactly 2000 characters is accepted (boundary)', async () => {
		const result = await runUnifically(sim(), {
			operation: 'create',
			...hailuo({ prompt: 'y'.repeat(2000) }),
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect((receivedInput(sim(), item.json.task_id).prompt as string).length).toBe(2000);
	});

	it('Hailuo 1080p with duration 10 is rejected (1080p only supports 6 s)', async () => {
		const error = await expectRejected(
			hailuo({ prompt: 'A river', resolution: '1080p', duration: 10 }),
		);
		expect(error.message).toMatch(/duration/i);
		expect(error.message).toContain('1080p');
	});

	it('Hailuo without a prompt or a start image names both', async () => {
		const error = await expectRejected(hailuo({ additionalFields: { promptOptimization: true } }));
		expect(error.message).toMatch(/\bprompt\b/i);
		expect(error.message).toMatch(/start.?image/i);
	});

	it('Hailuo with only a start image (no prompt) is accepted', async () => {
		const result = await runUnifically(sim(), {
			operation: 'create',
			...hailuo({ additionalFields: { startImageUrl: IMAGE } }),
		});
		expect(result.status).toBe('success');
		expect(receivedInput(sim(), result.outputOf(NODE_NAME)[0].json.task_id)).toStrictEqual({ start_image_url: IMAGE });
	});

	it('malformed Extra Input JSON names extraInput', async () => {
		const error = await expectRejected(veo({ additionalFields: { extraInput: '{"seed": 42,' } }));
		expect(error.message).toMatch(/extraInput|Extra Input/);
	});

	it('Extra Input that is JSON but not an object names extraInput', async () => {
		const error = await expectRejected(veo({ additionalFields: { extraInput: '[1, 2]' } }));
		expect(error.message).toMatch(/extraInput|Extra Input/);
	});

	it('a URL input that is not an http(s) URL names the parameter', async () => {
		const error = await expectRejected(veo({ additionalFields: { startImageUrl: 'not a url' } }));
		expect(error.message).toMatch(/startImageUrl|Start Image URL/);
	});

	it('Create and Estimate Cost validate the same way (nothing sent)', async () => {
		for (const operation of ['create', 'estimateCost']) {
			const result = await runUnifically(sim(), { ...veo({ prompt: '={{ "" }}' }), operation });
			expect(result.status).toBe('error');
			expect(result.errorOf(NODE_NAME)?.message).toMatch(/\bprompt\b/i);
		}
		expect(sim().stats().requests).toBe(0);
	});

	describe('in a batch of 5 where item 3 is invalid', () => {
		const items = [
			{ prompt: 'one', ratio: '16:9' },
			{ prompt: 'two', ratio: '9:16' },
			{ prompt: 'three', ratio: '7:3' },
			{ prompt: 'four', ratio: '16:9' },
			{ prompt: 'five', ratio: '9:16' },
		];
		const parameters = veo({ prompt: '={{ $json.prompt }}', aspectRatio: '={{ $json.ratio }}' });

		it('nothing at all is created, and the error points at that item', async () => {
			const error = await expectRejected(parameters, items);
			expect(error.message).toMatch(/aspectRatio|Aspect Ratio/);
			expect(error.message).toContain('7:3');
			expect((error as unknown as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(2);
		});

		it.each(['create', 'estimateCost'])('%s creates / prices nothing either', async (operation) => {
			const result = await runUnifically(sim(), { ...parameters, operation }, { items });
			expect(result.status).toBe('error');
			expect(sim().stats().requests).toBe(0);
		});

		it('with Continue On Fail the invalid item becomes an error item and the other four complete', async () => {
			const result = await runUnifically(sim(), { ...parameters, operation: 'generate' }, { items, continueOnFail: true });
			expect(result.status).toBe('success');
			const output = result.outputOf(NODE_NAME);
			expect(output).toHaveLength(5);
			expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
			expect(output.map((item) => item.json.status)).toEqual(['completed', 'completed', undefined, 'completed', 'completed']);
			expect(output[2].json.task_id).toBeUndefined();
			expect(output[2].json.error).toEqual(expect.stringMatching(/aspectRatio|Aspect Ratio/));
			expect(output[2].json.error).toEqual(expect.stringContaining('7:3'));
			expect(sim().stats()).toMatchObject({ creates: 4, rateLimited: 0 });
			expect([0, 1, 3, 4].map((index) => receivedInput(sim(), output[index].json.task_id).prompt)).toEqual([
				'one',
				'two',
				'four',
				'five',
			]);
		});
	});
});

describe('Unifically → Suno modes share one text field', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });
	const suno = (extra: INodeParameters): INodeParameters => ({
		resource: 'audio',
		operation: 'create',
		model: 'suno-ai/music',
		mv: 'chirp-v4',
		...extra,
	});

	it('simple mode sends the field as gpt_description_prompt, custom mode as prompt (never both)', async () => {
		const simple = await runUnifically(sim(), suno({ custom: false, prompt: 'A song about rain' }));
		expect(simple.status).toBe('success');
		expect(receivedInput(sim(), simple.outputOf(NODE_NAME)[0].json.task_id)).toStrictEqual({
			mv: 'chirp-v4',
			custom: false,
			gpt_description_prompt: 'A song about rain',
		});
		const custom = await runUnifically(sim(), suno({ custom: true, prompt: '[Verse] Rain' }));
		expect(receivedInput(sim(), custom.outputOf(NODE_NAME)[0].json.task_id)).toStrictEqual({
			mv: 'chirp-v4',
			custom: true,
			prompt: '[Verse] Rain',
		});
	});

	it('simple mode without a Song Description is refused before any request, naming it', async () => {
		const result = await runUnifically(sim(), suno({ custom: false, prompt: '={{ $json.missing }}' }));
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/"Song Description" \(prompt\) is required/);
		expect(sim().stats().requests).toBe(0);
	});
});
