/**
 * Choices from the API's lists (n8n's resource locator: From List, searchable, or By ID): ElevenLabs
 * voices (dialogue turns, text to speech), Higgsfield voices and motions, and the models GET
 * /v1/models lists beyond the catalog ("Other Model From the API"). The form through n8n-workflow's
 * display logic; each list through n8n-core's real LoadOptionsContext against the simulator over
 * real HTTP (every answer shape the reader takes, the cache, a list that cannot be read); and the
 * requests: the API receives the plain ID, picked, typed By ID or saved as a plain string before.
 */
import type { INode, INodeParameters, INodeProperties, INodePropertyModeTypeOptions } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { HarnessNodeTypes, UNIFICALLY, searchList } from '../../harness/engine.cjs';
import { OTHER_MODEL } from '../../nodes/Unifically/catalog/toProperties';
import { readListAnswer } from '../../nodes/shared/transport/lists';
import { LIST_SHAPES, type ListShape } from '../../simulator/lists.cjs';
import {
	NODE_NAME,
	credentialsFor,
	receivedInput,
	runUnifically,
	serializeError,
	simTask,
	tasksOfThisTest,
	uploadsOfThisTest,
	useSimulator,
} from './support/fixtures.cjs';
import { description, form, issuesOf, media } from './support/form.cjs';

const RACHEL = '21m00Tcm4TlvDq8ikWAM';
const DOMI = 'AZnzlk1XvdvUeBnXmlld';
const GENERAL_MOTION = 'd2389a9a-91c2-4276-bc9c-c9e35e8fb85a';
const picked = (value: string, mode = 'list') => ({ __rl: true, mode, value });

function listMethodOf(property: INodeProperties | undefined): string | undefined {
	const list = property?.modes?.find((mode) => mode.name === 'list');
	return (list?.typeOptions as INodePropertyModeTypeOptions | undefined)?.searchListMethod;
}

describe('the form: pickers', () => {
	it.each([
		['video', 'higgsfield-ai/lite', 'motionId', 'searchHiggsfieldMotions'],
		['video', 'higgsfield-ai/standard', 'motionId', 'searchHiggsfieldMotions'],
		['audio', 'higgsfield-ai/tts', 'voiceId', 'searchHiggsfieldVoices'],
		['audio', 'elevenlabs/text-to-speech', 'voice', 'searchElevenlabsVoices'],
	])('%s %s: %s is a resource locator (From List, searchable; By ID), top-level', (resource, model, name, method) => {
		const shown = media(resource, model);
		const field = shown.byName(name);
		expect(field).toMatchObject({ type: 'resourceLocator', default: { mode: 'list', value: '' } });
		expect(field?.modes?.map((mode) => [mode.name, mode.type])).toEqual([
			['list', 'list'],
			['id', 'string'],
		]);
		expect(listMethodOf(field)).toBe(method);
		expect(field?.modes?.[0].typeOptions).toMatchObject({ searchable: true });
		expect(shown.filled[name]).toEqual({ __rl: true, mode: 'list', value: '' });
	});

	it('required pickers are marked (⚠ while empty), the guessed TTS voice is not and says it is a guess, Extra Input stays', () => {
		expect(issuesOf({ resource: 'video', operation: 'generate', model: 'higgsfield-ai/lite' }).motionId).toBeDefined();
		expect(issuesOf({ resource: 'video', operation: 'generate', model: 'higgsfield-ai/lite', motionId: picked(GENERAL_MOTION) }).motionId).toBeUndefined();
		const tts = media('audio', 'elevenlabs/text-to-speech');
		expect(tts.byName('voice')?.required).toBeUndefined();
		expect(tts.byName('voice')?.hint).toMatch(/name is a guess.*Extra Input \(JSON\)/);
		expect(tts.additional).toContain('extraInput');
	});

	it('Multi-Voice Dialogue: Turns to add, each a Text and a Voice from the list, before the JSON field', () => {
		const shown = media('audio', 'elevenlabs/text-to-dialogue');
		const turns = shown.byName('dialogueTurns');
		expect(turns).toMatchObject({ type: 'fixedCollection', typeOptions: { multipleValues: true } });
		const [turn] = turns?.options as Array<{ name: string; values: INodeProperties[] }>;
		expect(turn.name).toBe('turn');
		expect(turn.values.map((value) => [value.name, value.type, value.required])).toEqual([
			['text', 'string', true],
			['voice', 'resourceLocator', true],
		]);
		expect(listMethodOf(turn.values[1])).toBe('searchElevenlabsVoices');
		expect(shown.names.indexOf('dialogueTurns')).toBe(shown.names.indexOf('dialogue') - 1);
		// The JSON way stays for saved workflows and expressions; its example is valid JSON.
		expect(() => JSON.parse(shown.byName('dialogue')?.placeholder ?? '')).not.toThrow();
	});
});

describe('the form: Other Model From the API', () => {
	it.each(['video', 'image', 'audio'])('%s: the last entry of Model leads to a searchable list of the API\'s models, Prompt, Input Type, Media Inputs and Extra Input', (resource) => {
		const shown = form({ resource, operation: 'generate', model: OTHER_MODEL });
		expect(shown.names).toEqual(['resource', 'operation', 'model', 'otherModel', 'prompt', 'inputType', 'otherMediaInputs', 'additionalFields', 'options']);
		expect(shown.byName('otherModel')).toMatchObject({ type: 'resourceLocator', required: true });
		expect(listMethodOf(shown.byName('otherModel'))).toBe('searchApiModels');
		expect(shown.additional).toEqual(['extraInput']);
		expect(issuesOf({ resource, operation: 'generate', model: OTHER_MODEL }).otherModel).toBeDefined();
		expect(issuesOf({ resource, operation: 'generate', model: OTHER_MODEL, otherModel: picked('acme/new', 'id') }).otherModel).toBeUndefined();
	});

	it('hidden for every catalog model and for a model given by an expression', () => {
		for (const parameters of [
			{ resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast' },
			{ resource: 'video', operation: 'generate', model: '={{ "bytedance/seedance-2.0-fast" }}' },
			{ resource: 'audio', operation: 'create', model: 'elevenlabs/text-to-dialogue' },
		]) {
			const names = form(parameters).names;
			expect(names).not.toContain('otherModel');
			expect(names).not.toContain('otherMediaInputs');
		}
	});

	it('the canvas subtitle names the model picked from the API\'s list', () => {
		const subtitleOf = (parameters: INodeParameters) => {
			const node: INode = { id: '1', name: 'Unifically', type: UNIFICALLY, typeVersion: 1, position: [0, 0], parameters };
			const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: new HarnessNodeTypes() });
			return workflow.expression.getSimpleParameterValue(node, description.subtitle!, 'internal', {});
		};
		expect(subtitleOf({ resource: 'video', operation: 'generate', model: OTHER_MODEL, otherModel: picked('bytedance/seedance-2.0-fast') })).toBe('Generate: seedance-2.0-fast');
		expect(subtitleOf({ resource: 'video', operation: 'create', model: OTHER_MODEL })).toBe('Create Task: Other Model');
	});

	it('Media Inputs: URLs with Input Type URL, binary fields with Binary File', () => {
		const values = (inputType: string) => {
			const shown = form({ resource: 'video', operation: 'generate', model: OTHER_MODEL, inputType });
			const [entry] = shown.byName('otherMediaInputs')?.options as Array<{ values: INodeProperties[] }>;
			return entry.values.filter((value) => value.displayOptions?.hide?.['/inputType']?.includes(inputType) !== true).map((value) => value.name);
		};
		expect(values('url')).toEqual(['key', 'url', 'asList']);
		expect(values('binary')).toEqual(['key', 'binaryField', 'asList']);
	});
});

describe('reading a list answer, whatever its shape', () => {
	it.each<[string, unknown]>([
		['a bare array', [{ voice_id: 'a', name: 'A' }]],
		['data', { code: 200, success: true, data: [{ voice_id: 'a', name: 'A' }] }],
		['data.items', { code: 200, data: { items: [{ id: 'a', name: 'A' }], total: 1 } }],
		['voices', { voices: [{ voice_id: 'a', name: 'A' }] }],
		['data.voices', { data: { voices: [{ voice_id: 'a', name: 'A' }] } }],
		['items', { items: [{ id: 'a', name: 'A' }] }],
		['OpenAI-style models', { object: 'list', data: [{ id: 'a', display_name: 'A', owned_by: 'acme' }] }],
	])('%s', (_shape, body) => {
		expect(readListAnswer(body)?.entries).toEqual([expect.objectContaining({ id: 'a', name: 'A' })]);
	});

	it('strings and numbers are IDs, entries without an ID are skipped, a name defaults to the ID, the next cursor is read', () => {
		expect(readListAnswer({ data: ['x', 7, { name: 'no id' }, { id: 'y' }], next_cursor: '30' })).toEqual({
			entries: [
				{ id: 'x', name: 'x' },
				{ id: '7', name: '7' },
				{ id: 'y', name: 'y' },
			],
			next: '30',
		});
		expect(readListAnswer({ message: 'nothing here' })).toBeUndefined();
	});
});

describe('the lists, read by n8n-core\'s LoadOptionsContext from the simulator over HTTP', () => {
	const sim = useSimulator({ taskLatencyMs: 100 });
	let keyCounter = 0;
	/** A key per test: the reader caches per credential, and each test starts with an empty cache. */
	const freshKey = () => `sk-pickers-${++keyCounter}-${Date.now()}`;
	const search = (method: string, parameters: INodeParameters = {}, extra: { filter?: string; paginationToken?: string; apiKey?: string } = {}) =>
		searchList({
			method,
			parameters: { resource: 'audio', operation: 'generate', ...parameters },
			filter: extra.filter,
			paginationToken: extra.paginationToken,
			credentials: credentialsFor(sim(), extra.apiKey ?? freshKey()),
		});

	it('ElevenLabs voices: names with their IDs, the ID as the value; searchable by name', async () => {
		const { results } = await search('searchElevenlabsVoices');
		expect(results).toHaveLength(4);
		expect(results[0]).toMatchObject({ name: `Rachel (${RACHEL})`, value: RACHEL });
		expect((await search('searchElevenlabsVoices', {}, { filter: 'dom' })).results.map((result) => result.value)).toEqual([DOMI]);
	});

	it.each(LIST_SHAPES)('the voices wrapped as "%s" read the same', async (shape: ListShape) => {
		sim().configure({ listShape: shape });
		try {
			const values = (await search('searchElevenlabsVoices')).results.map((result) => result.value);
			expect(values).toEqual([RACHEL, DOMI, 'ErXwobaYiN019PkySvjV', 'VR6AewLTigWG4xSOukaG']);
			expect((await search('searchHiggsfieldVoices')).results.map((result) => result.value)).toEqual(['hf-voice-0001', 'hf-voice-0002', 'hf-voice-0003']);
		} finally {
			sim().configure({ listShape: 'data' });
		}
	});

	it('a list is read once per credential for a while (every keystroke of a search reuses it)', async () => {
		const apiKey = freshKey();
		await search('searchElevenlabsVoices', {}, { apiKey });
		await search('searchElevenlabsVoices', {}, { apiKey, filter: 'r' });
		await search('searchElevenlabsVoices', {}, { apiKey, filter: 'ra' });
		expect(sim().stats().listReads).toBe(1);
		await search('searchElevenlabsVoices', {}, { apiKey: freshKey() });
		expect(sim().stats().listReads).toBe(2);
	});

	it('Higgsfield motions: pages of 30 (legacy GET /higgsfield/motions with cursor), the next page by its cursor', async () => {
		const first = await search('searchHiggsfieldMotions', { resource: 'video' });
		expect(first.results).toHaveLength(30);
		expect(first.results[0]).toMatchObject({ name: `General (${GENERAL_MOTION})`, value: GENERAL_MOTION });
		expect(first.paginationToken).toBe('30');
		const second = await search('searchHiggsfieldMotions', { resource: 'video' }, { paginationToken: '30' });
		expect(second.results).toHaveLength(10);
		expect(second.paginationToken).toBeUndefined();
		expect(new Set([...first.results, ...second.results].map((result) => result.value)).size).toBe(40);
		expect((await search('searchHiggsfieldMotions', { resource: 'video' }, { filter: 'crash zoom' })).results.map((result) => result.name)).toEqual([
			expect.stringMatching(/^Crash Zoom \(/),
			expect.stringMatching(/^Crash Zoom Slow \(/),
			expect.stringMatching(/^Crash Zoom Fast \(/),
		]);
	});

	it('models: the ones GET /v1/models lists for the resource that the catalog lacks', async () => {
		const video = (await search('searchApiModels', { resource: 'video' })).results.map((result) => result.value);
		expect([...video].sort()).toEqual(['bytedance/seedance-2.0-fast', 'google/veo-3.1-lite', 'kuaishou/kling-2.6-video', 'xai/grok-imagine-video']);
		expect((await search('searchApiModels', { resource: 'image' })).results.map((result) => result.value)).toEqual(['openai/gpt-image-2']);
		const audio = await search('searchApiModels', { resource: 'audio' }, { filter: 'suno' });
		expect(audio.results).toEqual([{ name: 'Sound (suno-ai/sound)', value: 'suno-ai/sound', description: 'Suno' }]);
	});

	it('a list that cannot be read: an error that says so and points to By ID (nothing cached)', async () => {
		const apiKey = freshKey();
		sim().failNext({ endpoint: 'list', status: 500, message: 'Upstream unavailable' });
		const error = await search('searchElevenlabsVoices', {}, { apiKey }).then(
			() => undefined,
			(thrown: unknown) => thrown as { message: string; description?: string },
		);
		expect(error?.message).toBe('Could not read the ElevenLabs voices from Unifically: Unifically API error 500: Upstream unavailable');
		expect(error?.description).toMatch(/Choose "By ID" and paste the ID/);
		// The next look at the list reads it again.
		expect((await search('searchElevenlabsVoices', {}, { apiKey })).results).toHaveLength(4);
	});

	it('an invalid key and an answer without a list say so too', async () => {
		await expect(search('searchHiggsfieldVoices', {}, { apiKey: 'invalid-key' })).rejects.toThrow(/Could not read the Higgsfield voices from Unifically: Unifically API error 401/);
		sim().failNext({ endpoint: 'list', status: 200, body: '{"code":200,"data":{"message":"ok"}}' });
		await expect(search('searchHiggsfieldVoices')).rejects.toThrow(/its answer holds no list/);
	});
});

describe('the requests: the API receives the plain ID', () => {
	const sim = useSimulator({ taskLatencyMs: 100 });
	const create = (parameters: INodeParameters) => runUnifically(sim(), { operation: 'create', ...parameters });
	const inputOf = async (parameters: INodeParameters) => {
		const result = await create(parameters);
		expect(serializeError(result.error)).toBe(serializeError(undefined));
		const [item] = result.outputOf(NODE_NAME);
		return receivedInput(sim(), item.json.task_id);
	};
	const higgsfield = (motionId: unknown): INodeParameters => ({
		resource: 'video',
		model: 'higgsfield-ai/lite',
		prompt: 'A slow push-in',
		startImageUrl: 'https://example.com/photo.png',
		motionId: motionId as INodeParameters[string],
	});

	it('a motion picked from the list, typed By ID, or saved as a plain string (before it was a picker)', async () => {
		expect((await inputOf(higgsfield(picked(GENERAL_MOTION)))).motion_id).toBe(GENERAL_MOTION);
		expect((await inputOf(higgsfield(picked(` ${GENERAL_MOTION} `, 'id')))).motion_id).toBe(GENERAL_MOTION);
		expect((await inputOf(higgsfield(GENERAL_MOTION))).motion_id).toBe(GENERAL_MOTION);
		expect((await inputOf(higgsfield(picked('={{ "expr-" + "motion" }}', 'id')))).motion_id).toBe('expr-motion');
	});

	it('a required picker whose expression gives nothing stops before any request, naming the field (n8n itself blocks an empty one)', async () => {
		const result = await create(higgsfield(picked('={{ "" }}', 'id')));
		expect(result.error?.message).toBe('Parameter "Motion ID" (motionId) is required: its expression resolved to nothing (empty)');
		expect(tasksOfThisTest(sim())).toHaveLength(0);
	});

	it('Higgsfield TTS voice and the ElevenLabs TTS voice (a guessed key, sent only when set)', async () => {
		const tts = await inputOf({ resource: 'audio', model: 'higgsfield-ai/tts', prompt: 'Hello', voiceId: picked('hf-voice-0002') });
		expect(tts).toMatchObject({ voice_id: 'hf-voice-0002', prompt: 'Hello' });
		// (TTS's text, a guessed key too, is the shared Prompt field sent as text.)
		expect(await inputOf({ resource: 'audio', model: 'elevenlabs/text-to-speech', prompt: 'Hi', voice: picked(RACHEL) })).toEqual({ text: 'Hi', voice: RACHEL });
		expect(await inputOf({ resource: 'audio', model: 'elevenlabs/text-to-speech', prompt: 'Hi' })).toEqual({ text: 'Hi' });
	});

	it('dialogue turns become the dialogue array; the JSON way of a saved workflow still works', async () => {
		const turns = {
			turn: [
				{ text: '[excitedly] We did it!', voice: picked(RACHEL) },
				{ text: 'Finally.', voice: picked(DOMI, 'id') },
			],
		};
		expect((await inputOf({ resource: 'audio', model: 'elevenlabs/text-to-dialogue', dialogueTurns: turns })).dialogue).toEqual([
			{ text: '[excitedly] We did it!', voice: RACHEL },
			{ text: 'Finally.', voice: DOMI },
		]);
		const json = JSON.stringify([{ text: 'Saved before', voice: RACHEL }]);
		expect((await inputOf({ resource: 'audio', model: 'elevenlabs/text-to-dialogue', dialogue: json })).dialogue).toEqual([{ text: 'Saved before', voice: RACHEL }]);
	});

	it('a turn without its voice, or no dialogue at all, stops before any request', async () => {
		const noVoice = await create({ resource: 'audio', model: 'elevenlabs/text-to-dialogue', dialogueTurns: { turn: [{ text: 'Hi', voice: picked(RACHEL) }, { text: 'Who?', voice: picked('={{ $json.missing }}', 'id') }] } });
		expect(noVoice.error?.message).toBe('Parameter "Turns" (dialogueTurns): Turn 2\'s "Voice" is empty: fill it in or remove the turn');
		const nothing = await create({ resource: 'audio', model: 'elevenlabs/text-to-dialogue' });
		expect(nothing.error?.message).toBe('Parameter "Dialogue (JSON)" (dialogue) is required: add a turn in "Turns" (dialogueTurns), or give them as JSON');
		expect(tasksOfThisTest(sim())).toHaveLength(0);
	});

	it('Other Model From the API: the picked id is the model, with the prompt, its media inputs and Extra Input', async () => {
		const result = await create({
			resource: 'video',
			model: OTHER_MODEL,
			otherModel: picked('bytedance/seedance-2.0-fast'),
			prompt: 'A fox runs',
			otherMediaInputs: { input: [{ key: 'image_url', url: 'https://example.com/fox.png' }, { key: 'reference_urls', url: 'https://example.com/a.png, https://example.com/b.png', asList: true }] },
			additionalFields: { extraInput: '{"duration": 5}' },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json).toMatchObject({ model: 'bytedance/seedance-2.0-fast', status: 'pending' });
		expect(simTask(sim(), item.json.task_id).model).toBe('bytedance/seedance-2.0-fast');
		expect(receivedInput(sim(), item.json.task_id)).toEqual({
			prompt: 'A fox runs',
			image_url: 'https://example.com/fox.png',
			reference_urls: ['https://example.com/a.png', 'https://example.com/b.png'],
			duration: 5,
		});
	});

	it('Other Model From the API by ID, with a file of the item as its media input (uploaded first)', async () => {
		const result = await runUnifically(
			sim(),
			{
				resource: 'video',
				operation: 'create',
				model: OTHER_MODEL,
				otherModel: picked('kuaishou/kling-2.6-video', 'id'),
				prompt: 'It moves',
				inputType: 'binary',
				otherMediaInputs: { input: [{ key: 'start_image_url', binaryField: 'data' }] },
			},
			{ binaryItems: [{ binary: { data: { fileName: 'start.png', mimeType: 'image/png', seed: 'start', bytes: 2000 } } }] },
		);
		expect(serializeError(result.error)).toBe(serializeError(undefined));
		const [upload] = uploadsOfThisTest(sim());
		const [item] = result.outputOf(NODE_NAME);
		expect(receivedInput(sim(), item.json.task_id)).toEqual({ prompt: 'It moves', start_image_url: upload.url });
	});

	it('Other Model From the API: no model, a media input without key or with a bad URL stop before any request', async () => {
		const base = { resource: 'video', model: OTHER_MODEL, prompt: 'x' };
		// n8n itself blocks an empty one; an expression that gives nothing is the node's to name.
		expect(issuesOf({ ...base, operation: 'create' }).otherModel).toBeDefined();
		expect((await create({ ...base, otherModel: picked('={{ $json.none }}', 'id') })).error?.message).toBe('Parameter "Model from the API" (otherModel) is required');
		const noKey = await create({ ...base, otherModel: picked('xai/grok-imagine-video'), otherMediaInputs: { input: [{ key: '={{ "" }}', url: 'https://example.com/a.png' }] } });
		expect(noKey.error?.message).toBe('Parameter "Media Inputs" (otherMediaInputs): entry 1 has no Input Name');
		const badUrl = await create({ ...base, otherModel: picked('xai/grok-imagine-video'), otherMediaInputs: { input: [{ key: 'image_url', url: 'photo.png' }] } });
		expect(badUrl.error?.message).toBe('Parameter "Media Inputs → image_url" (otherMediaInputs) must be an http(s) URL, got "photo.png"');
		expect(tasksOfThisTest(sim())).toHaveLength(0);
	});

	it('when the list cannot be read, a model given By ID is still created', async () => {
		sim().failNext({ endpoint: 'list', status: 503, count: 5 });
		await expect(
			searchList({ method: 'searchApiModels', parameters: { resource: 'video' }, credentials: credentialsFor(sim(), `sk-down-${Date.now()}`) }),
		).rejects.toThrow(/Could not read the video models from Unifically: Unifically API error 503/);
		const input = await inputOf({ resource: 'video', model: OTHER_MODEL, otherModel: picked('google/veo-3.1-lite', 'id'), prompt: 'Dawn' });
		expect(input).toEqual({ prompt: 'Dawn' });
	});
});
