/**
 * The simulator's own input check (simulator/validate.cts) on its own model table: what the simulated
 * API answers 400 to. The HTTP side (the message, nothing created) is in
 * test/integration/simulator.test.cts.
 */
import { SIM_MODELS, type SimModel } from '../../simulator/models.cjs';
import { inputProblems } from '../../simulator/validate.cjs';

function model(id: string): SimModel {
	const found = SIM_MODELS.find((spec) => spec.id === id);
	if (!found) throw new Error(`no model ${id}`);
	return found;
}

const keysOf = (id: string, input: Record<string, unknown>) => inputProblems(model(id), input).map((problem) => problem.key);

describe('simulator: input rules of its own table', () => {
	it.each<[string, Record<string, unknown>, string[]]>([
		['google/veo-3.1-fast', { prompt: 'a cat' }, []],
		['google/veo-3.1-fast', {}, ['prompt']],
		['google/veo-3.1-fast', { prompt: 'a cat', resolution: '8k', seed: 1.5 }, ['resolution', 'seed']],
		['google/veo-3.1-fast', { prompt: 'a cat', start_image_url: 'ftp://example.com/a.png' }, ['start_image_url']],
		// "Yes*": one of prompt and start image; "1080p only supports 6" (with the 768p default, 10 s is fine)
		['hailuo/minimax-2.3', {}, ['prompt']],
		['hailuo/minimax-2.3', { start_image_url: 'https://example.com/a.png', duration: 10 }, []],
		['hailuo/minimax-2.3', { prompt: 'x', resolution: '1080p', duration: 10 }, ['duration']],
		['hailuo/minimax-2.3', { prompt: 'x'.repeat(2001) }, ['prompt']],
		['hailuo/minimax-2.3', { prompt: 'x', resolution: '512p' }, ['resolution']], // 2.0 only
		['hailuo/minimax-2.0', { prompt: 'x', resolution: '512p' }, []],
		['hailuo/minimax-2.3-fast', { prompt: 'x' }, ['start_image_url']],
		['kuaishou/kling-o1-video', { prompt: 'x', duration: 11, image_urls: Array(8).fill('https://example.com/a.png') }, ['duration', 'image_urls']],
		['kuaishou/kling-3.0-omni-video', { prompt: 'x', duration: 15, aspect_ratio: 'auto' }, []],
		['kuaishou/kling-2.5', { prompt: 'x', mode: 'std' }, ['mode']], // "Pro only"
		['black-forest-labs/flux.2-pro', { prompt: 'x', steps: 10 }, []], // not listed for Pro: the API is the judge
		['black-forest-labs/flux.2-flex', { prompt: 'x', steps: 51, cfg: 1 }, ['steps', 'cfg']],
		['google/nano-banana', { prompt: 'x' }, ['aspect_ratio']],
		['suno-ai/music', { mv: 'chirp-v4', custom: false }, []], // the doc's "No": no description needed
		['suno-ai/music', { mv: 'chirp-v9', custom: 'yes' }, ['mv', 'custom']],
		['suno-ai/extend', { mv: 'chirp-v4', custom: true }, ['clip_id']],
		['higgsfield-ai/speak', { image_url: 'https://example.com/a.png', prompt: 'x', audio_task_id: 't1' }, []],
		['higgsfield-ai/tts', { voice_id: 'v', prompt: 'x', speed: 1.3 }, ['speed']],
		['elevenlabs/sound-effect', { text: 'rain', duration: 'auto' }, []], // a number of seconds, or "auto"
		['elevenlabs/sound-effect', { text: 'rain', duration: 'long' }, ['duration']],
		['elevenlabs/sound-effect', { text: 'rain', duration: 31 }, ['duration']],
		['topaz-labs/video-upscale', { video_url: 'https://example.com/v.mp4', resolution: '4k' }, []], // client code's inputs
		['topaz-labs/video-upscale', { video_url: 'https://example.com/v.mp4', resolution: '8k' }, ['resolution']],
		['topaz-labs/image-upscale', { image_url: 'https://example.com/a.png', scale: 4 }, []], // guessed key; anything else passes
		['topaz-labs/image-upscale', { image: 'https://example.com/a.png' }, []], // the guess is not required: the right key may differ
		['elevenlabs/voice-isolation', { audio_url: 'voice.mp3' }, ['audio_url']], // a guessed URL input is still a URL
	])('%s %j → problems with %j', (id, input, keys) => {
		expect(keysOf(id, input)).toEqual(keys);
	});

	it('names the key and says what is wrong', () => {
		expect(inputProblems(model('hailuo/minimax-2.3'), { prompt: 'x', resolution: '1080p', duration: 10 })).toEqual([
			{ key: 'duration', message: 'must be 6 when resolution is "1080p", got 10' },
		]);
		expect(inputProblems(model('google/veo-3.1-fast'), { prompt: 'x', resolution: '8k' })).toEqual([
			{ key: 'resolution', message: 'must be one of "720p", "1080p", "4k", got "8k"' },
		]);
	});
});
