import type { PriceRule, SimInput, SimModel } from '../modelTypes.cjs';

/*
 * Image models, in the API doc's order ("Image Generation"), read from its "Model Parameters"
 * tables. Prices as in models/video.cts.
 */

const text: SimInput = { type: 'string' };
const requiredText: SimInput = { type: 'string', required: true };
const choice = (...options: string[]): SimInput => ({ type: 'string', options });
const urls = (maxItems?: number): SimInput => ({ type: 'string[]', url: true, ...(maxItems ? { maxItems } : {}) });
const flat = (usd: number): PriceRule => ({ kind: 'flat', usd });
const byQuality = (table: Record<string, number>, missing: string): PriceRule => ({
	kind: 'table',
	by: ['quality'],
	table,
	defaults: { quality: missing },
});

// Nano Banana: aspect_ratio required; resolution "Pro only".
const nanoBanana = (id: string, pro: boolean, usd: number): SimModel => ({
	id,
	resource: 'image',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		aspect_ratio: { ...choice('1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'), required: true },
		image_urls: urls(),
		...(pro ? { resolution: choice('1k', '2k', '4k') } : {}),
	},
	price: flat(usd),
});

// GPT Image: no default quality documented; priced as "high" when left out (over- rather than under-estimating).
const gptImage = (id: string, low: number, medium: number, high: number): SimModel => ({
	id,
	resource: 'image',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		image_urls: urls(),
		aspect_ratio: choice('1:1', '2:3', '3:2'),
		quality: choice('low', 'medium', 'high'),
	},
	price: byQuality({ low, medium, high }, 'high'),
	priceNote:
		'No default quality documented: a request without one is priced as high (OpenAI\'s own default, "auto", usually renders at high quality, and over- rather than under-estimating keeps the node\'s spending guard safe).',
});

// Flux.2: references Pro/Max 8, Flex 10; steps and cfg Flex only; Max adds 5:4 and 21:9.
const flux = (id: string, variant: 'pro' | 'flex' | 'max', p1k: number, p2k: number): SimModel => ({
	id,
	resource: 'image',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		image_urls: urls(variant === 'flex' ? 10 : 8),
		aspect_ratio: choice('auto', '1:1', '4:3', '16:9', '3:2', '2:3', '9:16', '3:4', ...(variant === 'max' ? ['5:4', '21:9'] : [])),
		quality: choice('1K', '2K'),
		...(variant === 'flex'
			? { steps: { type: 'integer', min: 1, max: 50 } as SimInput, cfg: { type: 'number', min: 1.5, max: 10 } as SimInput }
			: {}),
	},
	price: byQuality({ '1K': p1k, '2K': p2k }, '1K'),
	priceNote: 'No default quality documented: a request without one is priced as 1K.',
});

// Kling O1 / 3.0 Omni Image: the doc lists the ids only; a marketing page (S20) gives references (≤ 10),
// aspect ratios and resolutions, not their keys: `aspect_ratio` and `resolution` as elsewhere.
const klingImage = (id: string, resolutions: string[], usd: number): SimModel => ({
	id,
	resource: 'image',
	source: 'publicPages',
	inputs: {
		prompt: text,
		image_urls: urls(10),
		aspect_ratio: choice('auto', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9'),
		resolution: choice(...resolutions),
	},
	price: flat(usd),
	priceNote: 'Not documented: the simulator\'s own choice.',
});

/** No source names the inputs: the guessed key (docs/api-doc-differences.md) is typed, optional; any other key passes. */
const guessed = (id: string, inputs: Record<string, SimInput>, usd: number): SimModel => ({
	id,
	resource: 'image',
	source: 'guessed',
	inputs,
	price: flat(usd),
	priceNote: 'Not documented: the simulator\'s own choice.',
});

export const imageModels: SimModel[] = [
	nanoBanana('google/nano-banana', false, 0.03),
	nanoBanana('google/nano-banana-pro', true, 0.06),
	gptImage('openai/gpt-image-1', 0.01, 0.02, 0.04),
	gptImage('openai/gpt-image-1.5', 0.02, 0.03, 0.05),
	{
		id: 'higgsfield-ai/cinematic-studio-image',
		resource: 'image',
		source: 'apiDoc',
		inputs: {
			prompt: requiredText,
			resolution: { ...choice('1k', '2k', '4k'), default: '2k' },
			image_urls: urls(4),
			camera_model_id: text,
			camera_lens_id: text,
			camera_aperture_id: text,
			camera_focal_length_id: text,
		},
		price: { kind: 'table', by: ['resolution'], table: { '1k': 0.03, '2k': 0.03, '4k': 0.06 }, defaults: { resolution: '2k' } },
	},
	flux('black-forest-labs/flux.2-pro', 'pro', 0.02, 0.03),
	flux('black-forest-labs/flux.2-flex', 'flex', 0.04, 0.06),
	flux('black-forest-labs/flux.2-max', 'max', 0.05, 0.07),
	klingImage('kuaishou/kling-o1-image', ['1K', '2K'], 0.03),
	klingImage('kuaishou/kling-3.0-omni-image', ['1K', '2K', '4K'], 0.04),
	guessed('topaz-labs/image-upscale', { image_url: { type: 'string', url: true } }, 0.05),
	guessed('topaz-labs/image-generative', { image_url: { type: 'string', url: true } }, 0.08),
];
