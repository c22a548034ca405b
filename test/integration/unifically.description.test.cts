/**
 * The node's form as n8n's editor would show it (n8n-workflow's own display logic over the node
 * description): usable as a tool, every model of the seed under its resource, and for a given model
 * exactly that model's inputs — required ones top-level, optional ones in Additional Fields, choices
 * as options, ranges as min/max. Also a model given by an expression (SPEC: "an expression may give
 * any id").
 */
import type { INode, INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers, Workflow, deepCopy } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { MODELS, fieldName, modelsOf, parameterName } from '../../nodes/Unifically/catalog/index';
import { isMainVideoInput, isTopLevel } from '../../nodes/Unifically/catalog/toProperties';
import { UnificallyApi } from '../../credentials/UnificallyApi.credentials';
import { UnificallyTrigger } from '../../nodes/UnificallyTrigger/UnificallyTrigger.node';
import { HarnessNodeTypes, UNIFICALLY, getNodeType } from '../../harness/engine.cjs';
import { NODE_NAME, receivedInput, runUnifically, useSimulator } from './support/fixtures.cjs';

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
	// A collection's fields as its "Add Field" list offers them (they may hide by the model, '/model';
	// the editor never lists a `hidden` field).
	const collection = (name: string) =>
		((byName(name)?.options ?? []) as INodeProperties[]).filter(
			(field) => field.type !== 'hidden' && NodeHelpers.displayParameterPath(filled, field, name, NODE, description),
		);
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

	it('Veo 3.1 Fast: prompt (required), aspect ratio and resolution top-level; the other optional inputs in Additional Fields', () => {
		const veo = media('video', 'google/veo-3.1-fast');
		expect(veo.names).toEqual(['resource', 'operation', 'model', 'prompt', 'aspectRatio', 'resolution', 'additionalFields', 'options']);
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
		expect(nano.names).toEqual(['resource', 'operation', 'model', 'prompt', 'aspectRatio', 'additionalFields', 'options']);
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
		expect(suno.names).toEqual(['resource', 'operation', 'model', 'mv', 'custom', 'prompt', 'additionalFields', 'options']);
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
		expect(simple.names).toEqual(['resource', 'operation', 'model', 'mv', 'custom', 'prompt', 'additionalFields', 'options']);
		expect(simple.byName('prompt')?.displayName).toBe('Song Description');
		expect(simple.byName('prompt')?.required).toBe(true);
		expect(simple.additional).toEqual(['extraInput', 'makeInstrumental', 'title']);
	});

	it('a model whose inputs the seed does not document takes prompt and Extra Input', () => {
		const topaz = media('video', 'topaz-labs/video-upscale');
		expect(topaz.names).toEqual(['resource', 'operation', 'model', 'prompt', 'additionalFields', 'options']);
		expect(topaz.additional).toEqual(['extraInput']);
	});

	it('names every model "Provider: Model (API id)": the id visible and searchable (n8n filters options by name)', () => {
		for (const resource of ['video', 'image', 'audio']) {
			const picker = form({ resource, operation: 'generate' }).byName('model');
			for (const option of picker?.options as INodePropertyOptions[]) {
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
			const isTop = (spec: (typeof model.inputs)[number]) => spec.required || fieldName(spec) === 'prompt' || isMainVideoInput(model, spec);
			const topLevel = inputs.filter(isTop).map(fieldName);
			const optional = inputs.filter((spec) => !isTop(spec)).map(fieldName);
			const modelFields = shown.names.filter((name) => !['resource', 'operation', 'model', 'additionalFields', 'options'].includes(name));
			expect(modelFields.sort()).toEqual([...topLevel].sort());
			expect(shown.additional).toEqual([...optional, 'extraInput'].sort());
			for (const spec of inputs.filter((candidate) => candidate.required)) {
				expect(shown.byName(fieldName(spec))?.required).toBe(true);
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
	it('speaks to users of the real API: no permanent notice, no word of the local simulator or npm', () => {
		const { properties } = new UnificallyApi();
		expect(properties.map((property) => property.type)).not.toContain('notice');
		expect(properties.map((property) => property.name)).toEqual(['apiKey', 'baseUrl', 'requestsPerSecond']);
		const text = JSON.stringify(properties.map((property) => [property.displayName, property.description, property.placeholder]));
		expect(text).not.toMatch(/simulator|npm|127\.0\.0\.1|localhost/i);
		// What a network error code of the connection test means is still said, on Base URL.
		expect(properties.find((property) => property.name === 'baseUrl')?.description).toMatch(/ECONNREFUSED/);
	});
});

/**
 * What n8n 2.x's editor does when the user changes one parameter (editor-ui
 * `useNodeSettingsParameters.updateNodeParameter`): keep the values that differ from their defaults
 * and are displayed, set the new value, drop option values that are no longer valid
 * (`removeMismatchedOptionValues` in `ndv.utils.ts`, ported below), then fill in the defaults of
 * what is now displayed.
 */
function editorChange(parameters: INodeParameters, name: string, value: INodeParameters[string]): INodeParameters {
	const kept = deepCopy(NodeHelpers.getNodeParameters(description.properties, parameters, false, false, NODE, description) ?? {});
	kept[name] = value;
	for (const property of description.properties) {
		const rules = property.displayOptions;
		if (!Object.prototype.hasOwnProperty.call(kept, property.name) || !rules || !property.options) continue;
		if (rules.show?.[name] === undefined && rules.hide?.[name] === undefined) continue;
		const options = property.options as Array<{ name: string; value?: unknown }>;
		const valid =
			property.type === 'collection' || property.type === 'fixedCollection'
				? Object.keys(kept).every((key) => options.some((option) => option.name === key))
				: options.some((option) => option.value === kept[property.name]);
		if (!valid && NodeHelpers.displayParameter(kept, property, NODE, description)) delete kept[property.name];
	}
	return NodeHelpers.getNodeParameters(description.properties, kept, true, false, NODE, description) ?? {};
}

/** The ⚠ issues n8n shows on the node (and checks before running a workflow). */
function issuesOf(parameters: INodeParameters) {
	const filled = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, NODE, description) ?? {};
	const node = { id: '1', name: NODE_NAME, type: UNIFICALLY, typeVersion: 1, position: [0, 0], parameters: filled } as INode;
	return NodeHelpers.getNodeParametersIssues(description.properties, node, description)?.parameters ?? {};
}

describe('Unifically form as the editor changes it', () => {
	it('marks an empty required input as an issue before running (Prompt, Voice ID, Clip ID, Start Image URL)', () => {
		expect(Object.keys(issuesOf({ resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast' }))).toEqual(['prompt']);
		expect(issuesOf({ resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast', prompt: 'a cat' })).toEqual({});
		expect(Object.keys(issuesOf({ resource: 'audio', operation: 'generate', model: 'higgsfield-ai/tts' })).sort()).toEqual(['prompt', 'voiceId']);
		expect(Object.keys(issuesOf({ resource: 'audio', operation: 'create', model: 'suno-ai/stems' }))).toEqual(['clipId']);
		expect(Object.keys(issuesOf({ resource: 'video', operation: 'generate', model: 'hailuo/minimax-2.3-fast' }))).toEqual(['startImageUrl']);
		// Hailuo 2.3's prompt is optional (a start image may replace it): no issue.
		expect(issuesOf({ resource: 'video', operation: 'generate', model: 'hailuo/minimax-2.3' })).toEqual({});
	});

	it.each(['video', 'image', 'audio'])('%s: a model given by an expression has no issue from any model\'s required field', (resource) => {
		expect(issuesOf({ resource, operation: 'generate', model: '={{ $json.model }}' })).toEqual({});
	});

	it('Veo → Hailuo → Suno → Veo keeps the prompt; values the new model cannot take are dropped, shared valid ones kept', () => {
		let values: INodeParameters = editorChange({}, 'resource', 'video');
		values = editorChange(values, 'model', 'kuaishou/kling-o1-video');
		values = editorChange(values, 'prompt', 'A cat walking on the beach at sunset');
		values = editorChange(values, 'duration', 3);
		values = editorChange(values, 'aspectRatio', '9:16');
		values = editorChange(values, 'model', 'hailuo/minimax-2.3');
		expect(values.prompt).toBe('A cat walking on the beach at sunset');
		// Hailuo takes 6 or 10 s and has no aspect ratio: the duration is back at the model's default.
		expect(values.duration).toBe('');
		expect(values.aspectRatio).toBeUndefined();
		values = editorChange(values, 'duration', 10);
		values = editorChange(values, 'model', 'kuaishou/kling-2.6');
		expect(values.duration).toBe(10); // Kling 2.6 takes 10 s too
		values = editorChange(values, 'model', 'google/veo-3.1-fast');
		expect(values.prompt).toBe('A cat walking on the beach at sunset');
		values = editorChange(values, 'resource', 'audio');
		expect(values.model).toBe('suno-ai/music');
		expect(values.prompt).toBe('A cat walking on the beach at sunset'); // Suno's custom mode: the lyrics
		values = editorChange(values, 'resource', 'video');
		values = editorChange(values, 'model', 'google/veo-3.1-fast');
		expect(values.prompt).toBe('A cat walking on the beach at sunset');
		expect(issuesOf(values)).toEqual({});
	});

	it('switching the resource starts with that resource\'s default model, also from a non-default model', () => {
		let values = editorChange({ resource: 'video', operation: 'generate' }, 'model', 'hailuo/minimax-2.3');
		values = editorChange(values, 'resource', 'audio');
		expect(values.model).toBe('suno-ai/music');
		values = editorChange(values, 'model', 'higgsfield-ai/tts');
		values = editorChange(values, 'resource', 'image');
		expect(values.model).toBe('google/nano-banana');
		values = editorChange(values, 'operation', 'create');
		values = editorChange(values, 'model', 'openai/gpt-image-1');
		values = editorChange(values, 'resource', 'video');
		expect(values.model).toBe('google/veo-3.1-fast');
	});

	it.each(['suno-ai/music', 'suno-ai/cover', 'suno-ai/extend'])(
		'%s: the mode toggle off and on, and on and off, keeps the text typed (Prompt ↔ Song Description are one field)',
		(model) => {
			let values = editorChange({ resource: 'audio', operation: 'generate' }, 'model', model);
			expect(values.custom).toBe(true);
			values = editorChange(values, 'prompt', '[Verse] Windows down');
			values = editorChange(values, 'custom', false);
			expect(values.prompt).toBe('[Verse] Windows down');
			expect(form(values).byName('prompt')?.displayName).toBe('Song Description');
			values = editorChange(values, 'prompt', 'An upbeat song about a road trip');
			values = editorChange(values, 'custom', true);
			expect(values.prompt).toBe('An upbeat song about a road trip');
			expect(form(values).byName('prompt')?.displayName).toBe('Prompt');
			// Model A → B → A (Suno → Higgsfield TTS → Suno) keeps it too.
			values = editorChange(values, 'model', 'higgsfield-ai/tts');
			values = editorChange(values, 'model', model);
			expect(values.prompt).toBe('An upbeat song about a road trip');
		},
	);

	it('models typed from the public pages: typed fields, choices, ranges, required markers; Sound Effects\' description is the kept Prompt', () => {
		let values = editorChange({ resource: 'audio', operation: 'generate' }, 'prompt', 'Rain on a tin roof');
		values = editorChange(values, 'model', 'elevenlabs/sound-effect');
		expect(values.prompt).toBe('Rain on a tin roof');
		const sound = form(values);
		expect(sound.byName('prompt')).toMatchObject({ displayName: 'Sound Description', required: true });
		expect(sound.additional).toEqual(['duration', 'extraInput', 'loop', 'promptInfluence']);
		expect(sound.additionalField('duration')?.typeOptions).toMatchObject({ minValue: 0.5, maxValue: 30 });
		const motion = media('video', 'kuaishou/kling-3.0-motion-control');
		expect(motion.names).toEqual(['resource', 'operation', 'model', 'prompt', 'imageUrl', 'videoUrl', 'additionalFields', 'options']);
		expect(['prompt', 'imageUrl', 'videoUrl'].map((name) => motion.byName(name)?.required)).toEqual([true, true, true]);
		expect(motion.additional).toEqual(['characterOrientation', 'elements', 'extraInput', 'keepAudio', 'mode']);
		const stt = media('audio', 'elevenlabs/speech-to-text');
		expect(stt.byName('audioUrl')?.required).toBe(true);
		expect((stt.additionalField('timestampsGranularity')?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual(['none', 'word', 'character']);
		// Dialogue: top-level and required, starting empty (n8n marks no JSON field; the node names it before any request).
		expect(media('audio', 'elevenlabs/text-to-dialogue').byName('dialogue')).toMatchObject({ type: 'json', required: true, default: '' });
		const o1 = media('image', 'kuaishou/kling-o1-image');
		expect(o1.additional).toEqual(['aspectRatio', 'extraInput', 'imageUrls', 'resolution']);
	});

	it('Suno Music in simple mode: an empty Song Description is an issue (required), in custom mode an empty Prompt is not', () => {
		const base = { resource: 'audio', operation: 'generate', model: 'suno-ai/music' };
		expect(Object.keys(issuesOf({ ...base, custom: false }))).toEqual(['prompt']);
		expect(issuesOf({ ...base, custom: false, prompt: 'a song' })).toEqual({});
		expect(issuesOf({ ...base, custom: true })).toEqual({});
	});

	it('an option value another model offers and this one does not is dropped (Suno version → Lyrics model)', () => {
		let values = editorChange({ resource: 'audio', operation: 'generate' }, 'model', 'suno-ai/music');
		values = editorChange(values, 'mv', 'chirp-v4');
		values = editorChange(values, 'model', 'suno-ai/lyrics');
		expect(values.mv).toBe('remi-v1');
	});

	it('every same-named field either accepts the other\'s values or hides itself when it holds one it cannot take', () => {
		for (const resource of ['video', 'image', 'audio'] as const) {
			for (const from of modelsOf(resource)) {
				for (const to of modelsOf(resource)) {
					const additionalFields: INodeParameters = {};
					const topLevel: INodeParameters = {};
					for (const spec of from.inputs) {
						if (spec.required || spec.key === 'prompt' || !spec.options) continue;
						(isTopLevel(from, spec) ? topLevel : additionalFields)[parameterName(spec.key)] = spec.options[spec.options.length - 1];
					}
					let values = editorChange({ resource, operation: 'generate' }, 'model', from.id);
					values = editorChange(values, 'additionalFields', additionalFields);
					for (const [name, value] of Object.entries(topLevel)) values = editorChange(values, name, value);
					values = editorChange(values, 'model', to.id);
					for (const [name, value] of Object.entries((values.additionalFields ?? {}) as INodeParameters)) {
						const spec = to.inputs.find((input) => parameterName(input.key) === name);
						expect([to.id, name, spec?.options ? spec.options.includes(value as string) : true]).toEqual([to.id, name, true]);
					}
					// A top-level main control holds the model's default ('') or a value the new model takes.
					for (const name of Object.keys(topLevel)) {
						const shown = form(values).byName(name);
						if (!shown || values[name] === undefined) continue;
						const offered = (shown.options as INodePropertyOptions[]).map((option) => option.value);
						expect([to.id, name, offered.includes(values[name] as string)]).toEqual([to.id, name, true]);
					}
				}
			}
		}
	});
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

	it('a workflow saved before the prompt moved top-level (Additional Fields → Prompt) still sends it', async () => {
		const result = await runUnifically(sim(), {
			resource: 'video',
			operation: 'create',
			model: 'hailuo/minimax-2.3',
			additionalFields: { prompt: 'saved the old way', duration: 6 },
		});
		expect(result.status).toBe('success');
		expect(receivedInput(sim(), result.outputOf(NODE_NAME)[0].json.task_id)).toStrictEqual({ prompt: 'saved the old way', duration: 6 });
	});

	it('main video controls: the model\'s default sends nothing; a choice is sent; a workflow saved with them in Additional Fields still sends those', async () => {
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
		expect(await sent({ additionalFields: { resolution: '4k', aspectRatio: '9:16' } })).toStrictEqual({ prompt: 'a fox', aspect_ratio: '9:16', resolution: '4k' });
		expect(await sent({ resolution: '1080p', additionalFields: { resolution: '4k' } })).toStrictEqual({ prompt: 'a fox', resolution: '1080p' });
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
