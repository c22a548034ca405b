import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { binaryFieldName, fieldName, isMediaInput, parameterName } from './index';
import type { InputSpec, ModelSpec, Picker, Resource } from './types';

const ACRONYMS: Record<string, string> = { url: 'URL', urls: 'URLs', id: 'ID', cfg: 'CFG', mv: 'MV', gpt: 'GPT', s: 'S' };

/** `start_image_url` → "Start Image URL". */
export function displayNameOf(spec: Pick<InputSpec, 'key' | 'displayName'>): string {
	if (spec.displayName) return spec.displayName;
	return spec.key
		.split('_')
		.map((word) => ACRONYMS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

function describeLimits(spec: InputSpec): string {
	const limits: string[] = [];
	if (spec.maxLength !== undefined) limits.push(`max ${spec.maxLength} characters`);
	if (spec.maxItems !== undefined) limits.push(`max ${spec.maxItems} entries`);
	if (spec.type === 'stringList') limits.push('one per line or comma-separated, or an expression returning an array');
	if (spec.type === 'json') limits.push('JSON');
	return limits.length && !spec.description.includes(limits[0]) ? ` (${limits.join('; ')})` : '';
}

function hintOf(spec: InputSpec): string | undefined {
	return spec.guessed ? GUESSED_HINT : spec.hint;
}

function placeholderOf(spec: InputSpec): string | undefined {
	if (spec.placeholder) return spec.placeholder;
	if (!spec.url) return undefined;
	const example = spec.key.includes('video') ? 'clip.mp4' : spec.key.includes('audio') ? 'voice.mp3' : 'photo.png';
	return spec.type === 'stringList'
		? `https://example.com/${example}, https://example.com/other-${example}`
		: `https://example.com/${example}`;
}

/** Each picker's list: the node's `methods.listSearch` method and what the list holds. */
export const PICKERS: Record<Picker, { method: string; noun: string }> = {
	elevenlabsVoice: { method: 'searchElevenlabsVoices', noun: 'voice' },
	higgsfieldVoice: { method: 'searchHiggsfieldVoices', noun: 'voice' },
	higgsfieldMotion: { method: 'searchHiggsfieldMotions', noun: 'motion' },
};

/** The model dropdown's entry for a model the API lists and the catalog does not: `otherModel` names it. */
export const OTHER_MODEL = '__other__';

/**
 * A value picked from a list the API serves, n8n's resource locator: From List (searchable) or By ID.
 * Only the ID is sent (helpers/input.ts `plainValue`); a plain string of a workflow saved before is read alike.
 */
export function resourceLocatorProperty(
	base: Pick<INodeProperties, 'displayName' | 'name' | 'description' | 'required' | 'hint'>,
	method: string,
	noun: string,
	idPlaceholder?: string,
): INodeProperties {
	return {
		...base,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: `Select a ${noun}...`,
				typeOptions: { searchListMethod: method, searchable: true },
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: idPlaceholder ?? `The ${noun}'s ID` },
		],
	};
}

/**
 * The name a documented choice shows: its label, else the value with a resolution's K in capitals
 * ("4k" → "4K", as the form writes 1080p and 4K elsewhere); the API's value stays the option's value.
 */
export function optionName(spec: Pick<InputSpec, 'optionLabels'>, value: string | number | boolean): string {
	const label = spec.optionLabels?.[String(value)];
	if (label) return label;
	return typeof value === 'string' && /^\d+k$/.test(value) ? value.toUpperCase() : String(value);
}

/** The hint of an input whose API key is a guess. */
export const GUESSED_HINT =
	"Unifically does not document this model's inputs, so this input's name is a guess. If the model refuses it, leave it empty and give the right name in Additional Fields → Extra Input (JSON)";

/**
 * One catalog input → one n8n field. Required inputs carry n8n's `required` marker (⚠ on an empty
 * one and on the node before running); the displayOptions built in `resourceModelProperties` hide them when the model
 * is an expression, so a model given by expression never trips n8n's check on another model's field.
 */
export function inputToProperty(spec: InputSpec, asRequired: boolean, withModelDefault = false): INodeProperties {
	const description = (spec.description + describeLimits(spec)).replace(/\.$/, '');
	const placeholder = placeholderOf(spec);
	if (withModelDefault) return modelDefaultChoice(spec, description);
	const hint = hintOf(spec);
	const base = {
		displayName: displayNameOf(spec),
		name: fieldName(spec),
		description,
		...(asRequired ? { required: true } : {}),
		...(placeholder ? { placeholder } : {}),
		...(hint ? { hint } : {}),
	};
	if (spec.picker) {
		const { method, noun } = PICKERS[spec.picker];
		return resourceLocatorProperty(base, method, noun, placeholder);
	}
	if (spec.options) {
		// A choice shown in words says the API's value in its description (Suno "v5" → chirp-crow).
		const options: INodePropertyOptions[] = spec.options.map((option) => {
			const label = optionName(spec, option);
			return label !== String(option) ? { name: label, value: option, description: `Sent as ${option}` } : { name: label, value: option };
		});
		return { ...base, type: 'options', options, default: spec.formDefault ?? spec.default ?? spec.options[0] };
	}
	switch (spec.type) {
		case 'boolean':
			return { ...base, type: 'boolean', default: spec.formDefault ?? spec.default ?? false };
		case 'integer':
		case 'number':
			// A seed left empty is random: a text field, empty until the user types one (a number field shows 0).
			if (spec.key === 'seed') {
				return { ...base, type: 'string', default: '', placeholder: 'Empty: random' };
			}
			return {
				...base,
				type: 'number',
				default: spec.formDefault ?? spec.default ?? spec.min ?? 0,
				typeOptions: {
					...(spec.min !== undefined ? { minValue: spec.min } : {}),
					...(spec.max !== undefined ? { maxValue: spec.max } : {}),
					numberPrecision: spec.type === 'integer' ? 0 : 2,
				},
			};
		case 'json':
			// A required one starts empty, so n8n marks it (⚠) until it is filled.
			return { ...base, type: 'json', default: asRequired ? '' : '[]' };
		default:
			return {
				...base,
				type: 'string',
				default: spec.formDefault ?? spec.default ?? '',
				...(spec.key.includes('prompt') || spec.type === 'stringList' ? { typeOptions: { rows: 3 } } : {}),
			};
	}
}

/** A media input's binary field(s) as the form names them: `start_image_url` → "Start Image Binary Field". */
export function binaryDisplayNameOf(spec: Pick<InputSpec, 'key' | 'displayName' | 'type'>): string {
	return `${displayNameOf(spec).replace(/ URLs?$/, '')} Binary ${spec.type === 'stringList' ? 'Fields' : 'Field'}`;
}

/**
 * A media input given as binary data of the item (n8n's "Input Data Field Name"): the field's name, or
 * for a list several names. The model's first required media input starts at `data`, where n8n's
 * nodes put a file (Read/Write Files, HTTP Request, a trigger's upload, this node's own output).
 */
export function binaryInputProperty(spec: InputSpec, asRequired: boolean, firstRequired: boolean): INodeProperties {
	const list = spec.type === 'stringList';
	const limit = spec.maxItems !== undefined ? ` (max ${spec.maxItems})` : '';
	const defaultField = firstRequired ? 'data' : '';
	return {
		displayName: binaryDisplayNameOf(spec),
		name: binaryFieldName(spec),
		type: 'string',
		default: defaultField,
		...(asRequired ? { required: true } : {}),
		placeholder: list ? 'data, data_1' : 'data',
		...(list ? {} : { typeOptions: { binaryDataProperty: true } }),
		hint:
			(list
				? `Names of the item's binary fields${limit}, comma-separated: each file is uploaded to Unifically and its URL sent as ${spec.key}`
				: `The item's binary field holding the file: it is uploaded to Unifically and its URL sent as ${spec.key}`) +
			(spec.guessed ? ` (${spec.key} is a guessed name: if the model refuses it, give the file's URL under the right name in Additional Fields → Extra Input (JSON))` : ''),
		description: (spec.description + describeLimits(spec)).replace(/\.$/, ''),
	};
}

/** "Input Type": whether the model's media inputs are URLs (as typed) or binary files of the item. */
export const inputTypeProperty: INodeProperties = {
	displayName: 'Input Type',
	name: 'inputType',
	type: 'options',
	options: [
		{ name: 'URL', value: 'url', description: 'Give each image, video or audio input as a public URL' },
		{
			name: 'Binary File',
			value: 'binary',
			description: "Give them as binary fields of the input item: each file is uploaded to Unifically's storage first",
		},
	],
	default: 'url',
	description: 'How the model\'s files (images, videos, audio) are given',
};

/** The unit a listed value is shown with ("5 s"). */
const withUnit = (spec: InputSpec, value: string | number | boolean) =>
	spec.key === 'duration' ? `${value} s` : optionName(spec, value);

/**
 * A top-level optional input (the main video inputs): its choices after a first one, the model's own
 * default, sent as nothing — so nothing is sent the user did not choose, and a model's documented
 * default reads in its label ("Default (720p)").
 */
function modelDefaultChoice(spec: InputSpec, description: string): INodeProperties {
	const values = acceptedValues(spec) ?? [];
	const documented = spec.default !== undefined ? ` (${withUnit(spec, spec.default)})` : '';
	const options: INodePropertyOptions[] = [
		{ name: `Default${documented}`, value: '', description: documented ? "The model's documented default" : 'The model decides' },
		...values.map((value) => {
			const label = withUnit(spec, value);
			return label !== String(value) ? { name: label, value, description: `Sent as ${value}` } : { name: label, value };
		}),
	];
	return { displayName: displayNameOf(spec).replace(/ \(Seconds, \d+–\d+\)$/, ' (Seconds)'), name: fieldName(spec), type: 'options', options, default: '', description };
}

/** `extraInput`: a JSON object merged into `input` last, for inputs the node does not list yet. */
export const extraInputProperty: INodeProperties = {
	displayName: 'Extra Input (JSON)',
	name: 'extraInput',
	type: 'json',
	default: '{}',
	description:
		"A JSON object merged into the request's input last, for inputs this node does not list yet (they override fields above). With a model given by an expression, give that model's other inputs here.",
};

/**
 * SPEC: required inputs top-level, and `prompt` top-level for every model that has it (required or
 * not), so it keeps its value when the model changes; the other optional inputs in
 * `additionalFields`; for a video model, its main inputs too (isMainVideoInput: the only use of
 * `model`, its resource). A model the API doc gives no inputs for shows its optional prompt top-level.
 */
export function isTopLevel(model: Pick<ModelSpec, 'resource'>, spec: InputSpec): boolean {
	return (
		!!spec.required || !!spec.guessed || spec.key === 'prompt' || fieldName(spec) === 'prompt' || isMainVideoInput(model, spec) || !!spec.picker
	);
}

/**
 * An input given as entries (ElevenLabs' dialogue turns): a list of its entry inputs, each a field
 * (a voice is a picker). Shown right before the input's own JSON field, with the same display rules.
 */
export function entriesProperty(spec: InputSpec): INodeProperties | undefined {
	if (!spec.entries) return undefined;
	const { name, displayName, entry, entryDisplayName, inputs } = spec.entries;
	return {
		displayName,
		name,
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: `Add ${entryDisplayName}`,
		default: {},
		description: `Sent as ${spec.key}, in this order. ${displayNameOf(spec)} below is used only when no ${entryDisplayName.toLowerCase()} is added here.`,
		options: [{ displayName: entryDisplayName, name: entry, values: inputs.map((input) => inputToProperty(input, !!input.required)) }],
	};
}

/**
 * Where a top-level field stands in every model's form (n8n's UX guidelines: the main input first):
 * 0 the main text (the Prompt field, whatever a model calls it, and a dialogue's turns), 1 the files
 * the model reads (with Input Type just before them), 2 the settings. Within a rank, fields keep the
 * catalog's order.
 */
export type FieldRank = 0 | 1 | 2;
export function fieldRank(spec: InputSpec): FieldRank {
	if (fieldName(spec) === 'prompt' || (spec.type === 'json' && spec.required)) return 0;
	return isMediaInput(spec) ? 1 : 2;
}

/**
 * The video inputs nearly everyone sets, top-level like n8n's OpenAI node's seconds and size (issue
 * #18): aspect ratio, duration and resolution, where their values can be listed. Optional, so their
 * first choice is the model's own default, sent as nothing; the label says what that default is.
 */
export const MAIN_VIDEO_KEYS = ['aspect_ratio', 'duration', 'resolution'];

export function isMainVideoInput(model: Pick<ModelSpec, 'resource'>, spec: InputSpec): boolean {
	return model.resource === 'video' && MAIN_VIDEO_KEYS.includes(spec.key) && !spec.required && acceptedValues(spec) !== undefined;
}

/**
 * A value n8n's `hide` rules match for a model given by an expression ("={{ … }}"). `regex`, not
 * `startsWith`: n8n 1.x's `startsWith` condition throws on a parameter that has no value (the
 * model of a Task → Get/Wait node), which fails the execution; `regex` checks for a string first,
 * in 1.x and 2.x alike.
 */
const EXPRESSION = { _cnd: { regex: '^=' } };

type HideCondition = string | number | boolean | { _cnd: Record<string, unknown> };

/** The values an input accepts, when they can be listed (choices, or a small whole-number range). */
function acceptedValues(spec: InputSpec): Array<string | number | boolean> | undefined {
	if (spec.options) return spec.options;
	if (spec.type === 'integer' && spec.min !== undefined && spec.max !== undefined && spec.max - spec.min <= 100) {
		return Array.from({ length: spec.max - spec.min + 1 }, (_, offset) => spec.min! + offset);
	}
	return undefined;
}

const isNumeric = (spec: InputSpec) => spec.type === 'integer' || spec.type === 'number';

/**
 * Conditions on a field's own value under which it holds a value that another model's field of the
 * same name offers and this model cannot take. n8n keeps a value across a model switch whenever a
 * field of that name stays displayed, and drops the values of fields it hides: so such a field
 * hides itself, and the stale value (Kling's Duration 3 → Hailuo's 6 or 10) is dropped instead of
 * shown as an error. Values no model offers are left alone: validation names them before a request.
 */
function staleValueConditions(spec: InputSpec, sameNamed: InputSpec[]): HideCondition[] {
	const conditions: HideCondition[] = [];
	const accepted = acceptedValues(spec);
	const add = (condition: HideCondition) => {
		if (!conditions.some((known) => JSON.stringify(known) === JSON.stringify(condition))) conditions.push(condition);
	};
	for (const other of sameNamed) {
		const theirs = acceptedValues(other);
		if (accepted && theirs) {
			for (const value of theirs) if (!accepted.includes(value)) add(value);
		} else if (isNumeric(spec) && isNumeric(other) && (spec.min !== undefined || spec.max !== undefined)) {
			// A range next to a wider one: hide on the part only the other accepts. (Next to an unbounded
			// field, e.g. Veo's seed, a value beyond this range is left for validation to name.)
			const epsilon = 1e-9;
			if (spec.max !== undefined && other.max !== undefined && other.max > spec.max) {
				add({ _cnd: { between: { from: spec.max + epsilon, to: other.max } } });
			}
			if (spec.min !== undefined && other.min !== undefined && other.min < spec.min) {
				add({ _cnd: { between: { from: other.min, to: spec.min - epsilon } } });
			}
		}
	}
	return conditions;
}

/** Hide rules for a condition on another input of the model (`shownWhen`). */
function shownWhenConditions(spec: InputSpec, model: ModelSpec): HideCondition[] {
	if (!spec.shownWhen) return [];
	const target = model.inputs.find((input) => input.key === spec.shownWhen!.key);
	const all: Array<string | number | boolean> = target?.type === 'boolean' ? [true, false] : (target?.options ?? []);
	return all.filter((value) => !spec.shownWhen!.in.includes(value));
}

interface FieldGroup {
	property: INodeProperties;
	spec: InputSpec;
	modelIds: string[];
	/** Hide rules on other inputs (Suno's custom mode), keyed by parameter name. */
	dependsOn?: { name: string; conditions: HideCondition[] };
}

/** Fields identical across models become one property shown for all of them (a small description). */
function groupFields(
	models: readonly ModelSpec[],
	pick: (model: ModelSpec, spec: InputSpec) => boolean,
	required: (model: ModelSpec, spec: InputSpec) => boolean,
	toProperty: (model: ModelSpec, spec: InputSpec, asRequired: boolean) => INodeProperties = (model, spec, asRequired) =>
		inputToProperty(spec, asRequired, isMainVideoInput(model, spec)),
): FieldGroup[] {
	const groups = new Map<string, FieldGroup>();
	for (const model of models) {
		for (const spec of model.inputs.filter((input) => pick(model, input))) {
			const property = toProperty(model, spec, required(model, spec));
			const conditions = shownWhenConditions(spec, model);
			const dependsOn = conditions.length
				? { name: parameterName(spec.shownWhen!.key), conditions }
				: undefined;
			const signature = JSON.stringify([property, dependsOn]);
			const group = groups.get(signature);
			if (group) group.modelIds.push(model.id);
			else groups.set(signature, { property, spec, modelIds: [model.id], dependsOn });
		}
	}
	return [...groups.values()];
}

/**
 * The model picker and every model's fields for one resource. Display rules are `hide` rules only:
 * n8n shows a field as soon as a `show` rule meets an expression, but evaluates `hide` rules, so
 * - a field is hidden for the models of its resource that do not have it, and for a model given by
 *   an expression (the node then offers the generic Prompt and Extra Input, and n8n's required check
 *   never trips on another model's field);
 * - the editor's "remove values that are no longer valid options" step (run on the parameters that
 *   differ from their defaults) sees the rules even when Resource or Operation are at their defaults.
 */
export function resourceModelProperties(
	resource: Resource,
	models: readonly ModelSpec[],
	allResources: readonly string[],
): INodeProperties[] {
	const ofResource = models.filter((model) => model.resource === resource);
	const ids = ofResource.map((model) => model.id);
	const otherResources = allResources.filter((other) => other !== resource);
	const withMedia = ofResource.filter((model) => model.inputs.some(isMediaInput)).map((model) => model.id);
	// Each media input shows as a URL field or as binary field names, as Input Type says.
	const byInputType = (spec: InputSpec, binary: boolean) => (isMediaInput(spec) ? [binary ? 'url' : 'binary'] : undefined);
	// The model's first required (or guessed: the one file it reads) media input starts at "data".
	const mainMedia = (input: InputSpec) => (!!input.required || !!input.guessed) && isMediaInput(input);
	const binaryOf = (model: ModelSpec, spec: InputSpec, asRequired: boolean) =>
		binaryInputProperty(spec, asRequired, mainMedia(spec) && model.inputs.find(mainMedia) === spec);
	// A model's fields hide for "Other Model From the API" too: that entry has its own generic fields.
	const notFor = (modelIds: string[]) => [...ids.filter((id) => !modelIds.includes(id)), OTHER_MODEL];
	const firstModelId = ids[0] ?? '';

	const picker: INodeProperties = {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		required: true,
		default: firstModelId,
		description: 'The model to run (type a name or an API ID to search). An expression may give any model ID of the API.',
		displayOptions: { hide: { resource: otherResources } },
		// n8n's dropdown searches option names only: the API id is part of the name.
		options: [
			...ofResource.map((model) => ({
				name: `${model.label} (${model.id})`,
				value: model.id,
				description: model.description,
			})),
			{
				name: 'Other Model From the API',
				value: OTHER_MODEL,
				description: `A ${resource} model Unifically lists that this node has no form for: pick it from the list or give its ID`,
			},
		],
	};

	// Shown for "Other Model From the API" only (a `not` rule: hidden for every other value, an expression too).
	const forOtherModel = { hide: { resource: otherResources, model: [{ _cnd: { not: OTHER_MODEL } }] } };
	const otherModel: INodeProperties = {
		...resourceLocatorProperty(
			{
				displayName: 'Model from the API',
				name: 'otherModel',
				required: true,
				description: `The model, from the ${resource} models GET /v1/models lists beyond those above, or its ID. Its inputs: Prompt, Media Inputs and Extra Input (JSON) in Additional Fields.`,
			},
			'searchApiModels',
			'model',
			'e.g. bytedance/seedance-2.0-fast',
		),
		displayOptions: forOtherModel,
	};
	const otherMedia: INodeProperties = {
		displayName: 'Media Inputs',
		name: 'otherMediaInputs',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Media Input',
		default: {},
		description: "The model's files: each sent under the input name you give (see the model's page), as a URL or, with Input Type Binary File, a file of the item uploaded first",
		displayOptions: forOtherModel,
		options: [
			{
				displayName: 'Media Input',
				name: 'input',
				values: [
					{ displayName: 'Input Name', name: 'key', type: 'string', default: '', required: true, placeholder: 'e.g. image_url', description: "The input's name in the API, e.g. image_url, start_image_url, image_urls, video_url" },
					{
						displayName: 'URLs',
						name: 'url',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/photo.png',
						description: 'The URL; several comma-separated (or an expression returning an array) when sent as a list',
						displayOptions: { hide: { '/inputType': ['binary'] } },
					},
					{
						displayName: 'Binary Fields',
						name: 'binaryField',
						type: 'string',
						default: 'data',
						placeholder: 'data, data_1',
						description: "The item's binary field(s) holding the file(s), comma-separated: each is uploaded to Unifically and its URL sent",
						displayOptions: { hide: { '/inputType': ['url'] } },
					},
					{ displayName: 'Send as a List', name: 'asList', type: 'boolean', default: false, description: 'Whether the API takes a list of URLs under this key (keys ending in _urls do)' },
				],
			},
		],
	};

	const inputType: INodeProperties = {
		...inputTypeProperty,
		displayOptions: { hide: { resource: otherResources, model: [...ids.filter((id) => !withMedia.includes(id)), EXPRESSION] } },
	};

	const topLevelGroups = (binary: boolean) =>
		groupFields(
			ofResource,
			(model, spec) => isTopLevel(model, spec) && (!binary || isMediaInput(spec)),
			// An input given as entries or JSON is required as a whole: neither field alone is.
			(_model, spec) => !!spec.required && !spec.entries,
			binary ? binaryOf : undefined,
		).map((group) => {
			const inputTypes = byInputType(group.spec, binary);
			const property: INodeProperties = {
				...group.property,
				displayOptions: {
					hide: {
						resource: otherResources,
						model: [...notFor(group.modelIds), EXPRESSION],
						...(group.dependsOn ? { [group.dependsOn.name]: group.dependsOn.conditions } : {}),
						...(inputTypes ? { inputType: inputTypes } : {}),
					},
				},
			};
			return { spec: group.spec, property };
		});
	// Each binary field right after its URL field (once: several URL fields may share a name), so the
	// form keeps its order whichever Input Type is on.
	const binaryProperties = topLevelGroups(true).map((entry) => entry.property);
	const placed = new Set<INodeProperties>();
	const ranked = topLevelGroups(false).map((entry, index) => ({ ...entry, index, rank: fieldRank(entry.spec) }));
	ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);
	const withBinary = (entries: typeof ranked) =>
		entries.flatMap(({ spec, property }) => {
			// An input given as entries (dialogue turns): the entries first, then its JSON field.
			const added = entriesProperty(spec);
			if (added) return [{ ...added, displayOptions: property.displayOptions }, property];
			if (!isMediaInput(spec)) return [property];
			const mine = binaryProperties.filter((binary) => binary.name === binaryFieldName(spec) && !placed.has(binary));
			mine.forEach((binary) => placed.add(binary));
			return [property, ...mine];
		});

	// A model given by an expression (or an id the node does not know yet): the generic Prompt.
	const genericPrompt: INodeProperties = {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: "Text prompt, sent as prompt (leave empty to send none). Give the model's other inputs in Additional Fields → Extra Input (JSON).",
		displayOptions: { hide: { resource: otherResources, model: ids } },
	};

	const optional = groupFields(ofResource, (model, spec) => !isTopLevel(model, spec), () => false);
	const optionalBinary = groupFields(
		ofResource,
		(model, spec) => !isTopLevel(model, spec) && isMediaInput(spec),
		() => false,
		binaryOf,
	);
	const children: INodeProperties[] = [...optional.map((group) => ({ group, binary: false })), ...optionalBinary.map((group) => ({ group, binary: true }))].map(({ group, binary }) => {
		const sameNamed = optional
			.filter((other) => other !== group && other.property.name === group.property.name)
			.map((other) => other.spec);
		const invalid = binary ? [] : staleValueConditions(group.spec, sameNamed);
		const inputTypes = byInputType(group.spec, binary);
		return {
			...group.property,
			displayOptions: {
				hide: {
					'/model': [...notFor(group.modelIds), EXPRESSION],
					...(group.dependsOn ? { [`/${group.dependsOn.name}`]: group.dependsOn.conditions } : {}),
					...(invalid.length ? { [group.property.name]: invalid } : {}),
					...(inputTypes ? { '/inputType': inputTypes } : {}),
				},
			},
		};
	});
	children.sort((a, b) => a.displayName.localeCompare(b.displayName));

	const additionalFields: INodeProperties = {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { hide: { resource: otherResources } },
		options: [...children, extraInputProperty],
	};

	// Main text, then Input Type and the files, then the settings (fieldRank). "Other Model From the
	// API" shows its model, the generic Prompt, Input Type and its Media Inputs in the same order.
	return [
		picker,
		otherModel,
		...withBinary(ranked.filter((entry) => entry.rank === 0)),
		genericPrompt,
		inputType,
		otherMedia,
		...withBinary(ranked.filter((entry) => entry.rank > 0)),
		additionalFields,
	];
}
