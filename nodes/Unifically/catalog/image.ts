import { ASPECT_RATIO_DESCRIPTION, aspectRatioLabels } from './labels';
import type { InputSpec, ModelSpec } from './types';

/*
 * Image models, in the API doc's order (docs/unifically-tasks-api.txt, "Image Generation").
 */

// ---- small input builders ------------------------------------------------------------------

const requiredPrompt: InputSpec = {
	key: 'prompt',
	type: 'string',
	required: true,
	description: 'What the image shows: subject, style, light, composition',
	placeholder: 'A watercolor fox in a misty pine forest at dawn',
};

const imageUrls = (description: string, maxItems?: number): InputSpec => ({
	key: 'image_urls',
	type: 'stringList',
	url: true,
	description,
	...(maxItems === undefined ? {} : { maxItems }),
});

const choice = (
	key: string,
	options: string[],
	description: string,
	extra: Partial<InputSpec> = {},
): InputSpec => ({ key, type: 'string', description, options, ...extra });

/*
 * Topaz image models: the API doc lists the ids only; neither Unifically's pages nor public client
 * code shows their inputs. An image to work on is certain (an upscaler of images); its key `image_url`
 * is a guess from Unifically's other single-image inputs (docs/api-doc-differences.md).
 */
const topazImageInputs = (what: string): InputSpec[] => [
	{
		key: 'image_url',
		type: 'string',
		url: true,
		guessed: true,
		description: `The image to ${what}. Unifically publishes no other setting of this model (scale, face enhancement…): give those in Additional Fields → Extra Input (JSON)`,
	},
];

// ---- Kling image (public pages, partial) ----------------------------------------------------

/*
 * The API doc lists these ids only; their marketing page gives the references (up to 10, cited as
 * @image_1 … @image_10), the aspect ratios and the resolutions, not the keys of the last two:
 * `aspect_ratio` and `resolution` as every other model names them (docs/api-doc-differences.md).
 */
const klingImageAspectRatios = ['auto', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9'];
const klingImageInputs = (resolutions: string[]): InputSpec[] => [
	{ ...requiredPrompt, required: false, description: 'What the image shows; cite references as @image_1 … @image_10' },
	imageUrls('Reference images, cited in the prompt as @image_1, @image_2 …', 10),
	choice('aspect_ratio', klingImageAspectRatios, ASPECT_RATIO_DESCRIPTION, { optionLabels: aspectRatioLabels(klingImageAspectRatios) }),
	choice('resolution', resolutions, 'Output resolution'),
];

// ---- Nano Banana ---------------------------------------------------------------------------

const nanoBananaAspectRatios = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];

/** `resolution` is Nano Banana Pro only. */
const nanoBananaInputs = (pro: boolean): InputSpec[] => [
	requiredPrompt,
	choice('aspect_ratio', nanoBananaAspectRatios, ASPECT_RATIO_DESCRIPTION, {
		required: true,
		optionLabels: aspectRatioLabels(nanoBananaAspectRatios),
	}),
	imageUrls('Reference image URLs'),
	...(pro ? [choice('resolution', ['1k', '2k', '4k'], 'Output size of the image')] : []),
];

// ---- GPT Image -----------------------------------------------------------------------------

const gptImageInputs: InputSpec[] = [
	requiredPrompt,
	imageUrls('Reference image URLs'),
	choice('aspect_ratio', ['1:1', '2:3', '3:2'], ASPECT_RATIO_DESCRIPTION, { optionLabels: aspectRatioLabels(['1:1', '2:3', '3:2']) }),
	choice('quality', ['low', 'medium', 'high'], 'Higher quality takes longer and costs more', {
		optionLabels: { low: 'Low', medium: 'Medium', high: 'High' },
	}),
];

// ---- Flux.2 --------------------------------------------------------------------------------

type FluxVariant = 'pro' | 'flex' | 'max';

const fluxAspectRatios = ['auto', '1:1', '4:3', '16:9', '3:2', '2:3', '9:16', '3:4'];

/** One API doc table; per model: reference images Pro/Max 8, Flex 10; steps/cfg Flex only; Max adds 5:4 and 21:9. */
const fluxInputs = (variant: FluxVariant): InputSpec[] => {
	const ratios = variant === 'max' ? [...fluxAspectRatios, '5:4', '21:9'] : fluxAspectRatios;
	const maxImages = variant === 'flex' ? 10 : 8;
	const inputs: InputSpec[] = [
		requiredPrompt,
		imageUrls(`Reference image URLs (up to ${maxImages})`, maxImages),
		choice('aspect_ratio', ratios, ASPECT_RATIO_DESCRIPTION, { optionLabels: aspectRatioLabels(ratios) }),
		choice('quality', ['1K', '2K'], 'Output size; 2K costs more'),
	];
	if (variant === 'flex') {
		inputs.push(
			{
				key: 'steps',
				type: 'integer',
				displayName: 'Steps (1–50)',
				description: 'Sampling steps, 1-50 (more = higher quality)',
				min: 1,
				max: 50,
			},
			{
				key: 'cfg',
				type: 'number',
				displayName: 'CFG (1.5–10)',
				description: 'Guidance scale, 1.5-10 (higher = follows the prompt more strictly)',
				min: 1.5,
				max: 10,
			},
		);
	}
	return inputs;
};

// ---- the models ----------------------------------------------------------------------------

export const imageModels: ModelSpec[] = [
	{
		id: 'google/nano-banana',
		resource: 'image',
		name: 'Nano Banana',
		label: 'Google: Nano Banana',
		description: "Google's Nano Banana image generation and editing from text and reference images",
		inputs: nanoBananaInputs(false),
		documented: true,
	},
	{
		id: 'google/nano-banana-pro',
		resource: 'image',
		name: 'Nano Banana Pro',
		label: 'Google: Nano Banana Pro',
		description: "Google's Nano Banana Pro image generation and editing, up to 4K",
		inputs: nanoBananaInputs(true),
		documented: true,
	},
	{
		id: 'openai/gpt-image-1',
		resource: 'image',
		name: 'GPT Image 1 (low, medium, high quality)',
		label: 'OpenAI: GPT Image 1',
		description: "OpenAI's GPT Image 1 image generation and editing at low, medium or high quality",
		inputs: gptImageInputs,
		documented: true,
	},
	{
		id: 'openai/gpt-image-1.5',
		resource: 'image',
		name: 'GPT Image 1.5 (low, medium, high quality)',
		label: 'OpenAI: GPT Image 1.5',
		description: "OpenAI's GPT Image 1.5 image generation and editing at low, medium or high quality",
		inputs: gptImageInputs,
		documented: true,
	},
	{
		id: 'higgsfield-ai/cinematic-studio-image',
		resource: 'image',
		name: 'Cinematic Studio Image',
		label: 'Higgsfield: Cinematic Studio Image',
		description: 'Higgsfield Cinematic Studio: photographic images with camera, lens, aperture and focal length settings',
		inputs: [
			requiredPrompt,
			choice('resolution', ['1k', '2k', '4k'], '4K costs twice as much as 1K or 2K (default 2K)', {
				default: '2k',
			}),
			imageUrls('Reference image URLs (max 4)', 4),
			{ key: 'camera_model_id', type: 'string', description: 'Camera model setting ID' },
			{ key: 'camera_lens_id', type: 'string', description: 'Lens type setting ID' },
			{ key: 'camera_aperture_id', type: 'string', description: 'Aperture setting ID' },
			{ key: 'camera_focal_length_id', type: 'string', description: 'Focal length setting ID' },
		],
		documented: true,
	},
	{
		id: 'black-forest-labs/flux.2-pro',
		resource: 'image',
		name: 'Flux.2 Pro',
		label: 'Black Forest Labs: Flux.2 Pro',
		description: "Black Forest Labs' Flux.2 Pro image generation with up to 8 reference images",
		inputs: fluxInputs('pro'),
		documented: true,
	},
	{
		id: 'black-forest-labs/flux.2-flex',
		resource: 'image',
		name: 'Flux.2 Flex',
		label: 'Black Forest Labs: Flux.2 Flex',
		description: "Black Forest Labs' Flux.2 Flex image generation with adjustable steps and guidance, up to 10 reference images",
		inputs: fluxInputs('flex'),
		documented: true,
	},
	{
		id: 'black-forest-labs/flux.2-max',
		resource: 'image',
		name: 'Flux.2 Max',
		label: 'Black Forest Labs: Flux.2 Max',
		description: "Black Forest Labs' top Flux.2 Max image generation with up to 8 reference images and extra aspect ratios",
		inputs: fluxInputs('max'),
		documented: true,
	},
	{
		id: 'kuaishou/kling-o1-image',
		resource: 'image',
		name: 'Kling O1 Image',
		label: 'Kling: O1 Image',
		description: 'Kling O1 Omni image generation from a prompt and up to 10 reference images (1K or 2K)',
		inputs: klingImageInputs(['1K', '2K']),
		documented: false,
		inputsFrom: 'publicPages',
	},
	{
		id: 'kuaishou/kling-3.0-omni-image',
		resource: 'image',
		name: 'Kling v3.0 Omni Image',
		label: 'Kling: 3.0 Omni Image',
		description: 'Kling 3.0 Omni image generation from a prompt and up to 10 reference images (up to 4K)',
		inputs: klingImageInputs(['1K', '2K', '4K']),
		documented: false,
		inputsFrom: 'publicPages',
	},
	{
		id: 'topaz-labs/image-upscale',
		resource: 'image',
		name: 'Topaz Image Upscale',
		label: 'Topaz: Image Upscale',
		description: 'Topaz Labs image upscaling (its settings are not published: the image input is a guess)',
		inputs: topazImageInputs('upscale'),
		documented: false,
		inputsFrom: 'guessed',
	},
	{
		id: 'topaz-labs/image-generative',
		resource: 'image',
		name: 'Topaz Image Generative',
		label: 'Topaz: Image Generative',
		description: 'Topaz Labs generative image enhancement (its settings are not published: the image input is a guess)',
		inputs: topazImageInputs('enhance'),
		documented: false,
		inputsFrom: 'guessed',
	},
];
