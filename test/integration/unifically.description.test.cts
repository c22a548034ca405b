/**
 * The node's form as n8n's editor would show it (n8n-workflow's own display logic over the node
 * description): usable as a tool, every model of the API doc under its resource, and for a given model
 * exactly that model's inputs — required ones top-level, optional ones in Additional Fields, choices
 * as options, ranges as min/max; and the credential's form. The form as the editor changes it is
 * unifically.editor.test.cts; a model given by an expression (SPEC: "an expression may give any
 * id"), unifically.expressionModel.test.cts.
 */
import type { INode, INodeParameters, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MODELS, binaryFieldName, fieldName, isMediaInput, modelsOf, parameterName } from '../../nodes/Unifically/catalog/index';
import { OTHER_MODEL, fieldRank, isMainVideoInput } from '../../nodes/Unifically/catalog/toProperties';
import { UnificallyApi } from '../../credentials/UnificallyApi.credentials';
import { UnificallyTrigger } from '../../nodes/UnificallyTrigger/UnificallyTrigger.node';
import { HarnessNodeTypes, UNIFICALLY } from '../../harness/engine.cjs';
import { description, form, media } from './support/form.cjs';

const spec = (modelId: string, key: string) => MODELS.find((model) => model.id === modelId)!.inputs.find((input) => input.key === key)!;

describe('Unifically node description', () => {
	it('is usable as an AI tool, uses the unificallyApi credential, named as the SPEC says', () => {
		expect(description.name).toBe('unifically');
		expect(description.usableAsTool).toBe(true);
		expect(description.credentials).toEqual([expect.objectContaining({ name: 'unificallyApi', required: true })]);
	});

	it('offers the resources and each one its operations', () => {
		const resource = description.properties.find((property) => property.name === 'resource')!;
		expect((resource.options as INodePropertyOptions[]).map((option) => option.value).sort()).toEqual([
			'account',
			'audio',
			'file',
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
		expect(operationsOf('file')).toEqual(['upload']);
		expect(operationsOf('account')).toEqual(['get']);
		expect(form({ resource: 'account', operation: 'get' }).names).toEqual(['resource', 'operation']);
	});

	it('File → Upload shows the input binary field (n8n\'s binaryDataProperty) and no model', () => {
		const upload = form({ resource: 'file', operation: 'upload' });
		expect(upload.names).toEqual(['resource', 'operation', 'binaryPropertyName']);
		expect(upload.byName('binaryPropertyName')).toMatchObject({ default: 'data', required: true, typeOptions: { binaryDataProperty: true } });
	});

	it.each(['video', 'image', 'audio'] as const)('lists every %s model of the API doc, and only those, by its API id', (resource) => {
		const picker = form({ resource, operation: 'generate' }).byName('model');
		const values = (picker?.options as INodePropertyOptions[]).map((option) => option.value);
		// …then, last, the models the API lists beyond them.
		expect(values.pop()).toBe(OTHER_MODEL);
		expect([...values].sort()).toEqual(modelsOf(resource).map((model) => model.id).sort());
		expect(new Set(values).size).toBe(values.length);
	});

	it('has 50 models in all (the API doc lists 22 video, 12 image, 16 audio)', () => {
		expect([modelsOf('video').length, modelsOf('image').length, modelsOf('audio').length]).toEqual([22, 12, 16]);
	});

	it('Veo 3.1 Fast: prompt (required), aspect ratio and resolution top-level; the other optional inputs in Additional Fields', () => {
		const veo = media('video', 'google/veo-3.1-fast');
		expect(veo.names).toEqual(['resource', 'operation', 'model', 'prompt', 'inputType', 'aspectRatio', 'resolution', 'additionalFields', 'options']);
		expect(veo.byName('prompt')?.required).toBe(true);
		expect(veo.additional).toEqual(['endImageUrl', 'extraInput', 'seed', 'startImageUrl']);
		const choices = (name: string) => (veo.byName(name)?.options as INodePropertyOptions[]).map((option) => option.value);
		// First the model's own default, sent as nothing; its documented value in the label.
		expect(choices('aspectRatio')).toEqual(['', '16:9', '9:16']);
		expect(choices('resolution')).toEqual(['', '720p', '1080p', '4k']);
		expect((veo.byName('resolution')?.options as INodePropertyOptions[])[0].name).toBe('Default (720p)');
		expect([veo.filled.aspectRatio, veo.filled.resolution]).toEqual(['', '']);
		// Seed: empty (random) when added, not 0.
		expect(veo.additionalField('seed')).toMatchObject({ type: 'string', default: '', placeholder: 'Empty: random' });
	});

	it('main video controls top-level for every video model that lists their values; Kling O1 Duration starts at the model\'s default, not at 3', () => {
		for (const model of modelsOf('video')) {
			const shown = media('video', model.id);
			for (const spec of model.inputs.filter((input) => isMainVideoInput(model, input))) {
				expect([model.id, spec.key, shown.names.includes(parameterName(spec.key))]).toEqual([model.id, spec.key, true]);
				expect([model.id, spec.key, shown.filled[parameterName(spec.key)]]).toEqual([model.id, spec.key, '']);
			}
		}
		const o1 = media('video', 'kuaishou/kling-o1-video');
		expect((o1.byName('duration')?.options as INodePropertyOptions[]).map((option) => option.name)).toEqual([
			'Default',
			...[3, 4, 5, 6, 7, 8, 9, 10].map((seconds) => `${seconds} s`),
		]);
		expect(o1.byName('duration')?.displayName).toBe('Duration (Seconds)');
	});

	it('Flux.2 Flex shows steps (1-50) and cfg (1.5-10); Flux.2 Pro and Max do not', () => {
		const flex = media('image', 'black-forest-labs/flux.2-flex');
		expect(flex.additional).toEqual(['aspectRatio', 'cfg', 'extraInput', 'imageUrls', 'quality', 'steps']);
		expect(flex.additionalField('steps')?.typeOptions).toMatchObject({ minValue: 1, maxValue: 50 });
		expect(flex.additionalField('steps')?.displayName).toBe('Steps (1–50)');
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
		expect(nano.names).toEqual(['resource', 'operation', 'model', 'prompt', 'inputType', 'aspectRatio', 'additionalFields', 'options']);
		expect(nano.byName('aspectRatio')?.required).toBe(true);
		expect(nano.byName('prompt')?.required).toBe(true);
		expect(nano.additional).toEqual(['extraInput', 'imageUrls']);
		expect(media('image', 'google/nano-banana-pro').additional).toEqual(['extraInput', 'imageUrls', 'resolution']);
	});

	it('Hailuo: end frame only on 2.0, start image required only on 2.3 Fast, the optional prompt top-level', () => {
		expect(media('video', 'hailuo/minimax-2.0').additional).toContain('endImageUrl');
		expect(media('video', 'hailuo/minimax-2.3').additional).not.toContain('endImageUrl');
		expect(media('video', 'hailuo/minimax-2.3').names).not.toContain('startImageUrl');
		const fast = media('video', 'hailuo/minimax-2.3-fast');
		expect(fast.names).toContain('startImageUrl');
		expect(fast.byName('startImageUrl')?.required).toBe(true);
		const hailuo = media('video', 'hailuo/minimax-2.3');
		expect(hailuo.byName('prompt')).toBeDefined();
		expect(hailuo.byName('prompt')?.required).toBeFalsy();
		expect(hailuo.additionalField('prompt')).toBeUndefined();
		expect(hailuo.byName('duration')?.displayName).toBe('Duration (Seconds)');
	});

	it('Kling mode and Suno versions in the user\'s words, the API value kept and named in the description', () => {
		const mode = media('video', 'kuaishou/kling-2.6').additionalField('mode');
		expect(mode?.options).toEqual([
			{ name: 'Standard (720p)', value: 'std', description: 'Sent as std' },
			{ name: 'Pro (1080p)', value: 'pro', description: 'Sent as pro' },
		]);
		// Suno versions by Suno's names, the code in the description.
		expect(media('audio', 'suno-ai/music').byName('mv')?.options).toEqual([
			{ name: 'v3.5', value: 'chirp-v3-5', description: 'Sent as chirp-v3-5' },
			{ name: 'v4', value: 'chirp-v4', description: 'Sent as chirp-v4' },
			{ name: 'v4.5', value: 'chirp-auk', description: 'Sent as chirp-auk' },
			{ name: 'v4.5+', value: 'chirp-bluejay', description: 'Sent as chirp-bluejay' },
			{ name: 'v5 (Newest)', value: 'chirp-crow', description: 'Sent as chirp-crow' },
		]);
	});

	it('Suno Music: model version (newest first by default) and the custom-mode toggle required top-level; each mode shows its own fields', () => {
		const suno = media('audio', 'suno-ai/music');
		expect(suno.names).toEqual(['resource', 'operation', 'model', 'prompt', 'mv', 'custom', 'additionalFields', 'options']);
		expect(suno.byName('custom')?.type).toBe('boolean');
		expect(suno.byName('custom')?.displayName).toBe('Write Own Lyrics and Style');
		expect(suno.filled.custom).toBe(true);
		expect(suno.filled.mv).toBe('chirp-crow');
		expect((suno.byName('mv')?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual([
			'chirp-v3-5',
			'chirp-v4',
			'chirp-auk',
			'chirp-bluejay',
			'chirp-crow',
		]);
		expect(suno.additional).toEqual(['extraInput', 'makeInstrumental', 'negativeTags', 'tags', 'title']);
		expect(suno.byName('prompt')?.displayName).toBe('Prompt');
		expect(suno.byName('prompt')?.required).toBeFalsy(); // an instrumental needs no lyrics
		// Simple mode: its main input, the Song Description, top-level and required, in the same field.
		const simple = form({ resource: 'audio', operation: 'generate', model: 'suno-ai/music', custom: false });
		expect(simple.names).toEqual(['resource', 'operation', 'model', 'prompt', 'mv', 'custom', 'additionalFields', 'options']);
		expect(simple.byName('prompt')?.displayName).toBe('Song Description');
		expect(simple.byName('prompt')?.required).toBe(true);
		expect(simple.additional).toEqual(['extraInput', 'makeInstrumental', 'title']);
	});

	it('Topaz Video Upscale (inputs from client code): the video and the output resolution, no Prompt; frame interpolation and Extra Input in Additional Fields', () => {
		const topaz = media('video', 'topaz-labs/video-upscale');
		expect(topaz.names).toEqual(['resource', 'operation', 'model', 'inputType', 'videoUrl', 'resolution', 'additionalFields', 'options']);
		expect(topaz.additional).toEqual(['extraInput', 'frameInterpolation']);
		expect(topaz.byName('videoUrl')).toMatchObject({ required: true, hint: expect.stringMatching(/public program.*Extra Input \(JSON\)/) });
		expect(topaz.byName('resolution')).toMatchObject({
			required: true,
			default: '4k',
			options: [
				{ name: '1080p', value: '1080p' },
				{ name: '2K', value: '2k', description: 'Sent as 2k' },
				{ name: '4K', value: '4k', description: 'Sent as 4k' },
			],
		});
	});

	it.each([
		['elevenlabs/text-to-speech', 'prompt', 'Text'],
		['elevenlabs/voice-isolation', 'audioUrl', 'Audio URL'],
		['suno-ai/wav', 'clipId', 'Clip ID'],
		['topaz-labs/image-upscale', 'imageUrl', 'Image URL'],
		['topaz-labs/image-generative', 'imageUrl', 'Image URL'],
	])('%s: its guessed main input top-level, optional, with a hint that it is a guess; Extra Input stays', (id, name, label) => {
		const model = MODELS.find((candidate) => candidate.id === id)!;
		const shown = media(model.resource, id);
		const field = shown.byName(name)!;
		expect(field).toMatchObject({ displayName: label, hint: expect.stringMatching(/is a guess.*Extra Input \(JSON\)/) });
		expect(field.required).toBeFalsy();
		expect(shown.additional).toContain('extraInput');
		// No endpoint in what the user reads.
		expect(`${field.description} ${field.hint}`).not.toMatch(/\/v1\/|GET |POST /);
		// As a file of the item (Input Type: Binary File), it starts at "data" and still says it is a guess.
		const file = model.inputs.find(isMediaInput);
		if (file) {
			const binary = form({ resource: model.resource, operation: 'generate', model: id, inputType: 'binary' }).byName(binaryFieldName(file))!;
			expect(binary).toMatchObject({ default: 'data', hint: expect.stringMatching(/is a guessed name.*Extra Input \(JSON\)/) });
			expect(binary.required).toBeFalsy();
		}
	});

	it('names every model "Provider: Model (API id)": the id visible and searchable (n8n filters options by name)', () => {
		for (const resource of ['video', 'image', 'audio']) {
			const picker = form({ resource, operation: 'generate' }).byName('model');
			for (const option of (picker?.options as INodePropertyOptions[]).filter((entry) => entry.value !== OTHER_MODEL)) {
				expect(option.name).toMatch(/^(Google|OpenAI|MiniMax|Higgsfield|Kling|Topaz|Black Forest Labs|Suno|ElevenLabs): [^()]+ \(\S+\)$/);
				expect(option.name).toContain(`(${String(option.value)})`);
			}
		}
		const audio = (form({ resource: 'audio', operation: 'generate' }).byName('model')?.options as INodePropertyOptions[]).map((o) => o.name);
		expect(audio).toEqual(expect.arrayContaining(['Suno: Extend Audio (suno-ai/extend)', 'Higgsfield: Text-to-Speech (higgsfield-ai/tts)']));
	});

	it('the nodes panel\'s one "Unifically" entry describes what the action node does (n8n gives it the trigger\'s description)', () => {
		// n8n's editor (useActionsGeneration.generateMergedNodesAndActions) merges a trigger into the node
		// whose name is the trigger's without "Trigger", and sets the entry's description to the trigger's.
		const trigger = new UnificallyTrigger().description;
		const merged = { ...description, description: trigger.name.replace('Trigger', '') === description.name ? trigger.description : description.description };
		expect(merged.description.startsWith(description.description)).toBe(true);
		expect(merged.description).toMatch(/^Generate video, images and audio with 50 AI models/);
		expect(merged.description).not.toMatch(/^Starts/);
	});

	it('the canvas subtitle names the operation and the model by its display name (its id\'s last part for an unknown id)', () => {
		const subtitleOf = (parameters: INodeParameters) => {
			const node: INode = { id: '1', name: 'Unifically', type: UNIFICALLY, typeVersion: 1, position: [0, 0], parameters };
			const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new HarnessNodeTypes() });
			return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
		};
		expect(subtitleOf({ resource: 'audio', operation: 'generate', model: 'higgsfield-ai/tts' })).toBe('Generate: Higgsfield Text-to-Speech');
		expect(subtitleOf({ resource: 'video', operation: 'create', model: 'google/veo-3.1-fast' })).toBe('Create Task: Google Veo 3.1 Fast');
		expect(subtitleOf({ resource: 'image', operation: 'generate', model: 'acme/brand-new' })).toBe('Generate: brand-new');
		expect(subtitleOf({ resource: 'task', operation: 'get' })).toBe('Get');
	});

	it('the nodes panel finds the node by what users type (n8n searches displayName and the codex aliases)', () => {
		const codex = JSON.parse(readFileSync(join(__dirname, '../../nodes/Unifically/Unifically.node.json'), 'utf8')) as { alias: string[] };
		const words = ['hailuo', 'minimax', 'kling', 'veo', 'sora', 'flux', 'suno', 'music', 'song', 'lyrics', 'tts', 'speech', 'voice', 'upscale', 'topaz', 'nano banana', 'gpt image'];
		for (const word of words) expect([word, codex.alias.includes(word)]).toEqual([word, true]);
	});

	it.each(MODELS.map((model) => [model.id, model] as const))(
		'%s: required inputs and prompt top-level, the others in Additional Fields, each by the camelCase of its API key',
		(_id, model) => {
			const shown = media(model.resource, model.id);
			// Inputs of the other Suno mode are hidden (custom mode is the default).
			const applies = (spec: (typeof model.inputs)[number]) =>
				!spec.shownWhen || spec.shownWhen.in.includes(shown.filled[parameterName(spec.shownWhen.key)] as boolean);
			const inputs = model.inputs.filter(applies);
			// A picker (a list the API serves) is top-level too; an input given as entries shows them before its JSON field.
			const isTop = (spec: (typeof model.inputs)[number]) => spec.required || spec.guessed || fieldName(spec) === 'prompt' || isMainVideoInput(model, spec) || !!spec.picker;
			const topLevel = inputs.filter(isTop).flatMap((spec) => (spec.entries ? [spec.entries.name, fieldName(spec)] : [fieldName(spec)]));
			const optional = inputs.filter((spec) => !isTop(spec)).map(fieldName);
			const hasMedia = inputs.some(isMediaInput);
			const modelFields = shown.names.filter((name) => !['resource', 'operation', 'model', 'additionalFields', 'options', 'inputType'].includes(name));
			expect(modelFields.sort()).toEqual([...topLevel].sort());
			expect(shown.additional).toEqual([...optional, 'extraInput'].sort());
			for (const spec of inputs.filter((candidate) => candidate.required && !candidate.entries)) {
				expect(shown.byName(fieldName(spec))?.required).toBe(true);
			}
			// Input Type only for a model with media inputs, URL by default: the form above is the URL form.
			expect(shown.names.includes('inputType')).toBe(hasMedia);
			if (hasMedia) expect(shown.byName('inputType')?.default).toBe('url');
		},
	);

	/*
	 * n8n's UX guidelines: the main input first, then the files the model reads, then its settings —
	 * in every model's form, whatever the catalog's order and whichever Input Type is on.
	 */
	it.each(MODELS.flatMap((model) => (['url', 'binary'] as const).map((inputType) => [model.id, inputType, model] as const)))(
		'%s (Input Type %s): the main text first, then Input Type and the files, then the settings',
		(_id, inputType, model) => {
			const modes = model.inputs.some((spec) => spec.key === 'custom') ? [true, false] : [undefined];
			for (const custom of modes) {
				const shown = form({ resource: model.resource, operation: 'generate', model: model.id, inputType, ...(custom === undefined ? {} : { custom }) });
				const specOf = (name: string) =>
					model.inputs.find((spec) => fieldName(spec) === name && (!spec.shownWhen || spec.shownWhen.in.includes(custom as boolean))) ??
					model.inputs.find((spec) => isMediaInput(spec) && binaryFieldName(spec) === name) ??
					// The dialogue's Turns: the main text, as its JSON field.
					model.inputs.find((spec) => spec.entries?.name === name);
				const fields = shown.names.filter((name) => !['resource', 'operation', 'model', 'additionalFields', 'options'].includes(name));
				const ranks = fields.map((name) => (name === 'inputType' ? 1 : fieldRank(specOf(name)!)));
				expect({ model: model.id, custom, fields, ranks }).toEqual({ model: model.id, custom, fields, ranks: [...ranks].sort() });
				// The model's main text, when it has one, is the first field.
				if (model.inputs.some((spec) => fieldName(spec) === 'prompt' && (!spec.shownWhen || spec.shownWhen.in.includes(custom as boolean)))) {
					expect([model.id, fields[0]]).toEqual([model.id, 'prompt']);
				}
			}
		},
	);

	it('Kling 2.6 (the issue\'s example): Prompt above Duration', () => {
		const names = media('video', 'kuaishou/kling-2.6').names;
		expect(names.indexOf('prompt')).toBeLessThan(names.indexOf('duration'));
		expect(names.indexOf('prompt')).toBeGreaterThan(-1);
	});

	/** Every choice of every model, top-level or in Additional Fields, as the form offers it. */
	const allChoices = () =>
		MODELS.flatMap((model) => {
			const shown = media(model.resource, model.id);
			return model.inputs
				.filter((spec) => spec.options)
				.map((spec) => {
					const field = shown.byName(fieldName(spec)) ?? shown.additionalField(fieldName(spec));
					return { model: model.id, spec, options: (field?.options ?? []) as INodePropertyOptions[] };
				});
		});

	it('resolutions read as the form writes them elsewhere ("4K", "2K", "1080p"), the API\'s value kept', () => {
		const resolutions = allChoices().flatMap(({ model, spec, options }) =>
			options.filter((option) => typeof option.value === 'string' && /^\d+[kp]$/i.test(option.value)).map((option) => ({ model, key: spec.key, option })),
		);
		// The check can fail: the catalog does hold lower-case API values ("4k", "1k").
		expect(resolutions.filter(({ option }) => /^\d+k$/.test(String(option.value))).length).toBeGreaterThan(5);
		for (const { model, key, option } of resolutions) {
			const value = String(option.value);
			const expected = /k$/i.test(value) ? value.toUpperCase() : value.toLowerCase();
			expect([model, key, value, option.name]).toEqual([model, key, value, expect.stringMatching(new RegExp(`^(Default \\()?${expected}\\b`))]);
			expect(spec(model, key).options).toContain(option.value);
		}
		// …and no field, choice or model description writes a lower-case "4k" (the "Sent as 4k" line names the value).
		const words = MODELS.flatMap((model) => [model.description, ...model.inputs.map((input) => input.description)]);
		expect(words.filter((text) => /\b\d+k\b/.test(text))).toEqual([]);
	});

	it.each(MODELS.filter((model) => model.inputs.some(isMediaInput)).map((model) => [model.id, model] as const))(
		'%s with Input Type "Binary File": every URL input (and only those) becomes binary field names, where its URL field was',
		(_id, model) => {
			const shown = form({ resource: model.resource, operation: 'generate', model: model.id, inputType: 'binary' });
			const applies = (spec: (typeof model.inputs)[number]) =>
				!spec.shownWhen || spec.shownWhen.in.includes(shown.filled[parameterName(spec.shownWhen.key)] as boolean);
			const inputs = model.inputs.filter(applies);
			const isTop = (spec: (typeof model.inputs)[number]) => spec.required || spec.guessed || fieldName(spec) === 'prompt' || isMainVideoInput(model, spec);
			const nameOf = (spec: (typeof model.inputs)[number]) => (isMediaInput(spec) ? binaryFieldName(spec) : fieldName(spec));
			const modelFields = shown.names.filter((name) => !['resource', 'operation', 'model', 'additionalFields', 'options', 'inputType'].includes(name));
			expect(modelFields.sort()).toEqual(inputs.filter(isTop).map(nameOf).sort());
			expect(shown.additional).toEqual([...inputs.filter((spec) => !isTop(spec)).map(nameOf), 'extraInput'].sort());
			for (const spec of inputs.filter(isMediaInput)) {
				const field = isTop(spec) ? shown.byName(binaryFieldName(spec)) : shown.additionalField(binaryFieldName(spec));
				expect(field?.type).toBe('string');
				expect(!!field?.required).toBe(!!spec.required);
				expect(field?.displayName).toMatch(spec.type === 'stringList' ? / Binary Fields$/ : / Binary Field$/);
				if (spec.type !== 'stringList') expect(field?.typeOptions?.binaryDataProperty).toBe(true);
			}
			// The model's first required media input starts at "data", as n8n's file nodes name their output.
			const firstRequired = inputs.find((spec) => spec.required && isMediaInput(spec));
			if (firstRequired) expect(shown.byName(binaryFieldName(firstRequired))?.default).toBe('data');
		},
	);

	it('options per operation: Generate waits/downloads/guards cost, Create guards cost, Estimate Cost has none', () => {
		expect(media('video', 'google/veo-3.1-fast', 'generate').options).toEqual(
			expect.arrayContaining(['binaryPropertyName', 'callbackUrl', 'checkBalance', 'download', 'maxTotalCost', 'timeout']),
		);
		expect(media('video', 'google/veo-3.1-fast', 'create').options).toEqual(expect.arrayContaining(['callbackUrl', 'checkBalance', 'maxTotalCost']));
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

	// n8n shows a field as soon as a `show` rule meets an expression, so the node's fields use `hide`
	// rules only: with the model an expression, the other models' (required) fields are hidden.
	test.each(['video', 'image', 'audio'])('%s: a model given by an expression shows just the generic prompt and Additional Fields', (resource) => {
		const shown = form({ resource, operation: 'generate', model: '={{ $json.model }}' });
		expect(shown.names).toEqual(['resource', 'operation', 'model', 'prompt', 'additionalFields', 'options']);
		expect(shown.byName('prompt')?.required).toBeFalsy();
		expect(shown.additional).toEqual(['extraInput']);
	});
});

describe('Unifically API credential form', () => {
	// n8n 2.41.1's CredentialsHelper.applyDefaultsAndOverwrites builds what a node's getCredentials
	// returns with exactly this call: an undeclared field never reaches the node (the bench's baseline
	// switch did not, until it was declared).
	it("hands the node the bench's hidden limiter switch, as n8n builds a node's credential data", () => {
		const { properties } = new UnificallyApi();
		const data = NodeHelpers.getNodeParameters(properties, { apiKey: 'k', rateLimiter: 'baseline', undeclared: 'x' }, true, false, null, null);
		expect(data).toMatchObject({ apiKey: 'k', rateLimiter: 'baseline', requestsPerSecond: 10 });
		expect(data).not.toHaveProperty('undeclared');
		const byDefault = NodeHelpers.getNodeParameters(properties, { apiKey: 'k' }, true, false, null, null);
		expect(byDefault?.rateLimiter).toBe('');
	});

	it('speaks to users of the real API: no permanent notice, no word of the local simulator or npm', () => {
		const { properties } = new UnificallyApi();
		expect(properties.map((property) => property.type)).not.toContain('notice');
		const shown = properties.filter((property) => property.type !== 'hidden');
		expect(shown.map((property) => property.name)).toEqual(['apiKey', 'baseUrl', 'uploadUrl', 'requestsPerSecond']);
		expect(properties.find((property) => property.name === 'uploadUrl')?.default).toBe('https://files.storagecdn.online/upload');
		const text = JSON.stringify(properties.map((property) => [property.displayName, property.description, property.placeholder]));
		expect(text).not.toMatch(/simulator|npm|127\.0\.0\.1|localhost/i);
		// What a network error code of the connection test means is still said, on Base URL.
		expect(properties.find((property) => property.name === 'baseUrl')?.description).toMatch(/ECONNREFUSED/);
	});
});
