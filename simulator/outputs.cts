import { createHash } from 'node:crypto';
import type { SimModel } from './modelTypes.cjs';
import { contentTypeOf } from './files.cjs';

/**
 * What a completed task's `output` looks like. The API doc shows only `{video_url}`; the rest follows
 * the models' nature, deliberately in several shapes (a single URL, a list, a nested map, text with
 * no file) so the node's "collect every http(s) URL in output" is exercised:
 * - video: `{video_url}`; `count` > 1 → `{video_urls: [...]}`
 * - image: `{image_url}`; `count` / `n` / `num_images` > 1 → `{image_urls: [...]}`
 * - Suno music and audio operations: two clips → `{audio_urls: [a, b], clip_ids: [...]}`
 * - Suno stems: `{stems: {vocals: url, instrumental: url}}`; stems-all: ten named stems
 * - Suno lyrics: `{title, text}`; ElevenLabs speech-to-text: `{text, language_code}` (no file)
 * - Suno WAV export: `{audio_url}` (.wav); Higgsfield Speak (a talking avatar): `{video_url}`
 * - other audio: `{audio_url}`
 */

export interface OutputFile {
	name: string;
	size: number;
	contentType: string;
}

export interface PlannedOutput {
	output: Record<string, unknown>;
	files: Map<string, OutputFile>;
}

const ALL_STEMS = ['vocals', 'backing_vocals', 'drums', 'bass', 'guitar', 'keyboard', 'percussion', 'strings', 'synth', 'fx'];

function countOf(input: Record<string, unknown>): number {
	for (const key of ['count', 'n', 'num_images', 'num_outputs']) {
		const value = Number(input[key]);
		if (Number.isInteger(value) && value > 1) return Math.min(value, 10);
	}
	return 1;
}

function shortId(seed: string): string {
	return createHash('sha256').update(seed).digest('hex').slice(0, 12);
}

export function planOutput(
	model: Pick<SimModel, 'id' | 'resource'>,
	input: Record<string, unknown>,
	taskId: string,
	baseUrl: string,
	size: number,
): PlannedOutput {
	const files = new Map<string, OutputFile>();
	const file = (name: string): string => {
		files.set(name, { name, size, contentType: contentTypeOf(name) });
		return `${baseUrl}/files/${taskId}/${name}`;
	};
	const many = (stem: string, ext: string, count: number): string[] =>
		Array.from({ length: count }, (_, index) => file(`${stem}_${index + 1}.${ext}`));

	const id = model.id;
	let output: Record<string, unknown>;
	if (id === 'suno-ai/lyrics') {
		const topic = typeof input.prompt === 'string' ? input.prompt.slice(0, 60) : 'a simulated song';
		output = {
			title: 'Simulated Lyrics',
			text: `[Verse 1]\nA song about ${topic}\nWritten by the Unifically simulator\n\n[Chorus]\nLa la la, simulated la\n`,
		};
	} else if (id === 'elevenlabs/speech-to-text') {
		output = { text: 'This is a simulated transcript.', language_code: 'en' };
	} else if (id === 'suno-ai/stems') {
		output = { stems: { vocals: file('vocals.mp3'), instrumental: file('instrumental.mp3') } };
	} else if (id === 'suno-ai/stems-all') {
		output = { stems: Object.fromEntries(ALL_STEMS.map((stem) => [stem, file(`${stem}.mp3`)])) };
	} else if (id === 'suno-ai/wav') {
		output = { audio_url: file('audio.wav') };
	} else if (id.startsWith('suno-ai/')) {
		output = { audio_urls: many('clip', 'mp3', 2), clip_ids: [shortId(`${taskId}/1`), shortId(`${taskId}/2`)] };
	} else if (id === 'higgsfield-ai/speak') {
		output = { video_url: file('video.mp4') };
	} else if (model.resource === 'video') {
		const count = countOf(input);
		output = count > 1 ? { video_urls: many('video', 'mp4', count) } : { video_url: file('video.mp4') };
	} else if (model.resource === 'image') {
		const count = countOf(input);
		output = count > 1 ? { image_urls: many('image', 'png', count) } : { image_url: file('image.png') };
	} else {
		output = { audio_url: file('audio.mp3') };
	}
	return { output, files };
}
