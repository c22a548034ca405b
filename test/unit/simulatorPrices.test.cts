/**
 * The simulator's prices (simulator/models/*.cts: what a create charges and a dry_run answers)
 * against the API doc's "Pricing:" lines as docs/SPEC.md "Prices" reads them (their `$` signs are
 * lost). The one price check against the API doc: the node has no prices (its Estimate Cost asks the
 * API's `dry_run`).
 */
import * as fs from 'fs';
import * as path from 'path';

import { SIM_MODELS, type PriceRule, type SimInput, type SimModel } from '../../simulator/models.cjs';
import { priceOf } from '../../simulator/pricing.cjs';

const specText = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'SPEC.md'), 'utf8');

function model(id: string): SimModel {
	const found = SIM_MODELS.find((spec) => spec.id === id);
	if (!found) throw new Error(`no model ${id} in the simulator's table`);
	return found;
}

/** The values an input can take, when they are enumerable (options, or a small integer range). */
function valuesOf(spec: SimInput): Array<string | number | boolean> | undefined {
	if (spec.options) return spec.options;
	if (spec.type === 'boolean') return [false, true];
	if (spec.type === 'integer' && spec.min !== undefined && spec.max !== undefined && spec.max - spec.min <= 100) {
		return Array.from({ length: spec.max - spec.min + 1 }, (_, offset) => spec.min! + offset);
	}
	return undefined;
}

describe('simulator: prices against the API doc (docs/SPEC.md "Prices")', () => {
	const pricesSection = specText.slice(specText.indexOf('## Prices'));

	/** Models SPEC prices, with the words SPEC names them by. */
	const priced: Array<[string, string]> = [
		['google/veo-3.1-fast', 'Veo 3.1 Fast'],
		['google/veo-3.1-quality', 'Quality 0.60'],
		['openai/sora-2', "Sora 2's line"],
		['openai/sora-2-pro', '25 s 0.40'],
		['hailuo/minimax-2.0', 'Hailuo 2.0'],
		['hailuo/minimax-2.3', '2.3 0.17'],
		['hailuo/minimax-2.3-fast', '2.3 Fast'],
		['higgsfield-ai/lite', 'Higgsfield Lite'],
		['higgsfield-ai/turbo', 'Turbo 0.21'],
		['higgsfield-ai/standard', 'Standard 0.30'],
		['higgsfield-ai/cinematic-studio-video', 'Cinematic Studio Video'],
		['kuaishou/kling-3.0-omni-video', 'Kling 3.0 Omni Video'],
		['kuaishou/kling-3.0-omni-video-edit', 'Kling 3.0 Omni Edit'],
		['kuaishou/kling-o1-video', 'Kling O1 Video'],
		['kuaishou/kling-2.6', 'Kling 2.6 0.032'],
		['kuaishou/kling-2.5', 'Kling 2.5'],
		['kuaishou/kling-2.1', 'Kling 2.1\nstd'],
		['kuaishou/kling-2.1-master', 'Kling 2.1 Master'],
		['kuaishou/kling-2.6-motion-control', 'Kling 2.6 Motion Control'],
		['google/nano-banana', 'Nano Banana 0.03'],
		['google/nano-banana-pro', 'Pro 0.06'],
		['openai/gpt-image-1', 'GPT Image 1'],
		['openai/gpt-image-1.5', '1.5 low'],
		['black-forest-labs/flux.2-pro', 'Flux.2 Pro'],
		['black-forest-labs/flux.2-flex', 'Flex 0.04'],
		['black-forest-labs/flux.2-max', 'Max\n0.05'],
		['higgsfield-ai/cinematic-studio-image', 'Cinematic Studio Image'],
		['suno-ai/music', 'Suno music'],
		['suno-ai/add-vocals', 'audio operations'],
		['suno-ai/add-instrumental', 'audio operations'],
		['suno-ai/extend', 'audio operations'],
		['suno-ai/cover', 'audio operations'],
		['suno-ai/stems', 'stems 0.05'],
		['suno-ai/stems-all', 'stems-all'],
		['suno-ai/lyrics', 'lyrics 0.012'],
		['higgsfield-ai/tts', 'Higgsfield TTS'],
		['higgsfield-ai/speak', 'Speak standard'],
	];

	it.each(priced)('%s has a price (SPEC: "%s")', (id, words) => {
		expect(pricesSection).toContain(words);
		expect(model(id).price).toBeDefined();
	});

	it('prices every model; the ones SPEC does not price say why (the simulator\'s own choice)', () => {
		const documented = new Set(priced.map(([id]) => id));
		for (const spec of SIM_MODELS) {
			expect([spec.id, spec.price === undefined]).toEqual([spec.id, false]);
			if (!documented.has(spec.id)) expect([spec.id, spec.priceNote]).toEqual([spec.id, expect.stringContaining('own choice')]);
		}
	});

	it.each([
		['google/veo-3.1-fast', {}, 0.3],
		['google/veo-3.1-fast', { resolution: '1080p' }, 0.4],
		['google/veo-3.1-fast', { resolution: '4k' }, 0.5],
		['google/veo-3.1-quality', {}, 0.6],
		['google/veo-3.1-quality', { resolution: '4k' }, 0.8],
		['openai/sora-2', { duration: 10 }, 0.1],
		['openai/sora-2', { duration: 15 }, 0.15],
		['openai/sora-2-pro', { duration: 25 }, 0.4],
		['hailuo/minimax-2.0', {}, 0.17],
		['hailuo/minimax-2.3', {}, 0.17],
		['hailuo/minimax-2.3-fast', {}, 0.11],
		['higgsfield-ai/lite', {}, 0.15],
		['higgsfield-ai/turbo', {}, 0.21],
		['higgsfield-ai/standard', {}, 0.3],
		['higgsfield-ai/cinematic-studio-video', {}, 0.1],
		['higgsfield-ai/cinematic-studio-video', { sound: true }, 0.16],
		['higgsfield-ai/cinematic-studio-video', { duration: 10 }, 0.2],
		['higgsfield-ai/cinematic-studio-video', { duration: 10, sound: true }, 0.36],
		['kuaishou/kling-3.0-omni-video', {}, 0.14],
		['kuaishou/kling-3.0-omni-video', { mode: 'pro' }, 0.16],
		['kuaishou/kling-3.0-omni-video', { duration: 10 }, 0.26],
		['kuaishou/kling-3.0-omni-video', { duration: 10, mode: 'pro' }, 0.3],
		['kuaishou/kling-3.0-omni-video-edit', { mode: 'std' }, 0.2],
		['kuaishou/kling-3.0-omni-video-edit', { mode: 'pro' }, 0.2665],
		['kuaishou/kling-o1-video', {}, 0.24],
		['kuaishou/kling-o1-video', { duration: 10 }, 0.48],
		['kuaishou/kling-2.6', {}, 0.16],
		['kuaishou/kling-2.6', { duration: 10 }, 0.32],
		['kuaishou/kling-2.5', {}, 0.27],
		['kuaishou/kling-2.5', { duration: 10 }, 0.53],
		['kuaishou/kling-2.1', { mode: 'std', duration: 5 }, 0.13],
		['kuaishou/kling-2.1', { mode: 'std', duration: 10 }, 0.27],
		['kuaishou/kling-2.1', { mode: 'pro', duration: 5 }, 0.27],
		['kuaishou/kling-2.1', { mode: 'pro', duration: 10 }, 0.53],
		['kuaishou/kling-2.1-master', {}, 0.4],
		['kuaishou/kling-2.1-master', { duration: 10 }, 0.8],
		['kuaishou/kling-2.6-motion-control', { mode: 'std' }, 0.05],
		['kuaishou/kling-2.6-motion-control', { mode: 'pro' }, 0.1125],
		['google/nano-banana', {}, 0.03],
		['google/nano-banana-pro', { resolution: '4k' }, 0.06],
		['openai/gpt-image-1', { quality: 'low' }, 0.01],
		['openai/gpt-image-1', { quality: 'medium' }, 0.02],
		['openai/gpt-image-1', { quality: 'high' }, 0.04],
		['openai/gpt-image-1.5', { quality: 'low' }, 0.02],
		['openai/gpt-image-1.5', { quality: 'medium' }, 0.03],
		['openai/gpt-image-1.5', { quality: 'high' }, 0.05],
		['black-forest-labs/flux.2-pro', { quality: '1K' }, 0.02],
		['black-forest-labs/flux.2-pro', { quality: '2K' }, 0.03],
		['black-forest-labs/flux.2-flex', { quality: '1K' }, 0.04],
		['black-forest-labs/flux.2-flex', { quality: '2K' }, 0.06],
		['black-forest-labs/flux.2-max', { quality: '1K' }, 0.05],
		['black-forest-labs/flux.2-max', { quality: '2K' }, 0.07],
		['higgsfield-ai/cinematic-studio-image', {}, 0.03],
		['higgsfield-ai/cinematic-studio-image', { resolution: '1k' }, 0.03],
		['higgsfield-ai/cinematic-studio-image', { resolution: '4k' }, 0.06],
		['suno-ai/music', {}, 0.06],
		['suno-ai/cover', {}, 0.06],
		['suno-ai/stems', {}, 0.05],
		['suno-ai/stems-all', {}, 0.2],
		['suno-ai/lyrics', {}, 0.012],
		['higgsfield-ai/tts', {}, 0.05],
		['higgsfield-ai/speak', { quality: 'standard' }, 0.25],
		['higgsfield-ai/speak', { quality: 'high' }, 0.35],
	] as Array<[string, Record<string, unknown>, number]>)('%s %j costs %d as SPEC reads', (id, request, usd) => {
		expect(priceOf(model(id), request)).toBeCloseTo(usd, 4);
	});

	it.each(SIM_MODELS.map((m) => [m.id, m] as const))('%s: price rule is complete', (_id, spec) => {
		const rule = spec.price as PriceRule;
		expect(priceOf(spec, {})).toBeGreaterThan(0); // a request with no inputs is priced
		if (rule.kind !== 'table') return;
		if (rule.perSecond) expect(rule.defaultSeconds).toBeGreaterThan(0);
		for (const key of Object.keys(rule.defaults ?? {})) expect(rule.by).toContain(key);
		// Every combination of the documented values of its `by` inputs has a price.
		let combinations: string[] = [''];
		for (const key of rule.by) {
			const spec_ = spec.inputs[key];
			expect([key, spec_ === undefined]).toEqual([key, false]);
			const values = valuesOf(spec_!);
			expect([key, values === undefined]).toEqual([key, false]);
			combinations = combinations.flatMap((prefix) =>
				values!.map((value) => (prefix === '' ? String(value) : `${prefix}|${value}`)),
			);
		}
		for (const combination of combinations) {
			expect([combination, rule.table[combination] > 0]).toEqual([combination, true]);
		}
		expect(Object.keys(rule.table).sort()).toEqual([...combinations].sort());
	});
});
