/**
 * The lists the node's pickers read: `GET /v1/models` (shape of the reference's section 4a, an
 * OpenAI-style `{data:[{id, display_name, owned_by, provider_display, category}]}`, `?category=`),
 * ElevenLabs voices `GET /v1/resources/elevenlabs/voices`, and Higgsfield's legacy lists
 * `GET /higgsfield/voices` and `GET /higgsfield/motions?size&cursor` (pages, `next_cursor`). The
 * voices' and motions' answer shapes are not documented: `listShape` picks one of the shapes the
 * node must read (default `data`: the API's envelope around an array). Also the models the API lists
 * beyond the API doc (LISTED_ONLY_MODELS), which creates accept with any input.
 */
import type { SimModel } from './modelTypes.cjs';
import type { SimContext } from './state.cjs';

/**
 * How a voice or motion list is wrapped: `array` bare, `data` `{code, success, data:[…]}`, `dataItems`
 * `{code, success, data:{items:[…]}}`, `voices` `{voices:[…]}` (ElevenLabs' own API), `items` `{items:[…]}`.
 */
export type ListShape = 'array' | 'data' | 'dataItems' | 'voices' | 'items';
export const LIST_SHAPES: readonly ListShape[] = ['array', 'data', 'dataItems', 'voices', 'items'];

/**
 * Model ids Unifically's users call that the API doc does not list (the reference's section 4a):
 * the simulator lists them in `GET /v1/models` and accepts creates for them (inputs not known:
 * anything goes, as for the doc's undocumented models).
 */
export const LISTED_ONLY_MODELS: readonly SimModel[] = [
	{ id: 'bytedance/seedance-2.0-fast', resource: 'video', source: 'none', inputs: {} },
	{ id: 'xai/grok-imagine-video', resource: 'video', source: 'none', inputs: {} },
	{ id: 'google/veo-3.1-lite', resource: 'video', source: 'none', inputs: {} },
	{ id: 'kuaishou/kling-2.6-video', resource: 'video', source: 'none', inputs: {} },
	{ id: 'openai/gpt-image-2', resource: 'image', source: 'none', inputs: {} },
	{ id: 'suno-ai/sound', resource: 'audio', source: 'none', inputs: {} },
];

/** ElevenLabs' premade voices (their public voice IDs), answered with ElevenLabs' field names. */
export const ELEVENLABS_VOICES = [
	{ voice_id: '21m00Tcm4TlvDq8ikWAM', name: 'Rachel', category: 'premade', labels: { accent: 'american', gender: 'female' } },
	{ voice_id: 'AZnzlk1XvdvUeBnXmlld', name: 'Domi', category: 'premade', labels: { accent: 'american', gender: 'female' } },
	{ voice_id: 'ErXwobaYiN019PkySvjV', name: 'Antoni', category: 'premade', labels: { accent: 'american', gender: 'male' } },
	{ voice_id: 'VR6AewLTigWG4xSOukaG', name: 'Arnold', category: 'premade', labels: { accent: 'american', gender: 'male' } },
];

/** Higgsfield voices (the simulator's own: the real item shape is unknown), `{id, name}`. */
export const HIGGSFIELD_VOICES = [
	{ id: 'hf-voice-0001', name: 'Narrator (calm)' },
	{ id: 'hf-voice-0002', name: 'Presenter (upbeat)' },
	{ id: 'hf-voice-0003', name: 'Storyteller (warm)' },
];

/** 40 motions, so the list has two pages of 30; the first is the docs' example "General". */
export const HIGGSFIELD_MOTIONS = [
	{ id: 'd2389a9a-91c2-4276-bc9c-c9e35e8fb85a', name: 'General' },
	...['Dolly In', 'Dolly Out', 'Crash Zoom', 'Orbit Left', 'Orbit Right', 'Crane Up', 'Crane Down', 'Whip Pan', 'Handheld', 'Bullet Time']
		.flatMap((name, index) => [
			{ id: `0000${index}a00-1111-4222-8333-44445555${String(index).padStart(4, '0')}`, name },
			{ id: `0000${index}b00-1111-4222-8333-44445555${String(index).padStart(4, '0')}`, name: `${name} Slow` },
			{ id: `0000${index}c00-1111-4222-8333-44445555${String(index).padStart(4, '0')}`, name: `${name} Fast` },
		]),
	...['Levitation', 'Disintegration', 'Glitch', 'Morph', 'Flying', 'Explosion', 'Rain', 'Snow', 'Fire'].map((name, index) => ({
		id: `0000${index}d00-1111-4222-8333-66667777${String(index).padStart(4, '0')}`,
		name,
	})),
].map((motion) => ({ ...motion, media: { url: `https://example.com/motions/${motion.id}.mp4`, type: 'video' }, tags: [], categories: ['camera'] }));

const MOTION_PAGE = 30;

function wrap(shape: ListShape, items: unknown[], extra: Record<string, unknown> = {}): unknown {
	switch (shape) {
		case 'array':
			return items;
		case 'dataItems':
			return { code: 200, success: true, data: { items, ...extra } };
		case 'voices':
			return { voices: items, ...extra };
		case 'items':
			return { items, ...extra };
		default:
			return { code: 200, success: true, data: items, ...extra };
	}
}

const PROVIDERS: Record<string, string> = {
	bytedance: 'ByteDance',
	xai: 'xAI',
	google: 'Google',
	kuaishou: 'Kuaishou',
	openai: 'OpenAI',
	'suno-ai': 'Suno',
	elevenlabs: 'ElevenLabs',
	'higgsfield-ai': 'Higgsfield',
	hailuo: 'Hailuo',
	'black-forest-labs': 'Black Forest Labs',
	'topaz-labs': 'Topaz Labs',
};

/** `GET /v1/models[?category=video|image|audio]`: every model served, OpenAI-style. */
export function modelsAnswer(sim: SimContext, category: string | null): unknown {
	const data = [...sim.models.values()]
		.filter((model) => !category || model.resource === category)
		.map((model) => {
			const [owner, name] = model.id.split('/');
			return {
				id: model.id,
				object: 'model',
				display_name: name.replace(/-/g, ' ').replace(/\b[a-z]/g, (letter) => letter.toUpperCase()),
				owned_by: owner,
				provider_display: PROVIDERS[owner] ?? owner,
				category: model.resource,
			};
		});
	return { object: 'list', data };
}

/**
 * The answer of a list path, or `undefined` for a path that is no list. Motions: `size` (default 30)
 * per page from `cursor` (a number, default 0); `next_cursor` while more follow.
 */
export function listAnswer(sim: SimContext, url: URL): unknown {
	const shape = sim.config.listShape;
	switch (url.pathname.replace(/\/$/, '')) {
		case '/v1/models':
			return modelsAnswer(sim, url.searchParams.get('category'));
		case '/v1/resources/elevenlabs/voices':
			return wrap(shape, ELEVENLABS_VOICES);
		case '/higgsfield/voices':
			return wrap(shape, HIGGSFIELD_VOICES);
		case '/higgsfield/motions': {
			const size = Math.max(1, Math.min(100, Number(url.searchParams.get('size')) || MOTION_PAGE));
			const cursor = Math.max(0, Number(url.searchParams.get('cursor')) || 0);
			const page = HIGGSFIELD_MOTIONS.slice(cursor, cursor + size);
			const next = cursor + size < HIGGSFIELD_MOTIONS.length ? String(cursor + size) : undefined;
			return wrap(shape, page, { total: HIGGSFIELD_MOTIONS.length, ...(next ? { next_cursor: next } : {}) });
		}
		default:
			return undefined;
	}
}

export const isListPath = (path: string) =>
	/^\/(?:v1\/models|v1\/resources\/elevenlabs\/voices|higgsfield\/voices|higgsfield\/motions)\/?$/.test(path);
