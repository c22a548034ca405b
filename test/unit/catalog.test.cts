/**
 * The catalog against its sources: the model list and parameter tables of the API doc
 * (docs/unifically-tasks-api.txt), parsed by support/apiDoc.cts, so a catalog entry that drifts from
 * it (a missing model or input, a wrong requiredness, range, default or list limit) fails. The node has
 * no prices: the simulator's are checked in test/unit/simulatorPrices.test.cts.
 */
import {
	findModel,
	MODELS,
	modelsOf,
	parameterName,
	type InputSpec,
	type InputType,
	type ModelSpec,
	type Resource,
} from '../../nodes/Unifically/catalog/index';
import { findInputProblems } from '../../nodes/Unifically/catalog/validate';

import { parseAvailableModels, parseParameterTables, type ApiDocRow, type ApiDocTable } from './support/apiDoc.cjs';

const apiDocModels = parseAvailableModels();
const { tables, derived } = parseParameterTables();

const TYPE_OF_API_DOC: Record<string, InputType> = {
	string: 'string',
	integer: 'integer',
	number: 'number',
	boolean: 'boolean',
	array: 'stringList',
	'string[]': 'stringList',
	'ElementInput[]': 'json',
};

function model(id: string): ModelSpec {
	const found = findModel(id);
	if (!found) throw new Error(`catalog lacks ${id}`);
	return found;
}

function input(spec: ModelSpec, key: string): InputSpec | undefined {
	return spec.inputs.find((candidate) => candidate.key === key);
}

/** "-flux.2-flex-" contains "-flex-": a row qualifier ("Flex only") names a model of the table. */
function idNames(modelId: string, label: string): boolean {
	return `-${modelId.split('/')[1]}-`.includes(`-${label.toLowerCase()}-`);
}

/** "(minimax-2.0 only, …)", "Flex only: …", "Pro only: …": the row exists only for that model. */
function rowQualifier(row: ApiDocRow): string | undefined {
	return /(?:^|\()([A-Za-z0-9.-]+) only\b/.exec(row.description)?.[1];
}

function rowAppliesTo(row: ApiDocRow, table: ApiDocTable, modelId: string): boolean {
	const qualifier = rowQualifier(row);
	// In a single-model table "Pro only" speaks of the value (Kling modes), not of a model.
	if (!qualifier || table.modelIds.length === 1) return true;
	return idNames(modelId, qualifier);
}

function atLeastOneOfRules(spec: ModelSpec): string[][] {
	return (spec.rules ?? []).flatMap((rule) => (rule.kind === 'atLeastOneOf' ? [rule.keys] : []));
}

// ---- the model list ------------------------------------------------------------------------

describe('catalog: the API doc model list', () => {
	it('parses the API doc (22 video, 12 image, 16 audio models)', () => {
		expect(apiDocModels.filter((m) => m.resource === 'video')).toHaveLength(22);
		expect(apiDocModels.filter((m) => m.resource === 'image')).toHaveLength(12);
		expect(apiDocModels.filter((m) => m.resource === 'audio')).toHaveLength(16);
	});

	it('has exactly the API doc models, 50 in all, in the API doc order', () => {
		expect(MODELS).toHaveLength(50);
		expect(MODELS.map((m) => m.id)).toEqual(apiDocModels.map((m) => m.id));
	});

	it.each(['video', 'image', 'audio'] as Resource[])('lists the %s models under their resource', (resource) => {
		expect(modelsOf(resource).map((m) => m.id)).toEqual(
			apiDocModels.filter((m) => m.resource === resource).map((m) => m.id),
		);
		for (const spec of modelsOf(resource)) expect(spec.resource).toBe(resource);
	});

	it('names each model with the API doc description', () => {
		expect(MODELS.map((m) => [m.id, m.name])).toEqual(apiDocModels.map((m) => [m.id, m.name]));
	});

	it('has unique ids, each found by findModel', () => {
		expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
		for (const spec of MODELS) expect(findModel(spec.id)).toBe(spec);
		expect(findModel('acme/unknown')).toBeUndefined();
	});

	it('gives every model a one-sentence description', () => {
		for (const spec of MODELS) {
			expect(spec.description.trim().length).toBeGreaterThan(10);
			expect(spec.description).not.toMatch(/\.\s+[A-Z]/);
		}
	});
});

// ---- the parameter tables ------------------------------------------------------------------

describe('catalog: the API doc parameter tables', () => {
	const documentedIds = new Set([...tables.flatMap((t) => t.modelIds), ...derived.map((d) => d.id)]);

	it('parses every table of the API doc, naming known models', () => {
		expect(tables).toHaveLength(22);
		expect(derived).toEqual([
			expect.objectContaining({ id: 'kuaishou/kling-3.0-omni-video', baseId: 'kuaishou/kling-o1-video' }),
		]);
		for (const table of tables) {
			expect(table.modelIds.length).toBeGreaterThan(0);
			expect(table.rows.length).toBeGreaterThan(0);
		}
		const known = new Set(apiDocModels.map((m) => m.id));
		for (const id of documentedIds) expect(known.has(id)).toBe(true);
		expect(documentedIds.size).toBe(37);
	});

	it('marks as documented exactly the models the API doc documents', () => {
		for (const spec of MODELS) expect([spec.id, spec.documented]).toEqual([spec.id, documentedIds.has(spec.id)]);
	});

	it('types every model the API doc does not document from a named source: public pages, client code or a marked guess', () => {
		const undocumented = MODELS.filter((m) => !m.documented);
		expect(undocumented.length).toBe(13);
		for (const spec of undocumented) expect([spec.id, spec.inputsFrom]).toEqual([spec.id, expect.stringMatching(/^(publicPages|clientCode|guessed)$/)]);
		// A guessed key is never required (the right key may be another, given in Extra Input), and a
		// model typed from a guess holds nothing but guesses.
		for (const spec of MODELS.flatMap((m) => m.inputs.filter((input) => input.guessed).map((input) => ({ m, input })))) {
			expect([spec.m.id, spec.input.key, !!spec.input.required, spec.m.inputsFrom]).toEqual([spec.m.id, spec.input.key, false, 'guessed']);
		}
		for (const spec of MODELS.filter((m) => m.inputsFrom === 'guessed')) {
			expect([spec.id, spec.inputs.every((input) => input.guessed)]).toEqual([spec.id, true]);
		}
	});

	/** [model id, its seed rows]: the derived model gets its base table's rows. */
	const documentedRows: Array<[string, ApiDocRow[], ApiDocTable]> = [
		...tables.flatMap((table) =>
			table.modelIds.map((id): [string, ApiDocRow[], ApiDocTable] => [
				id,
				table.rows.filter((row) => rowAppliesTo(row, table, id)),
				table,
			]),
		),
		...derived.map((d): [string, ApiDocRow[], ApiDocTable] => {
			const base = tables.find((table) => table.modelIds.includes(d.baseId))!;
			return [d.id, base.rows, base];
		}),
	];

	/** Inputs required only in their mode (`shownWhen`), where the API doc says "No". */
	const MODE_REQUIRED = ['suno-ai/music:gpt_description_prompt'];

	it.each(documentedRows.map(([id, rows, table]) => [id, rows, table] as const))(
		'%s has every documented input, typed and required as documented',
		(id, rows, table) => {
			const spec = model(id);
			for (const row of rows) {
				const found = input(spec, row.key);
				expect([row.key, found?.type]).toEqual([row.key, TYPE_OF_API_DOC[row.apiDocType]]);
				const required = Boolean(found?.required);
				if (row.required === 'Yes') expect([row.key, required]).toEqual([row.key, true]);
				// A mode's main input is required while that mode is on (issue #18), though the API doc says No.
				const modeRequired = MODE_REQUIRED.includes(`${id}:${row.key}`) && !!found?.shownWhen;
				if (row.required === 'No') expect([row.key, required]).toEqual([row.key, modeRequired]);
				if (row.required === 'Yes**') {
					// "Required for text-to-video, optional for image-to-video": prompt or a start image.
					expect([row.key, required]).toEqual([row.key, false]);
					expect(input(spec, 'start_image_url')).toBeDefined();
					expect(atLeastOneOfRules(spec)).toContainEqual(
						expect.arrayContaining([row.key, 'start_image_url']),
					);
				}
				if (row.required === 'Yes*') {
					// "(required for 2.3-fast)": required alone for that model, one-of-a-group otherwise.
					const alone = /\(required for ([\w.-]+)\)/.exec(row.description)?.[1];
					const expected = alone !== undefined && idNames(id, alone);
					expect([row.key, required]).toEqual([row.key, expected]);
				}
			}

			const starred = rows.filter((row) => row.required === 'Yes*').map((row) => row.key);
			if (starred.length > 0) {
				const anyRequiredAlone = starred.some((key) => input(spec, key)?.required);
				const group = atLeastOneOfRules(spec).find((keys) => keys.some((key) => starred.includes(key)));
				if (anyRequiredAlone) expect(group).toBeUndefined();
				else expect(group && [...group].sort()).toEqual([...starred].sort());
			}

			// Rows the API doc restricts to other models of the table ("Flex only") are absent.
			for (const row of table.rows.filter((r) => !rowAppliesTo(r, table, id))) {
				expect([row.key, input(spec, row.key)]).toEqual([row.key, undefined]);
			}
		},
	);

	it.each(documentedRows.map(([id, rows]) => [id, rows] as const))(
		'%s has the documented ranges, defaults and limits',
		(id, rows) => {
			const spec = model(id);
			const differences = derived.find((d) => d.id === id)?.differences;
			for (const row of rows) {
				const found = input(spec, row.key)!;
				let description = row.description;
				// The derived model's differences override its base rows ("duration 3–15").
				const override =
					differences && new RegExp(`${row.key} (\\d+(?:\\.\\d+)?\\s*[-–]\\s*\\d+)`).exec(differences);
				if (override) description = override[1];

				const range = /(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)/.exec(description);
				if (range && (found.type === 'integer' || found.type === 'number')) {
					expect([row.key, found.min, found.max]).toEqual([row.key, Number(range[1]), Number(range[2])]);
				}

				const documentedDefault =
					/\(default:?\s*([^)]+)\)/.exec(description)?.[1] ?? /"?([\w.:]+)"? \(default\)/.exec(description)?.[1];
				expect([row.key, found.default === undefined ? undefined : String(found.default)]).toEqual([
					row.key,
					documentedDefault,
				]);

				if (found.type === 'stringList' || found.type === 'json') {
					let maxItems = /(?:up to|max)\s+(\d+)/i.exec(description)?.[1];
					// "(Pro/Max: 8, Flex: 10)": a limit per model of the table.
					for (const [, labels, limit] of description.matchAll(/([A-Za-z]+(?:\/[A-Za-z]+)*): (\d+)/g)) {
						if (labels.split('/').some((label) => idNames(id, label))) maxItems = limit;
					}
					expect([row.key, found.maxItems]).toEqual([row.key, maxItems === undefined ? undefined : Number(maxItems)]);
				}

				const maxLength = /Max (\d+) chars/i.exec(description)?.[1];
				expect([row.key, found.maxLength]).toEqual([row.key, maxLength === undefined ? undefined : Number(maxLength)]);

				// Every option is a value the API doc names for this input (or in the derived model's differences).
				for (const option of found.options ?? []) {
					const haystack = `${row.description} ${differences ?? ''}`.toLowerCase();
					const value = String(option).toLowerCase();
					const named =
						typeof option === 'number'
							? new RegExp(`(?<![\\d.])${value}(?![\\d.])`).test(haystack)
							: haystack.includes(value);
					expect([row.key, option, named]).toEqual([row.key, option, true]);
				}
			}
		},
	);

	it('documents no input the API doc does not list (except Kling 3.0 multi_shot)', () => {
		for (const [id, rows] of documentedRows) {
			const keys = new Set(rows.map((row) => row.key));
			if (id === 'kuaishou/kling-3.0-omni-video') keys.add('multi_shot');
			expect([id, model(id).inputs.map((i) => i.key).filter((key) => !keys.has(key))]).toEqual([id, []]);
		}
	});
});

// ---- per-model differences the shared tables state in prose --------------------------------

describe('catalog: per-model differences', () => {
	const options = (id: string, key: string) => input(model(id), key)?.options;

	it('gives Sora 2 and Sora 2 Pro their own durations', () => {
		expect(options('openai/sora-2', 'duration')).toEqual([5, 10, 15, 20]);
		expect(options('openai/sora-2-pro', 'duration')).toEqual([10, 15, 20, 25]);
	});

	it('models Hailuo: 512p and end frame for 2.0 only, 1080p only for 6 s, start image for 2.3 Fast', () => {
		expect(options('hailuo/minimax-2.0', 'resolution')).toEqual(['512p', '768p', '1080p']);
		expect(options('hailuo/minimax-2.3', 'resolution')).toEqual(['768p', '1080p']);
		expect(options('hailuo/minimax-2.3-fast', 'resolution')).toEqual(['768p', '1080p']);
		for (const id of ['hailuo/minimax-2.0', 'hailuo/minimax-2.3', 'hailuo/minimax-2.3-fast']) {
			expect(options(id, 'duration')).toEqual([6, 10]);
			expect(model(id).rules).toContainEqual({
				kind: 'restrictWhen',
				when: { key: 'resolution', in: ['1080p'] },
				then: { key: 'duration', in: [6] },
			});
		}
		expect(model('hailuo/minimax-2.3').rules).toContainEqual({
			kind: 'atLeastOneOf',
			keys: ['prompt', 'start_image_url'],
		});
		expect(input(model('hailuo/minimax-2.3-fast'), 'start_image_url')?.required).toBe(true);
	});

	it('models Flux: Max aspect ratios, Flex steps/cfg ranges', () => {
		expect(options('black-forest-labs/flux.2-max', 'aspect_ratio')).toEqual(
			expect.arrayContaining(['5:4', '21:9', 'auto']),
		);
		for (const id of ['black-forest-labs/flux.2-pro', 'black-forest-labs/flux.2-flex']) {
			expect(options(id, 'aspect_ratio')).not.toContain('5:4');
			expect(options(id, 'aspect_ratio')).not.toContain('21:9');
		}
		expect(input(model('black-forest-labs/flux.2-flex'), 'cfg')).toMatchObject({ min: 1.5, max: 10 });
	});

	it('makes Kling 2.5 and 2.1 Master Pro only, the others std or pro', () => {
		expect(options('kuaishou/kling-2.5', 'mode')).toEqual(['pro']);
		expect(options('kuaishou/kling-2.1-master', 'mode')).toEqual(['pro']);
		for (const id of ['kuaishou/kling-2.6', 'kuaishou/kling-2.1', 'kuaishou/kling-o1-video']) {
			expect(options(id, 'mode')).toEqual(['std', 'pro']);
		}
		expect(input(model('kuaishou/kling-2.1-master'), 'end_image_url')).toBeUndefined();
	});

	it('derives Kling 3.0 Omni Video from O1 Video', () => {
		const omni = model('kuaishou/kling-3.0-omni-video');
		expect(options('kuaishou/kling-3.0-omni-video', 'aspect_ratio')).toEqual([
			...options('kuaishou/kling-o1-video', 'aspect_ratio')!,
			'auto',
		]);
		expect(input(omni, 'duration')).toMatchObject({ min: 3, max: 15 });
		expect(input(model('kuaishou/kling-o1-video'), 'duration')).toMatchObject({ min: 3, max: 10 });
		expect(input(omni, 'elements')?.description).toMatch(/IMAGE or VIDEO/);
		expect(input(omni, 'multi_shot')).toMatchObject({ type: 'json', maxItems: 6 });
		expect(input(omni, 'multi_shot')?.description).toMatch(/2–6 shots/);
	});

	it('lists the documented choices', () => {
		expect(options('suno-ai/music', 'mv')).toEqual(['chirp-v3-5', 'chirp-v4', 'chirp-auk', 'chirp-bluejay', 'chirp-crow']);
		expect(options('suno-ai/lyrics', 'mv')).toEqual(['remi-v1', 'default']);
		expect(options('google/veo-3.1-fast', 'resolution')).toEqual(['720p', '1080p', '4k']);
		expect(options('openai/gpt-image-1', 'quality')).toEqual(['low', 'medium', 'high']);
		expect(options('black-forest-labs/flux.2-pro', 'quality')).toEqual(['1K', '2K']);
		expect(options('google/nano-banana-pro', 'resolution')).toEqual(['1k', '2k', '4k']);
		expect(options('higgsfield-ai/cinematic-studio-video', 'aspect_ratio')).toHaveLength(8);
		expect(options('higgsfield-ai/speak', 'quality')).toEqual(['standard', 'high']);
	});
});

// ---- consistency ---------------------------------------------------------------------------

describe('catalog: consistency', () => {
	it.each(MODELS.map((m) => [m.id, m] as const))('%s: inputs are well formed', (_id, spec) => {
		const keys = spec.inputs.map((i) => i.key);
		expect(new Set(keys).size).toBe(keys.length);
		expect(new Set(keys.map(parameterName)).size).toBe(keys.length);
		for (const i of spec.inputs) {
			expect(i.key).toMatch(/^[a-z][a-z0-9_]*$/);
			expect(i.description.trim()).not.toBe('');
			if (i.min !== undefined && i.max !== undefined) expect(i.min).toBeLessThanOrEqual(i.max);
			if (i.min !== undefined || i.max !== undefined) expect(['integer', 'number']).toContain(i.type);
			if (i.maxItems !== undefined) expect(['stringList', 'json']).toContain(i.type);
			if (i.maxLength !== undefined) expect(i.type).toBe('string');
			if (i.url) expect(['string', 'stringList']).toContain(i.type);
			for (const option of i.options ?? []) {
				expect(typeof option).toBe(i.type === 'integer' || i.type === 'number' ? 'number' : 'string');
			}
			if (i.default !== undefined) {
				if (i.options) expect(i.options).toContain(i.default);
				if (i.type === 'boolean') expect(typeof i.default).toBe('boolean');
				if (i.type === 'integer' || i.type === 'number') {
					expect(typeof i.default).toBe('number');
					if (i.min !== undefined) expect(i.default).toBeGreaterThanOrEqual(i.min);
					if (i.max !== undefined) expect(i.default).toBeLessThanOrEqual(i.max);
				}
			}
		}
	});

	it.each(MODELS.filter((m) => m.rules?.length).map((m) => [m.id, m] as const))(
		'%s: rules reference its inputs and values',
		(_id, spec) => {
			for (const rule of spec.rules!) {
				if (rule.kind === 'atLeastOneOf') {
					expect(rule.keys.length).toBeGreaterThanOrEqual(2);
					for (const key of rule.keys) {
						expect(input(spec, key)).toBeDefined();
						// A key required on its own would make the rule pointless.
						expect(input(spec, key)?.required).toBeFalsy();
					}
				} else {
					for (const side of [rule.when, rule.then]) {
						const target = input(spec, side.key);
						expect(target).toBeDefined();
						for (const value of side.in) expect(target!.options ?? [value]).toContain(value);
					}
				}
			}
		},
	);
});

/**
 * Models the API doc lists without inputs, typed from Unifically's public pages
 * (../shared/reference/unifically-public-docs-facts.md; docs/api-doc-differences.md): keys, types,
 * choices, ranges, defaults and required markers as the pages give them.
 */
describe('catalog: models typed from the public pages', () => {
	const typed = (id: string) => Object.fromEntries(model(id).inputs.map((spec) => [spec.key, spec]));
	const required = (id: string) => model(id).inputs.filter((spec) => spec.required).map((spec) => spec.key).sort();

	it('exactly the seven with facts (four full tables, three partial); the other six from client code or a guess', () => {
		expect(MODELS.filter((m) => m.inputsFrom === 'publicPages').map((m) => m.id).sort()).toEqual([
			'elevenlabs/sound-effect',
			'elevenlabs/speech-to-text',
			'elevenlabs/text-to-dialogue',
			'kuaishou/kling-2.5-turbo-pro',
			'kuaishou/kling-3.0-motion-control',
			'kuaishou/kling-3.0-omni-image',
			'kuaishou/kling-o1-image',
		]);
		for (const spec of MODELS.filter((m) => m.inputsFrom)) expect([spec.id, spec.documented]).toEqual([spec.id, false]);
	});

	it('Dialogue: its help is plain words and valid JSON (n8n renders descriptions as HTML: a <…> placeholder vanished)', () => {
		const dialogue = typed('elevenlabs/text-to-dialogue').dialogue;
		for (const text of [dialogue.description, dialogue.hint!, dialogue.placeholder!]) expect(text).not.toMatch(/[<>]/);
		const example = JSON.parse(dialogue.placeholder!) as Array<Record<string, unknown>>;
		expect(example.length).toBeGreaterThan(1);
		for (const turn of example) expect(Object.keys(turn).sort()).toEqual(['text', 'voice']);
		expect(JSON.parse(dialogue.hint!.slice(dialogue.hint!.indexOf('[')))).toEqual(example);
	});

	it('the six models without a page: Topaz Video Upscale from client code, the other five a guessed main input each', () => {
		expect(MODELS.filter((m) => m.inputsFrom === 'clientCode').map((m) => m.id)).toEqual(['topaz-labs/video-upscale']);
		const topaz = typed('topaz-labs/video-upscale');
		expect(required('topaz-labs/video-upscale')).toEqual(['resolution', 'video_url']);
		expect(topaz.video_url).toMatchObject({ url: true });
		expect(topaz.resolution).toMatchObject({ options: ['1080p', '2k', '4k'], default: '4k' });
		expect(topaz.frame_interpolation).toMatchObject({ type: 'boolean', default: false });
		const guesses = Object.fromEntries(
			MODELS.filter((m) => m.inputsFrom === 'guessed').map((m) => [m.id, m.inputs.map((input) => [input.key, input.type, !!input.url])]),
		);
		expect(guesses).toEqual({
			'elevenlabs/text-to-speech': [
				['text', 'string', false],
				['voice', 'string', false],
			],
			'elevenlabs/voice-isolation': [['audio_url', 'string', true]],
			'suno-ai/wav': [['clip_id', 'string', false]],
			'topaz-labs/image-upscale': [['image_url', 'string', true]],
			'topaz-labs/image-generative': [['image_url', 'string', true]],
		});
		// No Prompt box on an upscaler (Topaz Video Upscale showed a text-to-video example).
		for (const id of ['topaz-labs/video-upscale', 'topaz-labs/image-upscale', 'topaz-labs/image-generative']) {
			expect([id, model(id).inputs.some((input) => input.key === 'prompt' || input.field === 'prompt')]).toEqual([id, false]);
		}
	});

	it('Kling 3.0 Motion Control: prompt, image and video required; mode std/pro (std), keep_audio (true), orientation (video), elements', () => {
		const spec = typed('kuaishou/kling-3.0-motion-control');
		expect(required('kuaishou/kling-3.0-motion-control')).toEqual(['image_url', 'prompt', 'video_url']);
		expect(spec.mode).toMatchObject({ options: ['std', 'pro'], default: 'std' });
		expect(spec.keep_audio).toMatchObject({ type: 'boolean', default: true });
		expect(spec.character_orientation).toMatchObject({ options: ['video', 'image'], default: 'video' });
		expect(spec.elements.type).toBe('json');
		expect(spec.image_url.url && spec.video_url.url).toBe(true);
	});

	it('ElevenLabs Dialogue: dialogue required (JSON), language_code, stability 0–1 (0.5)', () => {
		const spec = typed('elevenlabs/text-to-dialogue');
		expect(required('elevenlabs/text-to-dialogue')).toEqual(['dialogue']);
		expect(spec.dialogue.type).toBe('json');
		expect(spec.stability).toMatchObject({ type: 'number', min: 0, max: 1, default: 0.5 });
		expect(spec.language_code.type).toBe('string');
	});

	it('ElevenLabs Sound Effects: text required (in the Prompt field), prompt_influence 0–1 (0.5), duration 0.5–30, loop', () => {
		const spec = typed('elevenlabs/sound-effect');
		expect(required('elevenlabs/sound-effect')).toEqual(['text']);
		expect(spec.text.field).toBe('prompt');
		expect(spec.prompt_influence).toMatchObject({ min: 0, max: 1, default: 0.5 });
		expect(spec.duration).toMatchObject({ type: 'number', min: 0.5, max: 30 });
		expect(spec.loop.type).toBe('boolean');
		const sound = model('elevenlabs/sound-effect');
		expect(findInputProblems(sound, { text: 'rain', duration: 31 })).toEqual([{ key: 'duration', message: 'must be between 0.5 and 30, got 31' }]);
		expect(findInputProblems(sound, { duration: 5 })).toEqual([{ key: 'text', message: 'is required' }]);
	});

	it('ElevenLabs Speech-to-Text: audio_url required; speakers up to 32, granularity none/word/character (word), temperature 0–2, seed, keyterms ≤ 100', () => {
		const spec = typed('elevenlabs/speech-to-text');
		expect(required('elevenlabs/speech-to-text')).toEqual(['audio_url']);
		expect(spec.num_speakers).toMatchObject({ type: 'integer', max: 32 });
		expect(spec.timestamps_granularity).toMatchObject({ options: ['none', 'word', 'character'], default: 'word' });
		expect(spec.tag_audio_events.default).toBe(true);
		expect(spec.temperature).toMatchObject({ min: 0, max: 2, default: 0 });
		expect(spec.seed).toMatchObject({ min: 0, max: 2147483647 });
		expect(spec.keyterms).toMatchObject({ type: 'stringList', maxItems: 100 });
		const stt = model('elevenlabs/speech-to-text');
		expect(findInputProblems(stt, { audio_url: 'https://example.com/a.mp3', timestamps_granularity: 'sentence' })[0].key).toBe('timestamps_granularity');
		expect(findInputProblems(stt, { audio_url: 'https://example.com/a.mp3', num_speakers: 33 })[0].key).toBe('num_speakers');
	});

	it('Kling O1 / 3.0 Omni Image: up to 10 references, the documented aspect ratios, 1K/2K (O1) and up to 4K (Omni)', () => {
		for (const [id, resolutions] of [
			['kuaishou/kling-o1-image', ['1K', '2K']],
			['kuaishou/kling-3.0-omni-image', ['1K', '2K', '4K']],
		] as const) {
			const spec = typed(id);
			expect(spec.image_urls).toMatchObject({ type: 'stringList', maxItems: 10, url: true });
			expect(spec.aspect_ratio.options).toEqual(['auto', '1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9']);
			expect(spec.resolution.options).toEqual(resolutions);
			expect(required(id)).toEqual([]);
		}
	});

	it('Kling 2.5 Turbo Pro (legacy endpoint): prompt and start image required; resolution 720p/1080p; end image', () => {
		const spec = typed('kuaishou/kling-2.5-turbo-pro');
		expect(required('kuaishou/kling-2.5-turbo-pro')).toEqual(['prompt', 'start_image_url']);
		expect(spec.resolution.options).toEqual(['720p', '1080p']);
		expect(spec.end_image_url.url).toBe(true);
	});
});
