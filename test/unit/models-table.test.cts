/**
 * The users' models tables (docs/models.md, README.md's summary) are generated from the catalog by
 * scripts/models-table.cts. This test regenerates them and fails when the files differ: a model added,
 * renamed, re-priced or given a new required input shows up here until `npm run docs:models` is run
 * (it sets UPDATE_MODELS_TABLE=1, and then this test writes the files instead).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { MODELS, findModel, type ModelSpec } from '../../nodes/Unifically/catalog/index';
import {
	API_DOC,
	documentedPricing,
	expectedFiles,
	modelsSummary,
	modelsTable,
	mustGive,
	priceText,
	replaceBlock,
	ROOT,
	states,
} from '../../scripts/models-table.cjs';

const apiDoc = fs.readFileSync(API_DOC, 'utf8');
const model = (id: string): ModelSpec => {
	const found = findModel(id);
	if (!found) throw new Error(`no model ${id}`);
	return found;
};

describe('docs/models.md and the README summary', () => {
	test.each(expectedFiles().map(([file, text]) => [path.relative(ROOT, file), file, text]))(
		'%s is up to date with the catalog (else: npm run docs:models)',
		(_name, file, expected) => {
			if (process.env.UPDATE_MODELS_TABLE === '1') fs.writeFileSync(file, expected);
			expect(fs.readFileSync(file, 'utf8')).toBe(expected);
		},
	);

	test('lists every model of the catalog exactly once, with its id', () => {
		const table = modelsTable(apiDoc);
		const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| provider') && !line.startsWith('| ---'));
		expect(rows).toHaveLength(MODELS.length);
		for (const spec of MODELS) expect(rows.filter((row) => row.includes(`| \`${spec.id}\` |`))).toHaveLength(1);
		const summary = modelsSummary();
		for (const [title, resource] of [['Video', 'video'], ['Image', 'image'], ['Audio', 'audio']]) {
			const count = MODELS.filter((m) => m.resource === resource).length;
			expect(summary).toContain(`| ${title} | ${count} |`);
		}
		const klingVideo = MODELS.filter((m) => m.resource === 'video' && m.label.startsWith('Kling:')).length;
		expect(summary).toMatch(new RegExp(`\\| Video \\| .*Kling ${klingVideo}\\b`));
	});

	test('a catalog change shows in the generated table', () => {
		const veo = model('google/veo-3.1-fast');
		const renamed = { ...veo, label: 'Google: Veo 9', description: 'Something else' };
		const table = modelsTable(apiDoc, [renamed]);
		expect(table).toContain('| Google | Veo 9 | `google/veo-3.1-fast` | Something else |');
		expect(table).not.toContain('Veo 3.1 Fast');
	});
});

describe('the price column: what the API documentation states', () => {
	test('reads the pricing line of the section that documents the model', () => {
		expect(documentedPricing(apiDoc, 'google/veo-3.1-fast')).toMatch(/^Fast: 720p 0\.30/);
		expect(documentedPricing(apiDoc, 'kuaishou/kling-3.0-omni-video')).toMatch(/^5s 720p 0\.14/);
		expect(documentedPricing(apiDoc, 'suno-ai/lyrics')).toBe('$0.012 per generation');
		// Listed only in the model index, no section with a price.
		expect(documentedPricing(apiDoc, 'elevenlabs/text-to-speech')).toBeUndefined();
	});

	test('a figure is stated only as a whole number in the text (the lost $ signs do not matter)', () => {
		expect(states('720p 0.30,1080p0.30, 1080p 0.40', 0.3)).toBe(true);
		expect(states('high 0.041.5:low0.04 |', 0.04)).toBe(true);
		expect(states('0.041.5', 0.04)).toBe(false);
		expect(states('10.30', 0.3)).toBe(false);
		expect(states('0.0533/s', 0.053)).toBe(false);
	});

	test.each([
		['google/veo-3.1-fast', '720p: $0.30 · 1080p: $0.40 · 4k: $0.50'],
		['openai/gpt-image-1.5', 'Low: $0.02 · Medium: $0.03 · High: $0.05'],
		['kuaishou/kling-3.0-omni-video', '$0.14–$0.30 by duration and mode; other choices not listed'],
		['kuaishou/kling-2.6', '$0.032/s'],
		['suno-ai/lyrics', '$0.012'],
		// Sora 2's line prices 10 s and 15 s only; the simulator's 5 s and 20 s rows are its own reading.
		['openai/sora-2', '10 s: $0.10 · 15 s: $0.15; other choices not listed'],
		['elevenlabs/text-to-speech', 'not listed'],
	])('%s: %s', (id, expected) => {
		expect(priceText(model(id), apiDoc)).toBe(expected);
	});

	test('a price the documentation does not state is an error, not a silent row', () => {
		const veo = model('google/veo-3.1-fast');
		expect(() => priceText(veo, apiDoc, { kind: 'flat', usd: 0.99 })).toThrow(/0\.99 is not in the API doc/);
	});

	test('shows a price for every model whose section has a pricing line', () => {
		for (const spec of MODELS) {
			const text = priceText(spec, apiDoc);
			expect([spec.id, text === 'not listed']).toEqual([spec.id, documentedPricing(apiDoc, spec.id) === undefined]);
		}
	});
});

describe('the inputs a user must give', () => {
	test.each([
		['google/veo-3.1-fast', 'Prompt'],
		['higgsfield-ai/lite', 'Prompt, Start Image URL, Motion ID'],
		['suno-ai/extend', 'Model Version, Clip ID or Audio URL'],
		// Suno Music's version has a form default and its mode is a switch: nothing else is required.
		['suno-ai/music', 'Song Description (when Write Own Lyrics and Style is off)'],
	])('%s: %s', (id, expected) => {
		expect(mustGive(model(id))).toBe(expected);
	});
});

test('replaceBlock replaces only between the markers, and refuses a file without them', () => {
	const doc = 'a\n<!-- x:start -->\nold\n<!-- x:end -->\nb\n';
	expect(replaceBlock(doc, 'x', 'new')).toBe('a\n<!-- x:start -->\nnew\n<!-- x:end -->\nb\n');
	expect(() => replaceBlock('no markers', 'x', 'new')).toThrow(/no <!-- x:start -->/);
});
