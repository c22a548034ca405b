import { ASPECT_RATIO_DESCRIPTION, aspectRatioLabels } from './labels';
import type { CrossInputRule, InputSpec, ModelSpec } from './types';

/*
 * Video models, in the API doc's order (docs/unifically-tasks-api.txt, "Video Generation").
 * Over 500 lines because it is data: 22 entries and the input builders their API doc tables share
 * (split by provider, the shared builders would be imported back and forth).
 */

// ---- small input builders ------------------------------------------------------------------

const prompt = (description: string, extra: Partial<InputSpec> = {}): InputSpec => ({
	key: 'prompt',
	type: 'string',
	description,
	placeholder: 'A paper boat drifting down a rainy street at golden hour, cinematic',
	...extra,
});

const urlInput = (key: string, description: string, extra: Partial<InputSpec> = {}): InputSpec => ({
	key,
	type: 'string',
	url: true,
	description,
	...extra,
});

const flag = (key: string, description: string, extra: Partial<InputSpec> = {}): InputSpec => ({
	key,
	type: 'boolean',
	description,
	...extra,
});

const seed = (extra: Partial<InputSpec> = {}): InputSpec => ({
	key: 'seed',
	type: 'integer',
	description: 'The same seed with the same inputs gives a similar result',
	...extra,
});

const aspectRatio = (options: string[], note = ''): InputSpec => ({
	key: 'aspect_ratio',
	type: 'string',
	description: `${ASPECT_RATIO_DESCRIPTION}${note}`,
	options,
	optionLabels: aspectRatioLabels(options),
});

const duration = (options: number[], note = ''): InputSpec => ({
	key: 'duration',
	type: 'integer',
	displayName: 'Duration (Seconds)',
	description: `Length of the video${note}`,
	options,
});

const klingMode = (proOnly = false): InputSpec =>
	proOnly
		? {
				key: 'mode',
				type: 'string',
				displayName: 'Mode',
				description: 'This model renders in Pro mode only (1080p output)',
				options: ['pro'],
				optionLabels: { pro: 'Pro (1080p)' },
			}
		: {
				key: 'mode',
				type: 'string',
				displayName: 'Mode',
				description: 'Pro renders at 1080p and costs more (see the model\'s price)',
				options: ['std', 'pro'],
				optionLabels: { std: 'Standard (720p)', pro: 'Pro (1080p)' },
			};

/*
 * Topaz Video Upscale: the API doc lists the id only and Unifically publishes no page for it. Its
 * inputs are those of one public web app's model table whose ids all match Unifically's (medium
 * confidence; docs/api-doc-differences.md).
 */
const fromClientCode =
	"Input name from a public program that uses Unifically, not from Unifically's docs: if the model refuses it, give the right one in Additional Fields → Extra Input (JSON)";
const topazVideoInputs: InputSpec[] = [
	urlInput('video_url', 'The video to upscale', { required: true, hint: fromClientCode }),
	{
		key: 'resolution',
		type: 'string',
		required: true,
		displayName: 'Output Resolution',
		description: 'Resolution of the upscaled video (default 4K)',
		options: ['1080p', '2k', '4k'],
		default: '4k',
		hint: fromClientCode.replace('Input name', 'Input name and choices'),
	},
	flag('frame_interpolation', 'Whether to add frames for smoother motion (default false)', { default: false }),
];

// ---- Google Veo 3.1 ------------------------------------------------------------------------

const veoInputs: InputSpec[] = [
	prompt('Text description of the video', { required: true }),
	aspectRatio(['16:9', '9:16']),
	urlInput('start_image_url', 'Starting frame image URL'),
	urlInput('end_image_url', 'Ending frame image URL'),
	{
		key: 'resolution',
		type: 'string',
		description: 'Higher resolutions take longer and cost more; the API renders 720p when none is given',
		options: ['720p', '1080p', '4k'],
		default: '720p',
	},
	seed(),
];

// ---- OpenAI Sora 2 -------------------------------------------------------------------------

const soraInputs = (durations: number[]): InputSpec[] => [
	prompt('Text description of the video', { required: true }),
	duration(durations),
	aspectRatio(['16:9', '9:16']),
	urlInput('image_url', 'Reference image URL'),
	urlInput('cameo_video_url', 'Cameo character video URL (max 4 seconds)'),
	{ key: 'character_prompt', type: 'string', description: 'Description of the cameo character' },
	{ key: 'safety_instruction', type: 'string', description: 'Safety guidance for the content' },
];

// ---- Minimax Hailuo ------------------------------------------------------------------------

type HailuoVariant = '2.0' | '2.3' | '2.3-fast';

/*
 * One shared API doc table; per model: `end_image_url` is minimax-2.0 only, "512p" is a 2.0
 * (image-to-video) resolution, and 2.3-fast requires `start_image_url` (so its prompt is simply
 * optional).
 */
const hailuoInputs = (variant: HailuoVariant): InputSpec[] => {
	const isV20 = variant === '2.0';
	const isFast = variant === '2.3-fast';
	return [
		prompt(
			isFast
				? 'Text description (max 2000 characters)'
				: 'Text description (max 2000 characters). Required if no Start Image URL is given',
			{ maxLength: 2000 },
		),
		urlInput(
			'start_image_url',
			isFast
				? 'Starting frame image URL (auto-uploaded); required for Hailuo 2.3 Fast'
				: 'Starting frame image URL (auto-uploaded). Required if no prompt is given',
			isFast ? { required: true } : {},
		),
		...(isV20 ? [urlInput('end_image_url', 'End frame image URL (768p or 1080p only)')] : []),
		duration([6, 10], ' (1080p allows 6 s only)'),
		{
			key: 'resolution',
			type: 'string',
			description: isV20
				? '512p works for image-to-video only, 1080p for 6 s only; the API renders 768p when none is given'
				: '1080p works for 6 s only; the API renders 768p when none is given',
			options: isV20 ? ['512p', '768p', '1080p'] : ['768p', '1080p'],
			default: '768p',
		},
		flag('prompt_optimization', 'Whether to let MiniMax optimize the prompt'),
	];
};

const hailuo1080pIsSixSeconds: CrossInputRule = {
	kind: 'restrictWhen',
	when: { key: 'resolution', in: ['1080p'] },
	then: { key: 'duration', in: [6] },
};

const promptOrStartImage: CrossInputRule = { kind: 'atLeastOneOf', keys: ['prompt', 'start_image_url'] };

// ---- Higgsfield ------------------------------------------------------------------------------

const higgsfieldVideoInputs: InputSpec[] = [
	prompt('Text description', { required: true }),
	urlInput('start_image_url', 'Starting frame image URL', { required: true }),
	{
		key: 'motion_id',
		type: 'string',
		required: true,
		description: 'The motion preset: pick it from the list Unifically serves, or give its ID (a UUID)',
		picker: 'higgsfieldMotion',
		placeholder: 'e.g. d2389a9a-91c2-4276-bc9c-c9e35e8fb85a',
	},
	urlInput('end_image_url', 'Ending frame image URL'),
	flag('enhance_prompt', 'Whether to enhance the prompt with AI'),
	seed(),
];

const cinematicStudioVideoInputs: InputSpec[] = [
	prompt('Text description'),
	urlInput('start_image_url', 'Starting frame image URL', { required: true }),
	urlInput('end_image_url', 'Ending frame image URL (disables Preset ID, Sound and Slow Motion)'),
	duration([5, 10]),
	aspectRatio(['1:1', '3:4', '2:3', '9:16', '3:2', '4:3', '16:9', '21:9']),
	{ key: 'preset_id', type: 'string', description: 'Camera movement preset ID' },
	flag('sound', 'Whether to enable AI-generated sound'),
	flag('slow_motion', 'Whether to enable the slow motion effect'),
	seed({ displayName: 'Seed (0–999999)', min: 0, max: 999999 }),
];

// ---- Kling 2.x -----------------------------------------------------------------------------

const klingTextOrImagePrompt = prompt(
	'Text description: required for text-to-video, optional for image-to-video (with a Start Image URL)',
);
const klingDuration = duration([5, 10]);
const klingAspectRatio = aspectRatio(['16:9', '9:16', '1:1'], ' (text-to-video only)');
const enableAudio = flag('enable_audio', 'Whether to enable audio generation');

/** Kling 2.6 and 2.5 share one table; 2.5 is Pro only. */
const klingTextOrImageInputs = (proOnly: boolean): InputSpec[] => [
	klingTextOrImagePrompt,
	urlInput('start_image_url', 'Start frame URL (enables image-to-video)'),
	urlInput('end_image_url', 'End frame URL'),
	klingDuration,
	klingAspectRatio,
	klingMode(proOnly),
	enableAudio,
];

// ---- Kling Omni (O1 and 3.0) -------------------------------------------------------------

/* Kling 3.0 Omni Video is "Same as O1 Video" with: duration 3–15, aspect_ratio adds "auto",
 * elements IMAGE + VIDEO, and multi_shot (2–6 shots, total 3–15 s). */
const klingOmniVideoInputs = (version: 'o1' | '3.0'): InputSpec[] => {
	const isV30 = version === '3.0';
	const maxSeconds = isV30 ? 15 : 10;
	const ratios = isV30 ? ['16:9', '9:16', '1:1', 'auto'] : ['16:9', '9:16', '1:1'];
	const inputs: InputSpec[] = [
		prompt(
			'Text description; refer to references as @image_1, @element_1, @video_1 in the prompt',
			{ required: true },
		),
		klingMode(),
		{
			key: 'duration',
			type: 'integer',
			displayName: `Duration (Seconds, 3–${maxSeconds})`,
			description: `Video length: 3–${maxSeconds} seconds`,
			min: 3,
			max: maxSeconds,
		},
		aspectRatio(ratios),
		{
			key: 'count',
			type: 'integer',
			displayName: 'Count (1–4)',
			description: 'Number of videos to generate in one task',
			min: 1,
			max: 4,
		},
		{
			key: 'image_urls',
			type: 'stringList',
			url: true,
			maxItems: 7,
			description: 'Up to 7 reference image URLs, referred to as @image_1 … in the prompt',
		},
		{
			key: 'elements',
			type: 'json',
			maxItems: 7,
			description: isV30
				? 'Up to 7 elements (JSON list of ElementInput, IMAGE or VIDEO), referred to as @element_1 … in the prompt'
				: 'Up to 7 elements (JSON list of ElementInput, IMAGE only), referred to as @element_1 … in the prompt',
		},
		urlInput('start_image_url', 'Start frame URL'),
		urlInput('end_image_url', 'End frame URL'),
		urlInput('video_url', 'Reference video URL, referred to as @video_1 in the prompt'),
		{
			key: 'video_mode',
			type: 'string',
			description: 'Reference: the video guides style and content. Transform: the video itself is restyled.',
			options: ['reference', 'transform'],
			optionLabels: { reference: 'Reference', transform: 'Transform' },
		},
		flag('keep_audio', 'Whether to keep the audio of the reference video'),
	];
	if (isV30) {
		inputs.push({
			key: 'multi_shot',
			type: 'json',
			maxItems: 6,
			description:
				'Multi-shot storyboard: a JSON list of 2–6 shots whose durations total 3–15 seconds',
		});
	}
	return inputs;
};

const klingOmniEditInputs: InputSpec[] = [
	urlInput('video_url', 'Video to reference or transform (the output keeps its length)', {
		required: true,
	}),
	prompt('Text description', { required: true }),
	{
		key: 'video_mode',
		type: 'string',
		description: 'Reference: the video guides style and content. Transform: the video itself is restyled.',
		options: ['reference', 'transform'],
		optionLabels: { reference: 'Reference', transform: 'Transform' },
	},
	flag('keep_audio', 'Whether to keep the original video audio'),
	klingMode(),
	aspectRatio(['16:9', '9:16', '1:1']),
	{
		key: 'image_urls',
		type: 'stringList',
		url: true,
		maxItems: 4,
		description: 'Up to 4 reference image URLs',
	},
	{
		key: 'elements',
		type: 'json',
		maxItems: 4,
		description: 'Up to 4 elements (JSON list of ElementInput, IMAGE or VIDEO)',
	},
];

const klingMotionControlInputs: InputSpec[] = [
	urlInput('image_url', 'Image with a person (auto-uploaded to Kling)', { required: true }),
	urlInput('video_url', 'Motion reference video (auto-uploaded to Kling)', { required: true }),
	prompt('Text guidance'),
	flag('keep_audio', 'Whether to preserve the audio of the motion video'),
	{
		key: 'character_orientation',
		type: 'string',
		description: "Whether the character faces the way it does in the motion video or in the image",
		options: ['video', 'image'],
		optionLabels: { video: 'As in the Video', image: 'As in the Image' },
	},
	klingMode(),
];

/*
 * Kling 3.0 Motion Control: the API doc lists the id only; the inputs are those of its public page
 * (docs/api-doc-differences.md). Unlike 2.6, the prompt is required.
 */
const kling30MotionControlInputs: InputSpec[] = [
	prompt('The motion wanted', { required: true, placeholder: 'The character dances on the spot, smiling' }),
	urlInput('image_url', 'The character or subject image', { required: true }),
	urlInput('video_url', 'The video whose motion is copied', { required: true }),
	{ ...klingMode(), description: 'Output tier (default Standard)', default: 'std' },
	flag('keep_audio', "Whether to keep the reference video's audio (default true)", { default: true }),
	{
		key: 'character_orientation',
		type: 'string',
		description: 'Video (default) follows the reference motion; Image keeps the pose of the image',
		options: ['video', 'image'],
		optionLabels: { video: 'As in the Video', image: 'As in the Image' },
		default: 'video',
	},
	{
		key: 'elements',
		type: 'json',
		description:
			'Extra character or object references: an array of {"description": "…", "type": "image", "image_urls": ["https://…"]}',
	},
];

/*
 * Kling 2.5 Turbo Pro: the API doc lists the id only; these inputs are those of Kling's legacy per-model
 * endpoint (the only public page found, docs/api-doc-differences.md). Its duration values are not
 * given there: a whole number of seconds, checked by the API.
 */
const kling25TurboProInputs: InputSpec[] = [
	prompt('What happens in the video', { required: true }),
	urlInput('start_image_url', 'Start frame image URL', { required: true }),
	urlInput('end_image_url', 'End frame image URL (works only at 1080p)'),
	{
		key: 'resolution',
		type: 'string',
		description: '720p renders Standard mode (start frame only); 1080p renders Pro mode (start and end frames)',
		options: ['720p', '1080p'],
	},
	{ key: 'duration', type: 'integer', displayName: 'Duration (Seconds)', description: 'Length of the video', min: 1 },
	flag('enhance_prompt', 'Whether to let the model enhance the prompt'),
	seed(),
];

// ---- the models ----------------------------------------------------------------------------

export const videoModels: ModelSpec[] = [
	{
		id: 'google/veo-3.1-fast',
		resource: 'video',
		name: 'Google Veo 3.1 Fast (720p, 1080p, 4k)',
		label: 'Google: Veo 3.1 Fast',
		description: "Google's fast Veo 3.1 video model, text or start/end frames to video up to 4K",
		inputs: veoInputs,
		documented: true,
	},
	{
		id: 'google/veo-3.1-quality',
		resource: 'video',
		name: 'Google Veo 3.1 Quality (720p, 1080p, 4k)',
		label: 'Google: Veo 3.1 Quality',
		description: "Google's highest-quality Veo 3.1 video model, text or start/end frames to video up to 4K",
		inputs: veoInputs,
		documented: true,
	},
	{
		id: 'openai/sora-2',
		resource: 'video',
		name: 'OpenAI Sora 2 (5s, 10s, 15s, 20s)',
		label: 'OpenAI: Sora 2',
		description: "OpenAI's Sora 2 text-to-video model with optional reference image and cameo, 5–20 s",
		inputs: soraInputs([5, 10, 15, 20]),
		documented: true,
	},
	{
		id: 'openai/sora-2-pro',
		resource: 'video',
		name: 'OpenAI Sora 2 Pro (10s, 15s, 20s, 25s)',
		label: 'OpenAI: Sora 2 Pro',
		description: "OpenAI's Sora 2 Pro text-to-video model with optional reference image and cameo, 10–25 s",
		inputs: soraInputs([10, 15, 20, 25]),
		documented: true,
	},
	{
		id: 'hailuo/minimax-2.0',
		resource: 'video',
		name: 'Minimax Hailuo 2.0',
		label: 'MiniMax: Hailuo 2.0',
		description: 'MiniMax Hailuo 2.0: text or image to video (6 or 10 s), with optional end frame',
		inputs: hailuoInputs('2.0'),
		rules: [promptOrStartImage, hailuo1080pIsSixSeconds],
		documented: true,
	},
	{
		id: 'hailuo/minimax-2.3',
		resource: 'video',
		name: 'Minimax Hailuo 2.3',
		label: 'MiniMax: Hailuo 2.3',
		description: 'MiniMax Hailuo 2.3: text or image to video (6 or 10 s)',
		inputs: hailuoInputs('2.3'),
		rules: [promptOrStartImage, hailuo1080pIsSixSeconds],
		documented: true,
	},
	{
		id: 'hailuo/minimax-2.3-fast',
		resource: 'video',
		name: 'Minimax Hailuo 2.3 Fast',
		label: 'MiniMax: Hailuo 2.3 Fast',
		description: 'MiniMax Hailuo 2.3 Fast: image to video (6 or 10 s); a start image is required',
		inputs: hailuoInputs('2.3-fast'),
		rules: [hailuo1080pIsSixSeconds],
		documented: true,
	},
	{
		id: 'higgsfield-ai/lite',
		resource: 'video',
		name: 'Higgsfield Lite',
		label: 'Higgsfield: Video Lite',
		description: 'Higgsfield image-to-video with a motion preset, fastest and cheapest tier',
		inputs: higgsfieldVideoInputs,
		documented: true,
	},
	{
		id: 'higgsfield-ai/turbo',
		resource: 'video',
		name: 'Higgsfield Turbo',
		label: 'Higgsfield: Video Turbo',
		description: 'Higgsfield image-to-video with a motion preset, turbo tier',
		inputs: higgsfieldVideoInputs,
		documented: true,
	},
	{
		id: 'higgsfield-ai/standard',
		resource: 'video',
		name: 'Higgsfield Standard',
		label: 'Higgsfield: Video Standard',
		description: 'Higgsfield image-to-video with a motion preset, standard (best) tier',
		inputs: higgsfieldVideoInputs,
		documented: true,
	},
	{
		id: 'higgsfield-ai/cinematic-studio-video',
		resource: 'video',
		name: 'Cinematic Studio Video',
		label: 'Higgsfield: Cinematic Studio Video',
		description: 'Higgsfield Cinematic Studio: image to video (5 or 10 s) with camera presets, sound and slow motion',
		inputs: cinematicStudioVideoInputs,
		documented: true,
	},
	{
		id: 'kuaishou/kling-3.0-omni-video',
		resource: 'video',
		name: 'Kling v3.0 Omni Video',
		label: 'Kling: 3.0 Omni Video',
		description: 'Kling 3.0 Omni: video from text, images, elements or a reference video, 3–15 s, with multi-shot storyboards',
		inputs: klingOmniVideoInputs('3.0'),
		documented: true,
	},
	{
		id: 'kuaishou/kling-3.0-omni-video-edit',
		resource: 'video',
		name: 'Kling v3.0 Omni Video Edit',
		label: 'Kling: 3.0 Omni Video Edit',
		description: 'Kling 3.0 Omni: edit or restyle an existing video (its length is kept)',
		inputs: klingOmniEditInputs,
		documented: true,
	},
	{
		id: 'kuaishou/kling-o1-video',
		resource: 'video',
		name: 'Kling O1 Video',
		label: 'Kling: O1 Video',
		description: 'Kling O1 Omni: video from text, images, elements or a reference video, 3–10 s',
		inputs: klingOmniVideoInputs('o1'),
		documented: true,
	},
	{
		id: 'kuaishou/kling-2.6',
		resource: 'video',
		name: 'Kling v2.6',
		label: 'Kling: 2.6',
		description: 'Kling 2.6: text or image to video (5 or 10 s) with optional audio',
		inputs: klingTextOrImageInputs(false),
		rules: [promptOrStartImage],
		documented: true,
	},
	{
		id: 'kuaishou/kling-2.5',
		resource: 'video',
		name: 'Kling v2.5',
		label: 'Kling: 2.5',
		description: 'Kling 2.5: Pro-only text or image to video at 1080p (5 or 10 s), with end frame support',
		inputs: klingTextOrImageInputs(true),
		rules: [promptOrStartImage],
		documented: true,
	},
	{
		id: 'kuaishou/kling-2.1',
		resource: 'video',
		name: 'Kling v2.1',
		label: 'Kling: 2.1',
		description: 'Kling 2.1: image to video only (5 or 10 s), with end frame support',
		inputs: [
			prompt('Text description (optional)'),
			urlInput('start_image_url', 'Starting image URL', { required: true }),
			urlInput('end_image_url', 'End frame URL'),
			klingDuration,
			klingMode(),
			enableAudio,
		],
		documented: true,
	},
	{
		id: 'kuaishou/kling-2.1-master',
		resource: 'video',
		name: 'Kling v2.1 Master',
		label: 'Kling: 2.1 Master',
		description: 'Kling 2.1 Master: Pro-only text or image to video at 1080p (5 or 10 s), no end frame',
		inputs: [
			klingTextOrImagePrompt,
			urlInput('start_image_url', 'Starting image URL (enables image-to-video)'),
			klingDuration,
			klingAspectRatio,
			klingMode(true),
			enableAudio,
		],
		rules: [promptOrStartImage],
		documented: true,
	},
	{
		id: 'kuaishou/kling-2.5-turbo-pro',
		resource: 'video',
		name: 'Kling v2.5 Turbo Pro',
		label: 'Kling: 2.5 Turbo Pro',
		description: 'Kling 2.5 Turbo Pro image-to-video from a start frame (and an end frame at 1080p)',
		inputs: kling25TurboProInputs,
		documented: false,
		inputsFrom: 'publicPages',
	},
	{
		id: 'kuaishou/kling-2.6-motion-control',
		resource: 'video',
		name: 'Kling v2.6 Motion Control',
		label: 'Kling: 2.6 Motion Control',
		description: 'Kling 2.6 Motion Control: animate the person of an image with the motion of a reference video',
		inputs: klingMotionControlInputs,
		documented: true,
	},
	{
		id: 'kuaishou/kling-3.0-motion-control',
		resource: 'video',
		name: 'Kling v3.0 Motion Control',
		label: 'Kling: 3.0 Motion Control',
		description: 'Kling 3.0 Motion Control: transfer the motion of a video to the character of an image',
		inputs: kling30MotionControlInputs,
		documented: false,
		inputsFrom: 'publicPages',
	},
	{
		id: 'topaz-labs/video-upscale',
		resource: 'video',
		name: 'Topaz Video Upscale',
		label: 'Topaz: Video Upscale',
		description: 'Topaz Labs video upscaling to 1080p, 2K or 4K, optionally with frame interpolation',
		inputs: topazVideoInputs,
		documented: false,
		inputsFrom: 'clientCode',
	},
];
