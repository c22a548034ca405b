/**
 * Generate on models of every resource with every kind of input (text, choice, number, boolean,
 * URL list, extra JSON): what the simulator received (snake_case keys, JSON types) and what the
 * node emitted (the task object unwrapped from `data`, plus `model`, with `pairedItem`).
 *
 * Each Generate waits for the node's first status read (about 2 s), so cases that share a model
 * share a run (one item per case) to keep the suite quick.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { NODE_NAME, receivedInput, runUnifically, simTask, useSimulator } from './support/fixtures.cjs';

const IMAGE_A = 'https://example.com/ref/a.png';
const IMAGE_B = 'https://example.com/ref/b.png';
const IMAGE_C = 'https://example.com/ref/c.jpg';

const FILE_URL = /^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]+\//;

describe('Unifically → Generate', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	/** Runs Generate and checks every output item is the completed task of `model`, paired with its input. */
	async function generate(parameters: Record<string, unknown>, items?: Array<Record<string, unknown>>) {
		// Download Output Files is on by default for Generate: this suite checks requests and JSON.
		const options = { download: false, ...(parameters.options as object) };
		const result = await runUnifically(sim(), { operation: 'generate', ...parameters, options } as never, {
			items: items as never,
		});
		expect(result.errorOf(NODE_NAME)).toBeUndefined();
		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		const count = items?.length ?? 1;
		expect(output).toHaveLength(count);
		output.forEach((item, index) => expectCompletedTask(item, index, parameters.model as string));
		expect(new Set(output.map((item) => item.json.task_id)).size).toBe(count);
		// no download asked: no file fetched, no binary data
		expect(sim().stats()).toMatchObject({ creates: count, dryRuns: 0, rateLimited: 0, filesServed: 0 });
		return output;
	}

	function expectCompletedTask(item: INodeExecutionData, index: number, model: string) {
		const task = simTask(sim(), item.json.task_id);
		expect(task.model).toBe(model);
		expect(item.pairedItem).toEqual({ item: index });
		expect(item.binary).toBeUndefined();
		// exactly the API's task object (unwrapped from `data`) plus the model
		expect(item.json).toStrictEqual({
			task_id: task.id,
			status: 'completed',
			output: task.view().output,
			model,
		});
	}

	describe('video', () => {
		it('Veo 3.1 Fast: text, choices, number and URLs arrive in snake_case with their JSON types', async () => {
			const [item] = await generate({
				resource: 'video',
				model: 'google/veo-3.1-fast',
				prompt: 'A cat walking on the beach at sunset',
				aspectRatio: '9:16',
				resolution: '1080p',
				additionalFields: {
					seed: 42,
					startImageUrl: IMAGE_A,
					endImageUrl: IMAGE_B,
				},
			});
			expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
				prompt: 'A cat walking on the beach at sunset',
				aspect_ratio: '9:16',
				resolution: '1080p',
				seed: 42,
				start_image_url: IMAGE_A,
				end_image_url: IMAGE_B,
			});
			expect(item.json.output).toEqual({ video_url: expect.stringMatching(new RegExp(`${FILE_URL.source}video\\.mp4$`)) });
			expect(simTask(sim(), item.json.task_id).cost).toBe(0.4); // 1080p
		});

		it('Cinematic Studio Video: booleans (true and false), duration choice, ranged seed; optional prompt', async () => {
			const [item] = await generate({
				resource: 'video',
				model: 'higgsfield-ai/cinematic-studio-video',
				startImageUrl: IMAGE_A,
				prompt: 'Slow dolly in',
				duration: 10,
				aspectRatio: '21:9',
				additionalFields: {
					sound: true,
					slowMotion: false,
					seed: 999999,
				},
			});
			expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
				prompt: 'Slow dolly in',
				start_image_url: IMAGE_A,
				sound: true,
				slow_motion: false,
				duration: 10,
				aspect_ratio: '21:9',
				seed: 999999,
			});
			expect(simTask(sim(), item.json.task_id).cost).toBe(0.36); // 10 s + sound
		});
	});

	describe('image', () => {
		it('Nano Banana, one item per case: URL list one per line, comma-separated, an array from an expression, none', async () => {
			const items = [
				{ prompt: 'lines', ratio: '16:9', urls: `${IMAGE_A}\n${IMAGE_B}\n\n${IMAGE_C}\n` },
				{ prompt: 'commas', ratio: '1:1', urls: `${IMAGE_A},${IMAGE_B} , ${IMAGE_C}` },
				{ prompt: 'array', ratio: '4:5', urls: [IMAGE_A, IMAGE_C] },
				{ prompt: 'no references', ratio: '21:9', urls: '' },
			];
			const output = await generate(
				{
					resource: 'image',
					model: 'google/nano-banana',
					prompt: '={{ $json.prompt }}',
					aspectRatio: '={{ $json.ratio }}',
					additionalFields: { imageUrls: '={{ $json.urls }}' },
				},
				items,
			);
			expect(output.map((item) => receivedInput(sim(), item.json.task_id))).toStrictEqual([
				{ prompt: 'lines', aspect_ratio: '16:9', image_urls: [IMAGE_A, IMAGE_B, IMAGE_C] },
				{ prompt: 'commas', aspect_ratio: '1:1', image_urls: [IMAGE_A, IMAGE_B, IMAGE_C] },
				{ prompt: 'array', aspect_ratio: '4:5', image_urls: [IMAGE_A, IMAGE_C] },
				{ prompt: 'no references', aspect_ratio: '21:9' },
			]);
			for (const item of output) {
				expect(item.json.output).toEqual({ image_url: expect.stringMatching(new RegExp(`${FILE_URL.source}image\\.png$`)) });
			}
		});

		it('Flux.2 Flex: integer steps, decimal cfg, quality choice, URL list typed in the form', async () => {
			const [item] = await generate({
				resource: 'image',
				model: 'black-forest-labs/flux.2-flex',
				prompt: 'Isometric city',
				additionalFields: {
					steps: 30,
					cfg: 3.5,
					quality: '2K',
					aspectRatio: '3:2',
					imageUrls: `${IMAGE_A}\n${IMAGE_B}`,
				},
			});
			expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
				prompt: 'Isometric city',
				steps: 30,
				cfg: 3.5,
				quality: '2K',
				aspect_ratio: '3:2',
				image_urls: [IMAGE_A, IMAGE_B],
			});
		});

		it('GPT Image 1: quality choice; options.callbackUrl is sent as callback_url beside input', async () => {
			const [item] = await generate({
				resource: 'image',
				model: 'openai/gpt-image-1',
				prompt: 'Logo of a lighthouse',
				additionalFields: { quality: 'high', aspectRatio: '2:3' },
				options: { callbackUrl: 'http://127.0.0.1:9/unifically-callback' },
			});
			const task = simTask(sim(), item.json.task_id);
			expect(task.input).toStrictEqual({ prompt: 'Logo of a lighthouse', quality: 'high', aspect_ratio: '2:3' });
			expect(task.callbackUrl).toBe('http://127.0.0.1:9/unifically-callback');
			expect(task.cost).toBe(0.04);
		});
	});

	describe('audio', () => {
		it('Suno Music: required choice and boolean top-level, optional text and boolean (false) in Additional Fields', async () => {
			const [item] = await generate({
				resource: 'audio',
				model: 'suno-ai/music',
				mv: 'chirp-v4',
				custom: true,
				prompt: '[Verse] hello world',
				additionalFields: {
					tags: 'synthpop',
					title: 'Hello',
					makeInstrumental: false,
				},
			});
			expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
				mv: 'chirp-v4',
				custom: true,
				prompt: '[Verse] hello world',
				tags: 'synthpop',
				title: 'Hello',
				make_instrumental: false,
			});
			expect(item.json.output).toEqual({
				audio_urls: [expect.stringMatching(/clip_1\.mp3$/), expect.stringMatching(/clip_2\.mp3$/)],
				clip_ids: [expect.any(String), expect.any(String)],
			});
		});

		it('Higgsfield TTS: integer and decimal numbers, text from expressions coerced, Extra Input merged last', async () => {
			const [item] = await generate({
				resource: 'audio',
				model: 'higgsfield-ai/tts',
				voiceId: 'voice-123',
				prompt: 'Hello there',
				additionalFields: {
					speed: 0.9,
					style: 0,
					stability: '={{ "45" }}', // a spreadsheet cell gives text
					extraInput: '{"speed": 1.2, "emotion": "calm"}',
				},
			});
			expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
				voice_id: 'voice-123',
				prompt: 'Hello there',
				speed: 1.2, // Extra Input wins over the form field
				style: 0,
				stability: 45,
				emotion: 'calm',
			});
		});

		it('ElevenLabs Text-to-Speech (guessed input): the Prompt field is sent as text, plus Extra Input JSON', async () => {
			const [item] = await generate({
				resource: 'audio',
				model: 'elevenlabs/text-to-speech',
				prompt: 'Welcome to the show',
				additionalFields: { extraInput: '{"voice_id": "Rachel", "stability": 0.5, "use_speaker_boost": true}' },
			});
			expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
				text: 'Welcome to the show',
				voice_id: 'Rachel',
				stability: 0.5,
				use_speaker_boost: true,
			});
			expect(item.json.output).toEqual({ audio_url: expect.stringMatching(new RegExp(`${FILE_URL.source}audio\\.mp3$`)) });
		});
	});

	// The six models that once took only JSON: each from its form fields alone.
	it.each([
		['video', 'topaz-labs/video-upscale', { videoUrl: 'https://example.com/in.mp4', resolution: '2k', additionalFields: { frameInterpolation: true } }, { video_url: 'https://example.com/in.mp4', resolution: '2k', frame_interpolation: true }],
		['video', 'topaz-labs/video-upscale', { videoUrl: 'https://example.com/in.mp4' }, { video_url: 'https://example.com/in.mp4', resolution: '4k' }],
		['image', 'topaz-labs/image-upscale', { imageUrl: IMAGE_A }, { image_url: IMAGE_A }],
		['image', 'topaz-labs/image-generative', { imageUrl: IMAGE_B }, { image_url: IMAGE_B }],
		['audio', 'elevenlabs/voice-isolation', { audioUrl: 'https://example.com/noisy.mp3' }, { audio_url: 'https://example.com/noisy.mp3' }],
		['audio', 'suno-ai/wav', { clipId: '69ad968a-23c4-40e0-9cdc-80f9649c5209' }, { clip_id: '69ad968a-23c4-40e0-9cdc-80f9649c5209' }],
		['audio', 'elevenlabs/text-to-speech', { prompt: 'Hello there' }, { text: 'Hello there' }],
	] as const)('%s %s from the form, no JSON: %j', async (resource, model, parameters, sent) => {
		const [item] = await generate({ resource, model, ...parameters });
		expect(receivedInput(sim(), item.json.task_id)).toStrictEqual(sent);
	});
});
