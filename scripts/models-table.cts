/**
 * The users' models tables, generated from the catalog (nodes/Unifically/catalog) so that they cannot
 * drift from what the node offers:
 * - docs/models.md, between `<!-- models-table:start -->` and `<!-- models-table:end -->`: one row
 *   per model (provider, model id, what it makes, the inputs a user must give, the price);
 * - README.md, between `<!-- models-summary:start -->` and `<!-- models-summary:end -->`: the
 *   number of models of each resource, by provider.
 *
 * Prices: the node has none (its Estimate Cost asks the API's `dry_run`); they are the simulator's
 * (simulator/models/*.cts), which follow the API documentation as docs/SPEC.md "Prices" reads it and
 * fill in what the documentation does not say. The table shows only figures
 * the documentation states: a model whose section in docs/unifically-tasks-api.txt has no
 * "Pricing:" line shows "not listed", and a row of a price table whose figure is not in the model's
 * pricing line (a length the documentation does not price) is left out.
 *
 * test/unit/models-table.test.cts regenerates both blocks and fails when the files differ;
 * `npm run docs:models` writes them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { MODELS, type InputSpec, type ModelSpec, type Resource } from '../nodes/Unifically/catalog/index';
import { displayNameOf } from '../nodes/Unifically/catalog/toProperties';
import { SIM_MODELS, type PriceRule } from '../simulator/models.cjs';

export const ROOT = path.resolve(__dirname, '..');
export const API_DOC = path.join(ROOT, 'docs/unifically-tasks-api.txt');
export const MODELS_DOC = path.join(ROOT, 'docs/models.md');
export const README = path.join(ROOT, 'README.md');

const RESOURCES: Array<{ resource: Resource; title: string }> = [
	{ resource: 'video', title: 'Video' },
	{ resource: 'image', title: 'Image' },
	{ resource: 'audio', title: 'Audio' },
];

// ---- the API documentation's pricing lines ----------------------------------------------------

/**
 * The text after "Pricing:" in the section of the API documentation that documents `id` (its
 * "Model:" or "Models:" line), or undefined when that section has no pricing line.
 */
export function documentedPricing(apiDoc: string, id: string): string | undefined {
	const lines = apiDoc.split('\n');
	const isModelLine = (line: string) => /^Models?:\s/.test(line);
	const start = lines.findIndex((line) => isModelLine(line) && line.split(/[\s,]+/).includes(id));
	if (start === -1) return undefined;
	for (let i = start; i < lines.length; i++) {
		if (i > start && isModelLine(lines[i])) break;
		const at = lines[i].indexOf('Pricing:');
		if (at !== -1) return lines[i].slice(at + 'Pricing:'.length).trim();
	}
	return undefined;
}

/** A price as the documentation writes it: at least two decimals (0.3 → "0.30", 0.0533 stays). */
export function formatUsd(usd: number): string {
	const text = String(usd);
	const decimals = text.includes('.') ? text.split('.')[1].length : 0;
	return usd.toFixed(Math.max(2, decimals));
}

/** Whether the documentation's pricing text states this figure (its `$` signs are lost: digits only). */
export function states(pricing: string, usd: number): boolean {
	const figure = formatUsd(usd).replace('.', '\\.');
	return new RegExp(`(^|[^\\d.])${figure}(?!\\d)`).test(pricing);
}

// ---- one model --------------------------------------------------------------------------------

function inputOf(model: ModelSpec, key: string): InputSpec | undefined {
	return model.inputs.find((input) => input.key === key);
}

/** How a table row's value reads: the form's words for a choice, "10 s" for a duration, "+ sound". */
function valueWords(model: ModelSpec, key: string, value: string): string {
	const spec = inputOf(model, key);
	if (spec?.type === 'boolean') return value === 'true' ? `with ${displayNameOf(spec).toLowerCase()}` : `no ${displayNameOf(spec).toLowerCase()}`;
	if (key === 'duration') return `${value} s`;
	return spec?.optionLabels?.[value] ?? value;
}

/** The simulator's price rule of a model (the node has no prices). */
export function simulatorPrice(id: string): PriceRule | undefined {
	return SIM_MODELS.find((model) => model.id === id)?.price;
}

/** The price as the API documentation states it (the simulator's rule), in the form's terms. */
export function priceText(model: ModelSpec, apiDoc: string, rule: PriceRule | undefined = simulatorPrice(model.id)): string {
	const pricing = documentedPricing(apiDoc, model.id);
	if (pricing === undefined || rule === undefined) return 'not listed';
	const unstated = (usd: number) => new Error(`${model.id}: the simulator's price ${usd} is not in the API doc's pricing line "${pricing}"`);
	switch (rule.kind) {
		case 'flat':
			if (!states(pricing, rule.usd)) throw unstated(rule.usd);
			return `$${formatUsd(rule.usd)}`;
		case 'perSecond':
			if (!states(pricing, rule.usd)) throw unstated(rule.usd);
			return `$${formatUsd(rule.usd)}/s`;
		case 'table': {
			const unit = rule.perSecond ? '/s' : '';
			const rows = Object.entries(rule.table);
			const stated = rows.filter(([, usd]) => states(pricing, usd));
			if (stated.length === 0) throw unstated(rows[0][1]);
			const partial = stated.length < rows.length ? '; other choices not listed' : '';
			if (stated.length > 4) {
				const values = stated.map(([, usd]) => usd);
				const [low, high] = [Math.min(...values), Math.max(...values)];
				const by = rule.by.map((key) => key.replace(/_/g, ' ')).join(' and ');
				return `$${formatUsd(low)}–$${formatUsd(high)}${unit} by ${by}${partial}`;
			}
			const row = ([joined, usd]: [string, number]) => {
				const words = joined.split('|').map((value, i) => valueWords(model, rule.by[i], value));
				return `${words.join(', ')}: $${formatUsd(usd)}${unit}`;
			};
			return stated.map(row).join(' · ') + partial;
		}
	}
}

/** The inputs a user must give: required inputs without a value of their own, and "one of" groups. */
export function mustGive(model: ModelSpec): string {
	const names: string[] = [];
	for (const input of model.inputs) {
		if (!input.required) continue;
		// A switch (Suno's mode) and an input the form pre-fills always have a value.
		if (input.type === 'boolean' || input.formDefault !== undefined || input.default !== undefined) continue;
		const when = input.shownWhen && inputOf(model, input.shownWhen.key);
		const state = input.shownWhen?.in.map((value) => (value === true ? 'on' : value === false ? 'off' : String(value))).join(' or ');
		names.push(when ? `${displayNameOf(input)} (when ${displayNameOf(when)} is ${state})` : displayNameOf(input));
	}
	for (const rule of model.rules ?? []) {
		if (rule.kind !== 'atLeastOneOf') continue;
		const group = rule.keys.map((key) => (inputOf(model, key) ? displayNameOf(inputOf(model, key)!) : key));
		names.push(group.join(' or '));
	}
	return names.length ? names.join(', ') : '—';
}

function cell(text: string): string {
	return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function providerOf(model: ModelSpec): string {
	return model.label.split(':')[0].trim();
}

function nameOf(model: ModelSpec): string {
	return model.label.split(':').slice(1).join(':').trim();
}

// ---- the two blocks ---------------------------------------------------------------------------

/** What docs/models.md says of a model the API doc does not document (docs/api-doc-differences.md has the sources). */
const SOURCE_WORDS: Record<NonNullable<ModelSpec['inputsFrom']> | 'none', string> = {
	none: 'inputs not documented: use Extra Input',
	publicPages: 'inputs not documented: use Extra Input',
	clientCode: "inputs not in Unifically's docs: typed from a public program that calls the API; Extra Input for the rest",
	guessed: 'inputs not documented: its main input is a guess (the form says so); Extra Input for the rest',
};

/** docs/models.md's table block: one section per resource. */
export function modelsTable(apiDoc: string, models: readonly ModelSpec[] = MODELS): string {
	const out: string[] = [];
	for (const { resource, title } of RESOURCES) {
		const list = models.filter((model) => model.resource === resource);
		out.push(`## ${title} (${list.length} models)`, '');
		out.push('| provider | model | model id | what it makes | you must give | price (API doc) |');
		out.push('| --- | --- | --- | --- | --- | --- |');
		for (const model of list) {
			const makes = model.documented ? model.description : `${model.description.replace(/ \([^()]*not (documented|published)[^()]*\)$/, '')} — ${SOURCE_WORDS[model.inputsFrom ?? 'none']}`;
			out.push(
				`| ${cell(providerOf(model))} | ${cell(nameOf(model))} | \`${model.id}\` | ${cell(makes)} | ${cell(mustGive(model))} | ${cell(priceText(model, apiDoc))} |`,
			);
		}
		out.push('');
	}
	return out.join('\n');
}

/** README's summary block: per resource, how many models, and how many of each provider. */
export function modelsSummary(models: readonly ModelSpec[] = MODELS): string {
	const out: string[] = ['| resource | models | by provider |', '| --- | --- | --- |'];
	for (const { resource, title } of RESOURCES) {
		const list = models.filter((model) => model.resource === resource);
		const providers = new Map<string, string[]>();
		for (const model of list) {
			const provider = providerOf(model);
			providers.set(provider, [...(providers.get(provider) ?? []), nameOf(model)]);
		}
		const parts = [...providers].map(([provider, names]) => `${provider} ${names.length}`);
		out.push(`| ${title} | ${list.length} | ${parts.join(', ')} |`);
	}
	return out.join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceBlock(document: string, name: string, content: string): string {
	const start = `<!-- ${name}:start -->`;
	const end = `<!-- ${name}:end -->`;
	const from = document.indexOf(start);
	const to = document.indexOf(end);
	if (from === -1 || to === -1 || to < from) throw new Error(`no ${start} … ${end} block`);
	return `${document.slice(0, from + start.length)}\n${content.trim()}\n${document.slice(to)}`;
}

/** Both files as they must be: [path, expected text][]. */
export function expectedFiles(): Array<[string, string]> {
	const apiDoc = fs.readFileSync(API_DOC, 'utf8');
	return [
		[MODELS_DOC, replaceBlock(fs.readFileSync(MODELS_DOC, 'utf8'), 'models-table', modelsTable(apiDoc))],
		[README, replaceBlock(fs.readFileSync(README, 'utf8'), 'models-summary', modelsSummary())],
	];
}
