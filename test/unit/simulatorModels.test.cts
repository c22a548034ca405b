/**
 * Two readings of the API doc, compared on every model: the node's catalog
 * (nodes/Unifically/catalog: its form and its checks before a request) and the simulator's own table
 * (simulator/models/*.cts: what the simulated API accepts). Ids, resources, where the inputs come
 * from, every input's type, requiredness, choices, range, length and list limits, URL-ness and
 * documented default, and the rules over several inputs. A disagreement fails unless it is one of
 * the deliberate deviations listed below, each with its reason; anything else is a finding to resolve
 * against the API doc (docs/unifically-tasks-api.txt).
 *
 * Also here: the simulator imports nothing from nodes/ (else a node bug would be accepted by the
 * simulator too).
 */
import * as fs from 'fs';
import * as path from 'path';

import { MODELS, type InputSpec, type ModelSpec } from '../../nodes/Unifically/catalog/index';
import { SIM_MODELS, type SimInput, type SimModel } from '../../simulator/models.cjs';

const root = path.join(__dirname, '..', '..');

// ---- the two readings in common terms ------------------------------------------------------

type Facts = Record<string, unknown>;

const TYPES: Record<InputSpec['type'], SimInput['type']> = {
	string: 'string',
	integer: 'integer',
	number: 'number',
	boolean: 'boolean',
	stringList: 'string[]',
	json: 'object[]',
};

function defined(facts: Facts): Facts {
	return Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined && value !== false));
}

/** What both readings say of one input, in the same words (the catalog's type in the simulator's terms). */
function inputFacts(spec: InputSpec | SimInput, type: SimInput['type']): Facts {
	return defined({
		type,
		required: spec.required,
		options: spec.options,
		default: spec.default,
		min: spec.min,
		max: spec.max,
		maxLength: spec.maxLength,
		maxItems: spec.maxItems,
		url: spec.url,
	});
}

const catalogInput = (spec: InputSpec): Facts => inputFacts(spec, TYPES[spec.type]);
const simInput = (spec: SimInput): Facts => inputFacts(spec, spec.type);

function catalogRules(model: ModelSpec): string[] {
	return (model.rules ?? [])
		.map((rule) =>
			rule.kind === 'atLeastOneOf'
				? `one of ${rule.keys.join(', ')}`
				: `${rule.then.key} only ${JSON.stringify(rule.then.in)} when ${rule.when.key} in ${JSON.stringify(rule.when.in)}`,
		)
		.sort();
}

function simRules(model: SimModel): string[] {
	return (model.rules ?? [])
		.map((rule) =>
			rule.kind === 'oneOf'
				? `one of ${rule.keys.join(', ')}`
				: `${rule.then.key} only ${JSON.stringify(rule.then.in)} when ${rule.when.key} in ${JSON.stringify(rule.when.in)}`,
		)
		.sort();
}

const catalogSource = (model: ModelSpec) => (model.documented ? 'apiDoc' : (model.inputsFrom ?? 'none'));

/** Every disagreement between the two readings, one line each ("model: what: node … / simulator …"). */
function disagreements(): string[] {
	const lines: string[] = [];
	const simById = new Map(SIM_MODELS.map((model) => [model.id, model]));
	const catalogById = new Map(MODELS.map((model) => [model.id, model]));
	for (const id of catalogById.keys()) if (!simById.has(id)) lines.push(`${id}: only in the node's catalog`);
	for (const id of simById.keys()) if (!catalogById.has(id)) lines.push(`${id}: only in the simulator`);
	for (const node of MODELS) {
		const sim = simById.get(node.id);
		if (!sim) continue;
		const differ = (what: string, a: unknown, b: unknown) => {
			if (JSON.stringify(a) !== JSON.stringify(b)) lines.push(`${node.id}: ${what}: node ${JSON.stringify(a)} / simulator ${JSON.stringify(b)}`);
		};
		differ('resource', node.resource, sim.resource);
		differ('source', catalogSource(node), sim.source);
		const keys = new Set([...node.inputs.map((spec) => spec.key), ...Object.keys(sim.inputs)]);
		for (const key of keys) {
			const spec = node.inputs.find((input) => input.key === key);
			const simSpec = sim.inputs[key];
			if (!spec) lines.push(`${node.id}: ${key}: only in the simulator`);
			else if (!simSpec) lines.push(`${node.id}: ${key}: only in the node's catalog`);
			else {
				const a = catalogInput(spec);
				const b = simInput(simSpec);
				for (const fact of new Set([...Object.keys(a), ...Object.keys(b)])) differ(`${key}.${fact}`, a[fact], b[fact]);
			}
		}
		differ('rules', catalogRules(node), simRules(sim));
	}
	return lines;
}

// ---- deliberate deviations -----------------------------------------------------------------

/**
 * Where the node deliberately reads the API doc differently from the simulator, and why
 * (docs/api-doc-differences.md "Where the node's form reads the API doc more strictly than the
 * simulator"). Each line must still be a disagreement (a deviation that is gone must leave this list).
 */
const SECONDS_NOT_NEGATIVE =
	'A time in seconds: the API doc gives its type ("number"/"integer") and no range; the node\'s form refuses a negative time (a 0 s video), which no request means. The simulator, as the API doc, states no range.';

const DEVIATIONS: Array<[string, string]> = [
	['kuaishou/kling-2.5-turbo-pro: duration.min: node 1 / simulator undefined', SECONDS_NOT_NEGATIVE],
	...['suno-ai/add-vocals', 'suno-ai/add-instrumental', 'suno-ai/extend', 'suno-ai/cover'].flatMap((id) =>
		['continue_at', 'start_s', 'end_s'].map((key): [string, string] => [`${id}: ${key}.min: node 0 / simulator undefined`, SECONDS_NOT_NEGATIVE]),
	),
	[
		'suno-ai/music: gpt_description_prompt.required: node true / simulator undefined',
		'The API doc marks it "No"; the node requires the Song Description in simple mode (shownWhen custom = false) because simple mode has nothing else to write a song from (docs/api-doc-differences.md "Suno Music: required while its mode is on" and "Where the node\'s form reads the API doc more strictly"). The simulator, as the API, accepts it.',
	],
	[
		"elevenlabs/text-to-speech: voice: only in the node's catalog",
		'A guessed key (the dialogue turns take voice; no page documents this model): the node offers it optional, with Extra Input beside it, and says it is a guess. The simulator accepts any input for this undocumented model, as it does for every key it does not list.',
	],
	[
		'elevenlabs/text-to-dialogue: language_code.default: node undefined / simulator "auto"',
		'The public page gives default "auto". The node\'s form leaves the field empty (nothing is sent, which the API takes as auto) and says "default auto: detected" in its description: a form default would be sent with every saved workflow, and changing it later would change them.',
	],
];

// ---- tests ---------------------------------------------------------------------------------

describe('the node catalog and the simulator: two readings of the API doc', () => {
	it('both have the same models, in the same order', () => {
		expect(SIM_MODELS.map((model) => model.id)).toEqual(MODELS.map((model) => model.id));
	});

	it('agree on every model, except the deliberate deviations listed with their reasons', () => {
		expect(disagreements().sort()).toEqual(DEVIATIONS.map(([line]) => line).sort());
	});

	it('every deviation gives a reason', () => {
		for (const [line, reason] of DEVIATIONS) expect([line, reason.length > 40]).toEqual([line, true]);
	});
});

describe('the simulator is independent of the node', () => {
	function filesUnder(dir: string): string[] {
		return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
			const full = path.join(dir, entry.name);
			return entry.isDirectory() ? filesUnder(full) : [full];
		});
	}
	const files = filesUnder(path.join(root, 'simulator')).filter((file) => /\.c?ts$/.test(file));

	const importsOf = (text: string) => [...text.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)].map((match) => match[1]);
	const fromNode = (specifier: string) => /(^|\/)(nodes|credentials)(\/|$)/.test(specifier);

	it('finds the simulator sources and their imports (the check below can fail)', () => {
		expect(files.map((file) => path.basename(file))).toEqual(expect.arrayContaining(['server.cts', 'models.cts', 'validate.cts']));
		expect(importsOf(fs.readFileSync(path.join(root, 'simulator', 'server.cts'), 'utf8'))).toContain('./models.cjs');
		const before = "import { MODELS } from '../nodes/Unifically/catalog/index';\nimport type { X } from \"../../credentials/Api.credentials\";";
		expect(importsOf(before).filter(fromNode)).toEqual(['../nodes/Unifically/catalog/index', '../../credentials/Api.credentials']);
	});

	it.each(files.map((file) => [path.relative(root, file)]))('%s imports nothing from nodes/ or credentials/', (file) => {
		expect(importsOf(fs.readFileSync(path.join(root, file), 'utf8')).filter(fromNode)).toEqual([]);
	});
});
