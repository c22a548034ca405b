import type { PriceRule, SimInput, SimModel } from '../modelTypes.cjs';

/*
 * Audio models, in the API doc's order ("Audio Generation"), read from its "Model Parameters"
 * tables. Prices as in models/video.cts.
 */

const text: SimInput = { type: 'string' };
const requiredText: SimInput = { type: 'string', required: true };
const url: SimInput = { type: 'string', url: true };
const requiredUrl: SimInput = { type: 'string', url: true, required: true };
const flag: SimInput = { type: 'boolean' };
const number: SimInput = { type: 'number' };
const flat = (usd: number): PriceRule => ({ kind: 'flat', usd });
const ownPrice = 'Not documented: the simulator\'s own choice.';

/** Suno Music's table: "false for simple mode, true for custom mode"; no input is required by mode. */
const sunoVersions = ['chirp-v3-5', 'chirp-v4', 'chirp-auk', 'chirp-bluejay', 'chirp-crow'];

// Suno Audio Operations: one table for four models; clip_id and audio_url are `Yes*` (one of them).
const sunoOperation = (id: string): SimModel => ({
	id,
	resource: 'audio',
	source: 'apiDoc',
	inputs: {
		mv: requiredText, // "Model version" (no list for these models)
		clip_id: text,
		audio_url: url,
		custom: { type: 'boolean', required: true },
		gpt_description_prompt: text,
		prompt: text,
		continue_at: number,
		start_s: number,
		end_s: number,
	},
	rules: [{ kind: 'oneOf', keys: ['clip_id', 'audio_url'] }],
	price: flat(0.06),
});

const sunoStems = (id: string, usd: number): SimModel => ({
	id,
	resource: 'audio',
	source: 'apiDoc',
	inputs: { clip_id: requiredText, title: text },
	price: flat(usd),
});

/** No source names the inputs: the guessed key (docs/api-doc-differences.md) is typed, optional; any other key passes. */
const guessed = (id: string, inputs: Record<string, SimInput>, usd: number): SimModel => ({
	id,
	resource: 'audio',
	source: 'guessed',
	inputs,
	price: flat(usd),
	priceNote: ownPrice,
});

export const audioModels: SimModel[] = [
	{
		id: 'suno-ai/music',
		resource: 'audio',
		source: 'apiDoc',
		inputs: {
			mv: { type: 'string', required: true, options: sunoVersions },
			custom: { type: 'boolean', required: true },
			gpt_description_prompt: text,
			prompt: text,
			tags: text,
			title: text,
			make_instrumental: flag,
			negative_tags: text,
		},
		price: flat(0.06),
	},
	sunoOperation('suno-ai/add-vocals'),
	sunoOperation('suno-ai/add-instrumental'),
	sunoOperation('suno-ai/extend'),
	sunoOperation('suno-ai/cover'),
	sunoStems('suno-ai/stems', 0.05),
	sunoStems('suno-ai/stems-all', 0.2),
	{
		id: 'suno-ai/lyrics',
		resource: 'audio',
		source: 'apiDoc',
		inputs: { prompt: requiredText, mv: { type: 'string', required: true, options: ['remi-v1', 'default'] } },
		price: flat(0.012),
	},
	guessed('suno-ai/wav', { clip_id: text }, 0.01),
	{
		id: 'higgsfield-ai/speak',
		resource: 'audio',
		source: 'apiDoc',
		inputs: {
			image_url: requiredUrl,
			audio_url: url,
			audio_task_id: text,
			prompt: requiredText,
			quality: { type: 'string', options: ['standard', 'high'] },
			enhance_prompt: { type: 'boolean', default: true },
			seed: { type: 'integer' },
		},
		rules: [{ kind: 'oneOf', keys: ['audio_url', 'audio_task_id'] }],
		price: { kind: 'table', by: ['quality'], table: { standard: 0.25, high: 0.35 }, defaults: { quality: 'standard' } },
		priceNote: 'No default quality documented: a request without one is priced as standard.',
	},
	{
		id: 'higgsfield-ai/tts',
		resource: 'audio',
		source: 'apiDoc',
		inputs: {
			voice_id: requiredText,
			prompt: requiredText,
			sound_id: text,
			similarity_boost: { type: 'integer', min: 0, max: 100, default: 90 },
			style: { type: 'integer', min: 0, max: 100, default: 60 },
			speed: { type: 'number', min: 0, max: 1.2, default: 1.1 },
			stability: { type: 'integer', min: 0, max: 100, default: 30 },
		},
		price: flat(0.05),
	},
	guessed('elevenlabs/text-to-speech', { text }, 0.05),
	{
		// Public model page (S7).
		id: 'elevenlabs/text-to-dialogue',
		resource: 'audio',
		source: 'publicPages',
		inputs: {
			dialogue: { type: 'object[]', required: true },
			language_code: { type: 'string', default: 'auto' },
			stability: { type: 'number', min: 0, max: 1, default: 0.5 },
		},
		price: flat(0.08),
		priceNote: ownPrice,
	},
	{
		// Public model page (S8). `duration` also takes "auto" (the page's default).
		id: 'elevenlabs/sound-effect',
		resource: 'audio',
		source: 'publicPages',
		inputs: {
			text: requiredText,
			prompt_influence: { type: 'number', min: 0, max: 1, default: 0.5 },
			duration: { type: 'number', min: 0.5, max: 30, alsoAccepts: ['auto'] },
			loop: { type: 'boolean', default: false },
		},
		price: flat(0.03),
		priceNote: ownPrice,
	},
	guessed('elevenlabs/voice-isolation', { audio_url: url }, 0.04),
	{
		// Public model page (S9), its newer version (Scribe v2).
		id: 'elevenlabs/speech-to-text',
		resource: 'audio',
		source: 'publicPages',
		inputs: {
			audio_url: requiredUrl,
			language_code: text,
			diarize: { type: 'boolean', default: false },
			num_speakers: { type: 'integer', min: 1, max: 32 },
			diarization_threshold: { type: 'number', default: 0.22 },
			timestamps_granularity: { type: 'string', options: ['none', 'word', 'character'], default: 'word' },
			tag_audio_events: { type: 'boolean', default: true },
			temperature: { type: 'number', min: 0, max: 2, default: 0 },
			seed: { type: 'integer', min: 0, max: 2147483647 },
			keyterms: { type: 'string[]', maxItems: 100 },
		},
		price: flat(0.03),
		priceNote: ownPrice,
	},
];
