import type { PriceRule, SimInput, SimModel, SimRule } from '../modelTypes.cjs';

/*
 * Video models, in the API doc's order ("Video Generation"), read from its "Model Parameters"
 * tables. Prices: the doc's "Pricing:" lines as docs/SPEC.md "Prices" reads them; where the doc
 * states no price, the simulator's own choice (`priceNote`).
 */

const text: SimInput = { type: 'string' };
const requiredText: SimInput = { type: 'string', required: true };
const url: SimInput = { type: 'string', url: true };
const requiredUrl: SimInput = { type: 'string', url: true, required: true };
const flag: SimInput = { type: 'boolean' };
const seed: SimInput = { type: 'integer' };
const choice = (...options: Array<string | number>): SimInput => ({ type: typeof options[0] === 'number' ? 'integer' : 'string', options });
const urls = (maxItems?: number): SimInput => ({ type: 'string[]', url: true, ...(maxItems ? { maxItems } : {}) });
const json = (maxItems?: number): SimInput => ({ type: 'object[]', ...(maxItems ? { maxItems } : {}) });
const flat = (usd: number): PriceRule => ({ kind: 'flat', usd });
const byDuration = (p5: number, p10: number): PriceRule => ({ kind: 'table', by: ['duration'], table: { '5': p5, '10': p10 }, defaults: { duration: 5 } });
const promptOrStartImage: SimRule = { kind: 'oneOf', keys: ['prompt', 'start_image_url'] };

// Google Veo 3.1: "720p (default), 1080p, 4k".
const veo = (id: string, p720: number, p1080: number, p4k: number): SimModel => ({
	id,
	resource: 'video',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		aspect_ratio: choice('16:9', '9:16'),
		start_image_url: url,
		end_image_url: url,
		resolution: { ...choice('720p', '1080p', '4k'), default: '720p' },
		seed,
	},
	price: { kind: 'table', by: ['resolution'], table: { '720p': p720, '1080p': p1080, '4k': p4k }, defaults: { resolution: '720p' } },
});

// OpenAI Sora 2: "Sora 2: 5, 10, 15, 20s / Pro: 10, 15, 20, 25s".
const sora = (id: string, durations: number[], table: Record<string, number>): SimModel => ({
	id,
	resource: 'video',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		duration: choice(...durations),
		aspect_ratio: choice('16:9', '9:16'),
		image_url: url,
		cameo_video_url: url,
		character_prompt: text,
		safety_instruction: text,
	},
	price: { kind: 'table', by: ['duration'], table, defaults: { duration: 10 } },
	priceNote:
		'SPEC: "Sora 2\'s line is ambiguous (10 s 0.10, 15 s 0.15, 25 s 0.40)". Read as: 10 s and 15 s are Sora 2 prices (0.01 $/s, so 5 s 0.05 and 20 s 0.20); 25 s (Pro only) is the Pro price (0.016 $/s, so 10 s 0.16, 15 s 0.24, 20 s 0.32). Without duration: 10 s, the one length both models offer.',
});

// Minimax Hailuo: one table for three models; end_image_url is 2.0 only, "512p" 2.0 only, 2.3-fast needs a start image.
const hailuo = (id: string, variant: '2.0' | '2.3' | '2.3-fast', usd: number): SimModel => ({
	id,
	resource: 'video',
	source: 'apiDoc',
	inputs: {
		prompt: { type: 'string', maxLength: 2000 },
		start_image_url: variant === '2.3-fast' ? requiredUrl : url,
		...(variant === '2.0' ? { end_image_url: url } : {}),
		duration: choice(6, 10),
		resolution: { ...choice(...(variant === '2.0' ? ['512p', '768p', '1080p'] : ['768p', '1080p'])), default: '768p' },
		prompt_optimization: flag,
	},
	rules: [
		...(variant === '2.3-fast' ? [] : [promptOrStartImage]),
		{ kind: 'onlyWhen', when: { key: 'resolution', in: ['1080p'] }, then: { key: 'duration', in: [6] } },
	],
	price: flat(usd),
});

// Higgsfield Video: prompt, start image and motion preset required.
const higgsfield = (id: string, usd: number): SimModel => ({
	id,
	resource: 'video',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		start_image_url: requiredUrl,
		motion_id: requiredText,
		end_image_url: url,
		enhance_prompt: flag,
		seed,
	},
	price: flat(usd),
});

// Kling 2.6 / 2.5 / 2.1 Master: "Yes*: required for text-to-video, optional for image-to-video".
const klingTextOrImage = (id: string, modes: string[], endImage: boolean, price: PriceRule): SimModel => ({
	id,
	resource: 'video',
	source: 'apiDoc',
	inputs: {
		prompt: text,
		start_image_url: url,
		...(endImage ? { end_image_url: url } : {}),
		duration: choice(5, 10),
		aspect_ratio: choice('16:9', '9:16', '1:1'),
		mode: choice(...modes),
		enable_audio: flag,
	},
	rules: [promptOrStartImage],
	price,
});

// Kling O1 Video (Omni), and 3.0 Omni Video: "Same as O1 Video" with duration 3–15, "auto", multi_shot.
const klingOmni = (id: string, v30: boolean, price: PriceRule, priceNote?: string): SimModel => ({
	id,
	resource: 'video',
	source: 'apiDoc',
	inputs: {
		prompt: requiredText,
		mode: choice('std', 'pro'),
		duration: { type: 'integer', min: 3, max: v30 ? 15 : 10 },
		aspect_ratio: choice('16:9', '9:16', '1:1', ...(v30 ? ['auto'] : [])),
		count: { type: 'integer', min: 1, max: 4 },
		image_urls: urls(7),
		elements: json(7),
		start_image_url: url,
		end_image_url: url,
		video_url: url,
		video_mode: choice('reference', 'transform'),
		keep_audio: flag,
		...(v30 ? { multi_shot: { type: 'object[]', maxItems: 6 } as SimInput } : {}),
	},
	price,
	...(priceNote ? { priceNote } : {}),
});

/*
 * SPEC prices Kling 3.0 Omni Video at 5 s and 10 s, 720p/1080p, sound off/on. Read as: mode "std" is
 * 720p and "pro" 1080p (as for the other Kling models); no documented input switches sound on, so the
 * sound-off prices apply. Durations the doc does not price (the model takes 3–15 s) are the
 * simulator's own choice: 3–5 s billed as 5 s, 6–10 s as 10 s, 11–15 s as 1.5 × the 10 s price.
 * Without inputs: 5 s, std.
 */
const klingOmni30Price = ((): PriceRule => {
	const base = { std: { 5: 0.14, 10: 0.26 }, pro: { 5: 0.16, 10: 0.3 } };
	const table: Record<string, number> = {};
	for (const mode of ['std', 'pro'] as const)
		for (let seconds = 3; seconds <= 15; seconds++)
			table[`${seconds}|${mode}`] = Math.round((seconds <= 5 ? base[mode][5] : seconds <= 10 ? base[mode][10] : base[mode][10] * 1.5) * 100) / 100;
	return { kind: 'table', by: ['duration', 'mode'], table, defaults: { duration: 5, mode: 'std' } };
})();

/** A per-second price by mode for a video whose length the simulator cannot measure: 5 s (its own choice). */
const perSecondByMode = (std: number, pro: number): PriceRule => ({
	kind: 'table',
	by: ['mode'],
	table: { std, pro },
	defaults: { mode: 'std' },
	perSecond: true,
	defaultSeconds: 5,
});

export const videoModels: SimModel[] = [
	veo('google/veo-3.1-fast', 0.3, 0.4, 0.5),
	veo('google/veo-3.1-quality', 0.6, 0.7, 0.8),
	sora('openai/sora-2', [5, 10, 15, 20], { '5': 0.05, '10': 0.1, '15': 0.15, '20': 0.2 }),
	sora('openai/sora-2-pro', [10, 15, 20, 25], { '10': 0.16, '15': 0.24, '20': 0.32, '25': 0.4 }),
	hailuo('hailuo/minimax-2.0', '2.0', 0.17),
	hailuo('hailuo/minimax-2.3', '2.3', 0.17),
	hailuo('hailuo/minimax-2.3-fast', '2.3-fast', 0.11),
	higgsfield('higgsfield-ai/lite', 0.15),
	higgsfield('higgsfield-ai/turbo', 0.21),
	higgsfield('higgsfield-ai/standard', 0.3),
	{
		id: 'higgsfield-ai/cinematic-studio-video',
		resource: 'video',
		source: 'apiDoc',
		inputs: {
			prompt: text,
			start_image_url: requiredUrl,
			end_image_url: url,
			duration: choice(5, 10),
			aspect_ratio: choice('1:1', '3:4', '2:3', '9:16', '3:2', '4:3', '16:9', '21:9'),
			preset_id: text,
			sound: flag,
			slow_motion: flag,
			seed: { type: 'integer', min: 0, max: 999999 },
		},
		price: {
			kind: 'table',
			by: ['duration', 'sound'],
			table: { '5|false': 0.1, '5|true': 0.16, '10|false': 0.2, '10|true': 0.36 },
			defaults: { duration: 5, sound: false },
		},
	},
	klingOmni('kuaishou/kling-3.0-omni-video', true, klingOmni30Price, 'Durations 3–4, 6–9 and 11–15 s are not priced by the doc: the simulator\'s own choice (see klingOmni30Price).'),
	{
		id: 'kuaishou/kling-3.0-omni-video-edit',
		resource: 'video',
		source: 'apiDoc',
		inputs: {
			video_url: requiredUrl,
			prompt: requiredText,
			video_mode: choice('reference', 'transform'),
			keep_audio: flag,
			mode: choice('std', 'pro'),
			aspect_ratio: choice('16:9', '9:16', '1:1'),
			image_urls: urls(4),
			elements: json(4),
		},
		price: perSecondByMode(0.04, 0.0533),
		priceNote: 'Per second of the input video, which the simulator cannot measure: priced as 5 s.',
	},
	klingOmni('kuaishou/kling-o1-video', false, { kind: 'perSecond', usd: 0.048, defaultSeconds: 5 }),
	klingTextOrImage('kuaishou/kling-2.6', ['std', 'pro'], true, { kind: 'perSecond', usd: 0.032, defaultSeconds: 5 }),
	klingTextOrImage('kuaishou/kling-2.5', ['pro'], true, byDuration(0.27, 0.53)),
	{
		id: 'kuaishou/kling-2.1',
		resource: 'video',
		source: 'apiDoc',
		inputs: {
			prompt: text,
			start_image_url: requiredUrl,
			end_image_url: url,
			duration: choice(5, 10),
			mode: choice('std', 'pro'),
			enable_audio: flag,
		},
		price: {
			kind: 'table',
			by: ['mode', 'duration'],
			table: { 'std|5': 0.13, 'std|10': 0.27, 'pro|5': 0.27, 'pro|10': 0.53 },
			defaults: { mode: 'std', duration: 5 },
		},
		priceNote: 'No default mode is documented: a request without one is priced as std.',
	},
	klingTextOrImage('kuaishou/kling-2.1-master', ['pro'], false, byDuration(0.4, 0.8)),
	{
		// The doc lists the id only; the legacy per-model endpoint (public pages, S21) gives the inputs.
		id: 'kuaishou/kling-2.5-turbo-pro',
		resource: 'video',
		source: 'publicPages',
		inputs: {
			prompt: requiredText,
			start_image_url: requiredUrl,
			end_image_url: url,
			resolution: choice('720p', '1080p'),
			duration: { type: 'integer' },
			enhance_prompt: flag,
			seed,
		},
		price: flat(0.21),
		priceNote: 'Not documented for /v1/tasks: the simulator\'s own choice.',
	},
	{
		id: 'kuaishou/kling-2.6-motion-control',
		resource: 'video',
		source: 'apiDoc',
		inputs: {
			image_url: requiredUrl,
			video_url: requiredUrl,
			prompt: text,
			keep_audio: flag,
			character_orientation: choice('video', 'image'),
			mode: choice('std', 'pro'),
		},
		price: perSecondByMode(0.01, 0.0225),
		priceNote: 'Per second of the motion video, which the simulator cannot measure: priced as 5 s; 720p = std, 1080p = pro.',
	},
	{
		// Public model page (S10): prompt required, unlike 2.6.
		id: 'kuaishou/kling-3.0-motion-control',
		resource: 'video',
		source: 'publicPages',
		inputs: {
			prompt: requiredText,
			image_url: requiredUrl,
			video_url: requiredUrl,
			mode: { ...choice('std', 'pro'), default: 'std' },
			keep_audio: { type: 'boolean', default: true },
			character_orientation: { ...choice('video', 'image'), default: 'video' },
			elements: json(),
		},
		price: flat(0.15),
		priceNote: 'Not documented: the simulator\'s own choice.',
	},
	{
		// One public web app's model table (docs/api-doc-differences.md): medium confidence.
		id: 'topaz-labs/video-upscale',
		resource: 'video',
		source: 'clientCode',
		inputs: {
			video_url: requiredUrl,
			resolution: { type: 'string', required: true, options: ['1080p', '2k', '4k'], default: '4k' },
			frame_interpolation: { type: 'boolean', default: false },
		},
		price: flat(0.3),
		priceNote: 'Not documented: the simulator\'s own choice.',
	},
];
