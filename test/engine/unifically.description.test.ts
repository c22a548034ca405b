/**
 * The node's form as n8n's editor would show it (n8n-workflow's own display logic over the node
 * description): usable as a tool, every model of the seed under its resource, and for a given model
 * exactly that model's inputs — required ones top-level, optional ones in Additional Fields, choices
 * as options, ranges as min/max. Also a model given by an expression (SPEC: "an expression may give
 * any id").
 */
import type { INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { MODELS, modelsOf, parameterName } from '../../nodes/Unifically/catalog';
import { UNIFICALLY, getNodeType } from './harness';
import { NODE_NAME, receivedInput, runUnifically, useSimulator } from './support/fixtures';

const description = getNodeType(UNIFICALLY).description;
const NODE = { typeVersion: 1 };

/** The parameters the editor shows for these values (defaults filled in as n8n does). */
function form(values: INodeParameters) {
	const filled = NodeHelpers.getNodeParameters(description.properties, values, true, false, NODE, description) ?? {};
	const shown = description.properties.filter((property) => NodeHelpers.displayParameter(filled, property, NODE, description));
	const byName = (name: string) => {
		const matches = shown.filter((property) => property.name === name);
		expect(matches.length).toBeLessThanOrEqual(1); // never two visible parameters of one name
		return matches[0];
	};
	const collection = (name: string) => ((byName(name)?.options ?? []) as INodeProperties[]);
	return {
		filled,
		names: shown.map((property) => property.name),
		byName,
		additional: collection('additionalFields').map((field) => field.name).sort(),
		additionalField: (name: string) => collection('additionalFields').find((field) => field.name === name),
		options: collection('options').map((field) => field.name).sort(),
	};
}

const media = (resource: string, model: string, operation = 'generate') => form({ resource, operation, model });

describe('Unifically node description', () => {
	it('is usable as an AI tool, uses the unificallyApi credential, named as the SPEC says', () => {
		expect(description.name).toBe('unifically');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([expect.objectContaining({ name: 'unificallyApi', required: true })]);
	});

	it('offers the resources and each one its operations', () => {
		const resource = description.properties.find((property) => property.name === 'resource')!;
		expect((resource.options as INodePropertyOptions[]).map((option) => option.value).sort()).toEqual([
			'audio',
			'image',
			'task',
			'video',
		]);
		const operationsOf = (value: string) => {
			const shown = form({ resource: value }).byName('operation');
			return (shown?.options as INodePropertyOptions[]).map((option) => option.value).sort();
		};
		for (const value of ['video', 'image', 'audio']) expect(operationsOf(value)).toEqual(['create', 'estimateCost', 'generate']);
		expect(operationsOf('task')).toEqual(['get', 'wait']);
	});

	it.each(['video', 'image', 'audio'] as const)('lists every %s model of the seed, and only those, by its API id', (resource) => {
		const picker = form({ resource, operation: 'generate' }).byName('model');
		const values = (picker?.options as INodePropertyOptions[]).map((option) => option.value);
		expect([...values].sort()).toEqual(modelsOf(resource).map((model) => model.id).sort());
		expect(new Set(values).size).toBe(values.length);
	});

	it('has 50 models in all (the seed lists 22 video, 12 image, 16 audio)', () => {
		expect([modelsOf('video').length, modelsOf('image').length, modelsOf('audio').length]).toEqual([22, 12, 16]);
	});

	it('Veo 3.1 Fast shows the prompt top-level and exactly its optional inputs in Additional Fields', () => {
		const veo = media('video', 'google/veo-3.1-fast');
		expect(veo.names).toEqual(['resource', 'operation', 'model', 'prompt', 'additionalFields', 'options']);
		// Required text inputs say so in their description; n8n's own `required` flag would stop a
		// workflow whose model is an expression (see "model from an expression" below).
		expect(veo.byName('prompt')?.required).toBeFalsy();
		expect(veo.byName('prompt')?.description).toMatch(/^Required\. /);
		expect(veo.additional).toEqual(['aspectRatio', 'endImageUrl', 'extraInput', 'resolution', 'seed', 'startImageUrl']);
		const choices = (name: string) => (veo.additionalField(name)?.options as INodePropertyOptions[]).map((option) => option.value);
		expect(choices('aspectRatio')).toEqual(['16:9', '9:16']);
		expect(choices('resolution')).toEqual(['720p', '1080p', '4k']);
		expect(veo.additionalField('seed')?.type).toBe('number');
	});

	it('Flux.2 Flex shows steps (1-50) and cfg (1.5-10); Flux.2 Pro and Max do not', () => {
		const flex = media('image', 'black-forest-labs/flux.2-flex');
		expect(flex.additional).toEqual(['aspectRatio', 'cfg', 'extraInput', 'imageUrls', 'quality', 'steps']);
		expect(flex.additionalField('steps')?.typeOptions).toMatchObject({ minValue: 1, maxValue: 50 });
		expect(flex.additionalField('cfg')?.typeOptions).toMatchObject({ minValue: 1.5, maxValue: 10 });
		for (const model of ['black-forest-labs/flux.2-pro', 'black-forest-labs/flux.2-max']) {
			const other = media('image', model);
			expect(other.additional).toEqual(['aspectRatio', 'extraInput', 'imageUrls', 'quality']);
		}
		const maxRatios = (media('image', 'black-forest-labs/flux.2-max').additionalField('aspectRatio')?.options as INodePropertyOptions[]).map(
			(option) => option.value,
		);
		expect(maxRatios).toEqual(expect.arrayContaining(['5:4', '21:9']));
		const proRatios = (media('image', 'black-forest-labs/flux.2-pro').additionalField('aspectRatio')?.options as INodePropertyOptions[]).map(
			(option) => option.value,
		);
		expect(proRatios).not.toContain('21:9');
	});

	it('Nano Banana: prompt and aspect ratio required top-level; resolution only on Pro', () => {
		const nano = media('image', 'google/nano-banana');
		expect(nano.names).toEqual(['resource', 'operation', 'model', 'prompt', 'aspectRatio', 'additionalFields', 'options']);
		expect(nano.byName('aspectRatio')?.required).toBe(true);
		expect(nano.additional).toEqual(['extraInput', 'imageUrls']);
		expect(media('image', 'google/nano-banana-pro').additional).toEqual(['extraInput', 'imageUrls', 'resolution']);
	});

	it('Hailuo: end frame only on 2.0, start image required only on 2.3 Fast', () => {
		expect(media('video', 'hailuo/minimax-2.0').additional).toContain('endImageUrl');
		expect(media('video', 'hailuo/minimax-2.3').additional).not.toContain('endImageUrl');
		expect(media('video', 'hailuo/minimax-2.3').names).not.toContain('startImageUrl');
		const fast = media('video', 'hailuo/minimax-2.3-fast');
		expect(fast.names).toContain('startImageUrl');
		expect(fast.byName('startImageUrl')?.description).toMatch(/^Required\. /);
		expect(media('video', 'hailuo/minimax-2.3').additionalField('prompt')).toBeDefined();
	});

	it('Suno Music: model version (choices) and custom (boolean) required top-level', () => {
		const suno = media('audio', 'suno-ai/music');
		expect(suno.names).toEqual(['resource', 'operation', 'model', 'mv', 'custom', 'additionalFields', 'options']);
		expect(suno.byName('custom')?.type).toBe('boolean');
		expect((suno.byName('mv')?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual([
			'chirp-v3-5',
			'chirp-v4',
			'chirp-auk',
			'chirp-bluejay',
			'chirp-crow',
		]);
	});

	it('a model whose inputs the seed does not document takes prompt and Extra Input', () => {
		const topaz = media('video', 'topaz-labs/video-upscale');
		expect(topaz.names).toEqual(['resource', 'operation', 'model', 'prompt', 'additionalFields', 'options']);
		expect(topaz.additional).toEqual(['extraInput']);
	});

	it.each(MODELS.map((model) => [model.id, model] as const))(
		'%s: required inputs top-level, the others in Additional Fields, each by the camelCase of its API key',
		(_id, model) => {
			const shown = media(model.resource, model.id);
			const required = model.inputs.filter((spec) => spec.required).map((spec) => parameterName(spec.key));
			const optional = model.inputs.filter((spec) => !spec.required).map((spec) => parameterName(spec.key));
			const modelFields = shown.names.filter((name) => !['resource', 'operation', 'model', 'additionalFields', 'options'].includes(name));
			if (model.documented) {
				expect(modelFields.sort()).toEqual([...required].sort());
				expect(shown.additional).toEqual([...optional, 'extraInput'].sort());
			} else {
				expect(modelFields).toEqual(['prompt']);
				expect(shown.additional).toEqual(['extraInput']);
			}
		},
	);

	it('options per operation: Generate waits/downloads/guards cost, Create guards cost, Estimate Cost has none', () => {
		expect(media('video', 'google/veo-3.1-fast', 'generate').options).toEqual(
			expect.arrayContaining(['binaryPropertyName', 'callbackUrl', 'download', 'maxTotalCost', 'timeout']),
		);
		expect(media('video', 'google/veo-3.1-fast', 'create').options).toEqual(expect.arrayContaining(['callbackUrl', 'maxTotalCost']));
		expect(media('video', 'google/veo-3.1-fast', 'create').options).not.toContain('download');
		expect(media('video', 'google/veo-3.1-fast', 'estimateCost').names).not.toContain('options');
	});

	it('Task Get / Wait show a Task ID and no model; Wait has a timeout, both can download', () => {
		for (const operation of ['get', 'wait']) {
			const task = form({ resource: 'task', operation });
			expect(task.names).toContain('taskId');
			expect(task.names).not.toContain('model');
			expect(task.options).toEqual(expect.arrayContaining(['binaryPropertyName', 'download']));
		}
		expect(form({ resource: 'task', operation: 'wait' }).options).toContain('timeout');
	});

	// LIMITATION (n8n's): with `model` an expression, n8n's displayParameter shows every field whose
	// displayOptions mention `model` — all models' fields of the resource (and several "Additional
	// Fields" of one name). The form is crowded, but the workflow runs (see below).
	test.failing.each(['video', 'image', 'audio'])(
		'%s: a model given by an expression shows just the generic prompt and Additional Fields',
		(resource) => {
			const values = { resource, operation: 'generate', model: '={{ $json.model }}' };
			const filled = NodeHelpers.getNodeParameters(description.properties, values, true, false, NODE, description) ?? {};
			const names = description.properties
				.filter((property) => NodeHelpers.displayParameter(filled, property, NODE, description))
				.map((property) => property.name);
			expect(names).toEqual(['resource', 'operation', 'model', 'prompt', 'additionalFields', 'options']);
		},
	);
});

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
		['video', 'google/veo-3.1-fast'],
		['audio', 'elevenlabs/text-to-speech'],
	])('%s, a known model id (%s) with a prompt runs', async (resource, model) => {
		const result = await runUnifically(sim(), {
			resource,
			operation: 'create',
			model: `={{ "${model}" }}`,
			prompt: 'by expression',
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ status: 'pending', model });
		expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({ prompt: 'by expression' });
	});

	it('any id the node does not know is passed to the API, which is the judge (404 model not found)', async () => {
		const result = await runUnifically(
			sim(),
			{ resource: 'image', operation: 'create', model: '={{ "acme/brand-new-model" }}', prompt: 'hi' },
		);
		expect(result.status).toBe('error');
		expect(result.errorOf(NODE_NAME)?.message).toMatch(/Model not found: acme\/brand-new-model/);
		expect(sim().stats().requests).toBe(1);
	});
});
