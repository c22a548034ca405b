/**
 * The Unifically node's form as n8n's editor changes it (test/integration/support/form.cts ports what
 * the editor does on a parameter change): values kept or dropped when the resource, operation or
 * model changes, and the issues the editor shows.
 */
import type { INodeParameters, INodePropertyOptions } from 'n8n-workflow';

import { modelsOf, parameterName } from '../../nodes/Unifically/catalog/index';
import { isTopLevel } from '../../nodes/Unifically/catalog/toProperties';
import { form, media, editorChange, issuesOf } from './support/form.cjs';

describe('Unifically form as the editor changes it', () => {
	it('marks an empty required input as an issue before running (Prompt, Voice ID, Clip ID, Start Image URL)', () => {
		expect(Object.keys(issuesOf({ resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast' }))).toEqual(['prompt']);
		expect(issuesOf({ resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast', prompt: 'a cat' })).toEqual({});
		expect(Object.keys(issuesOf({ resource: 'audio', operation: 'generate', model: 'higgsfield-ai/tts' })).sort()).toEqual(['prompt', 'voiceId']);
		expect(Object.keys(issuesOf({ resource: 'audio', operation: 'create', model: 'suno-ai/stems' }))).toEqual(['clipId']);
		expect(Object.keys(issuesOf({ resource: 'video', operation: 'generate', model: 'hailuo/minimax-2.3-fast' }))).toEqual(['startImageUrl']);
		// Hailuo 2.3's prompt is optional (a start image may replace it): no issue.
		expect(issuesOf({ resource: 'video', operation: 'generate', model: 'hailuo/minimax-2.3' })).toEqual({});
	});

	it.each(['video', 'image', 'audio'])('%s: a model given by an expression has no issue from any model\'s required field', (resource) => {
		expect(issuesOf({ resource, operation: 'generate', model: '={{ $json.model }}' })).toEqual({});
	});

	it('Veo → Hailuo → Suno → Veo keeps the prompt; values the new model cannot take are dropped, shared valid ones kept', () => {
		let values: INodeParameters = editorChange({}, 'resource', 'video');
		values = editorChange(values, 'model', 'kuaishou/kling-o1-video');
		values = editorChange(values, 'prompt', 'A cat walking on the beach at sunset');
		values = editorChange(values, 'duration', 3);
		values = editorChange(values, 'aspectRatio', '9:16');
		values = editorChange(values, 'model', 'hailuo/minimax-2.3');
		expect(values.prompt).toBe('A cat walking on the beach at sunset');
		// Hailuo takes 6 or 10 s and has no aspect ratio: the duration is back at the model's default.
		expect(values.duration).toBe('');
		expect(values.aspectRatio).toBeUndefined();
		values = editorChange(values, 'duration', 10);
		values = editorChange(values, 'model', 'kuaishou/kling-2.6');
		expect(values.duration).toBe(10); // Kling 2.6 takes 10 s too
		values = editorChange(values, 'model', 'google/veo-3.1-fast');
		expect(values.prompt).toBe('A cat walking on the beach at sunset');
		values = editorChange(values, 'resource', 'audio');
		expect(values.model).toBe('suno-ai/music');
		expect(values.prompt).toBe('A cat walking on the beach at sunset'); // Suno's custom mode: the lyrics
		values = editorChange(values, 'resource', 'video');
		values = editorChange(values, 'model', 'google/veo-3.1-fast');
		expect(values.prompt).toBe('A cat walking on the beach at sunset');
		expect(issuesOf(values)).toEqual({});
	});

	it('switching the resource starts with that resource\'s default model, also from a non-default model', () => {
		let values = editorChange({ resource: 'video', operation: 'generate' }, 'model', 'hailuo/minimax-2.3');
		values = editorChange(values, 'resource', 'audio');
		expect(values.model).toBe('suno-ai/music');
		values = editorChange(values, 'model', 'higgsfield-ai/tts');
		values = editorChange(values, 'resource', 'image');
		expect(values.model).toBe('google/nano-banana');
		values = editorChange(values, 'operation', 'create');
		values = editorChange(values, 'model', 'openai/gpt-image-1');
		values = editorChange(values, 'resource', 'video');
		expect(values.model).toBe('google/veo-3.1-fast');
	});

	it.each(['suno-ai/music', 'suno-ai/cover', 'suno-ai/extend'])(
		'%s: the mode toggle off and on, and on and off, keeps the text typed (Prompt ↔ Song Description are one field)',
		(model) => {
			let values = editorChange({ resource: 'audio', operation: 'generate' }, 'model', model);
			expect(values.custom).toBe(true);
			values = editorChange(values, 'prompt', '[Verse] Windows down');
			values = editorChange(values, 'custom', false);
			expect(values.prompt).toBe('[Verse] Windows down');
			expect(form(values).byName('prompt')?.displayName).toBe('Song Description');
			values = editorChange(values, 'prompt', 'An upbeat song about a road trip');
			values = editorChange(values, 'custom', true);
			expect(values.prompt).toBe('An upbeat song about a road trip');
			expect(form(values).byName('prompt')?.displayName).toBe('Prompt');
			// Model A → B → A (Suno → Higgsfield TTS → Suno) keeps it too.
			values = editorChange(values, 'model', 'higgsfield-ai/tts');
			values = editorChange(values, 'model', model);
			expect(values.prompt).toBe('An upbeat song about a road trip');
		},
	);

	it('models typed from the public pages: typed fields, choices, ranges, required markers; Sound Effects\' description is the kept Prompt', () => {
		let values = editorChange({ resource: 'audio', operation: 'generate' }, 'prompt', 'Rain on a tin roof');
		values = editorChange(values, 'model', 'elevenlabs/sound-effect');
		expect(values.prompt).toBe('Rain on a tin roof');
		const sound = form(values);
		expect(sound.byName('prompt')).toMatchObject({ displayName: 'Sound Description', required: true });
		expect(sound.additional).toEqual(['duration', 'extraInput', 'loop', 'promptInfluence']);
		expect(sound.additionalField('duration')?.typeOptions).toMatchObject({ minValue: 0.5, maxValue: 30 });
		const motion = media('video', 'kuaishou/kling-3.0-motion-control');
		expect(motion.names).toEqual(['resource', 'operation', 'model', 'prompt', 'inputType', 'imageUrl', 'videoUrl', 'additionalFields', 'options']);
		expect(['prompt', 'imageUrl', 'videoUrl'].map((name) => motion.byName(name)?.required)).toEqual([true, true, true]);
		expect(motion.additional).toEqual(['characterOrientation', 'elements', 'extraInput', 'keepAudio', 'mode']);
		const stt = media('audio', 'elevenlabs/speech-to-text');
		expect(stt.byName('audioUrl')?.required).toBe(true);
		expect((stt.additionalField('timestampsGranularity')?.options as INodePropertyOptions[]).map((option) => option.value)).toEqual(['none', 'word', 'character']);
		// Dialogue: turns to add (text + a voice from the list), then the JSON way, top-level; neither alone is
		// marked required (the node names a dialogue given neither way before any request).
		const dialogue = media('audio', 'elevenlabs/text-to-dialogue');
		expect(dialogue.names.indexOf('dialogueTurns')).toBe(dialogue.names.indexOf('dialogue') - 1);
		expect(dialogue.byName('dialogue')).toMatchObject({ type: 'json', default: '[]' });
		expect(dialogue.byName('dialogue')?.required).toBeUndefined();
		const o1 = media('image', 'kuaishou/kling-o1-image');
		expect(o1.additional).toEqual(['aspectRatio', 'extraInput', 'imageUrls', 'resolution']);
	});

	it('as n8n 2.41.1\'s editor does (seen in Chromium): a value is kept only while a field of its name stays shown (issue #30, item 3, open)', () => {
		// Suno's Tags under Additional Fields: Custom Mode off hides them, so the editor's list clears them.
		let values = editorChange({ resource: 'audio', operation: 'generate' }, 'model', 'suno-ai/music');
		values = editorChange(values, 'additionalFields', { tags: 'synthwave', title: 'Road' });
		values = editorChange(editorChange(values, 'custom', false), 'custom', true);
		expect(values.additionalFields).toEqual({ title: 'Road' });
		// Input Type → Binary File → URL: the Start Image URL typed is gone.
		let hailuo = editorChange({ resource: 'video', operation: 'generate' }, 'model', 'hailuo/minimax-2.3-fast');
		hailuo = editorChange(hailuo, 'startImageUrl', 'https://example.com/a.png');
		hailuo = editorChange(editorChange(hailuo, 'inputType', 'binary'), 'inputType', 'url');
		expect(hailuo.startImageUrl).toBe('');
		// Resource → Task → back: Task shows no Prompt.
		let veo = editorChange({ resource: 'video', operation: 'generate' }, 'prompt', 'A fox');
		veo = editorChange(editorChange(veo, 'resource', 'task'), 'resource', 'video');
		expect(veo.prompt).toBe('');
	});

	it('Suno Music in simple mode: an empty Song Description is an issue (required), in custom mode an empty Prompt is not', () => {
		const base = { resource: 'audio', operation: 'generate', model: 'suno-ai/music' };
		expect(Object.keys(issuesOf({ ...base, custom: false }))).toEqual(['prompt']);
		expect(issuesOf({ ...base, custom: false, prompt: 'a song' })).toEqual({});
		expect(issuesOf({ ...base, custom: true })).toEqual({});
	});

	it('an option value another model offers and this one does not is dropped (Suno version → Lyrics model)', () => {
		let values = editorChange({ resource: 'audio', operation: 'generate' }, 'model', 'suno-ai/music');
		values = editorChange(values, 'mv', 'chirp-v4');
		values = editorChange(values, 'model', 'suno-ai/lyrics');
		expect(values.mv).toBe('remi-v1');
	});

	it('every same-named field either accepts the other\'s values or hides itself when it holds one it cannot take', () => {
		for (const resource of ['video', 'image', 'audio'] as const) {
			for (const from of modelsOf(resource)) {
				for (const to of modelsOf(resource)) {
					const additionalFields: INodeParameters = {};
					const topLevel: INodeParameters = {};
					for (const spec of from.inputs) {
						if (spec.required || spec.key === 'prompt' || !spec.options) continue;
						(isTopLevel(from, spec) ? topLevel : additionalFields)[parameterName(spec.key)] = spec.options[spec.options.length - 1];
					}
					let values = editorChange({ resource, operation: 'generate' }, 'model', from.id);
					values = editorChange(values, 'additionalFields', additionalFields);
					for (const [name, value] of Object.entries(topLevel)) values = editorChange(values, name, value);
					values = editorChange(values, 'model', to.id);
					for (const [name, value] of Object.entries((values.additionalFields ?? {}) as INodeParameters)) {
						const spec = to.inputs.find((input) => parameterName(input.key) === name);
						expect([to.id, name, spec?.options ? spec.options.includes(value as string) : true]).toEqual([to.id, name, true]);
					}
					// A top-level main control holds the model's default ('') or a value the new model takes.
					for (const name of Object.keys(topLevel)) {
						const shown = form(values).byName(name);
						if (!shown || values[name] === undefined) continue;
						const offered = (shown.options as INodePropertyOptions[]).map((option) => option.value);
						expect([to.id, name, offered.includes(values[name] as string)]).toEqual([to.id, name, true]);
					}
				}
			}
		}
	});
});
