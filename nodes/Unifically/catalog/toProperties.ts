import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { parameterName } from './index';
import type { InputSpec, ModelSpec, Resource } from './types';

/** Operations whose form shows a model and its inputs. */
export const MODEL_OPERATIONS = ['generate', 'create', 'estimateCost'];

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

function emptyValueOf(spec: InputSpec): string | number | boolean {
	if (spec.type === 'boolean') return false;
	if (spec.type === 'integer' || spec.type === 'number') return spec.min ?? 0;
	if (spec.type === 'json') return '[]';
	return '';
}

/**
 * One catalog input → one n8n field. Required text inputs are not flagged `required` for n8n:
 * with a model given by an expression n8n shows every model's fields, and an empty "required"
 * field of another model would stop the workflow before it starts. The node's own validation
 * (validate.ts) names a missing input before any request instead; the description says "Required".
 */
export function inputToProperty(spec: InputSpec, asRequired: boolean): INodeProperties {
	const hasEmptyDefault = !spec.options && (spec.type === 'string' || spec.type === 'stringList' || spec.type === 'json');
	const description = (spec.description + describeLimits(spec)).replace(/\.$/, '');
	const base = {
		displayName: displayNameOf(spec),
		name: parameterName(spec.key),
		description: asRequired && hasEmptyDefault && !/^required/i.test(description) ? `Required. ${description}` : description,
		required: (asRequired && !hasEmptyDefault) || undefined,
	};
	if (spec.options) {
		const options: INodePropertyOptions[] = spec.options.map((option) => ({
			name: typeof option === 'number' && spec.key === 'duration' ? `${option} s` : String(option),
			value: option,
		}));
		return { ...base, type: 'options', options, default: spec.default ?? spec.options[0] };
	}
	switch (spec.type) {
		case 'boolean':
			return { ...base, type: 'boolean', default: spec.default ?? false };
		case 'integer':
		case 'number':
			return {
				...base,
				type: 'number',
				default: spec.default ?? emptyValueOf(spec),
				typeOptions: {
					...(spec.min !== undefined ? { minValue: spec.min } : {}),
					...(spec.max !== undefined ? { maxValue: spec.max } : {}),
					numberPrecision: spec.type === 'integer' ? 0 : 2,
				},
			};
		case 'json':
			return { ...base, type: 'json', default: '[]' };
		default:
			return {
				...base,
				type: 'string',
				default: spec.default ?? '',
				...(spec.key.includes('prompt') || spec.type === 'stringList' ? { typeOptions: { rows: 3 } } : {}),
				...(spec.url && spec.type === 'string' ? { placeholder: 'https://example.com/file' } : {}),
			};
	}
}

/** `extraInput`: a JSON object merged into `input` last, for inputs the node does not list yet. */
export const extraInputProperty: INodeProperties = {
	displayName: 'Extra Input (JSON)',
	name: 'extraInput',
	type: 'json',
	default: '{}',
	description:
		"A JSON object merged into the request's input last, for inputs this node does not list yet (they override fields above)",
};

/**
 * Required inputs are top-level fields; optional ones live in `additionalFields` (SPEC: saved
 * workflows depend on where a value is). A model the seed documents no inputs for shows its
 * optional `prompt` top-level too: it is all the form offers.
 */
export function isTopLevel(model: ModelSpec, spec: InputSpec): boolean {
	return !!spec.required || (!model.documented && spec.key === 'prompt');
}
function modelInputProperties(model: ModelSpec): INodeProperties[] {
	const required = model.inputs.filter((spec) => isTopLevel(model, spec)).map((spec) => inputToProperty(spec, !!spec.required));
	const optional = model.inputs.filter((spec) => !isTopLevel(model, spec)).map((spec) => inputToProperty(spec, false));
	optional.sort((a, b) => a.displayName.localeCompare(b.displayName));
	const additionalFields: INodeProperties = {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [...optional, extraInputProperty],
	};
	return [...required, additionalFields];
}

/**
 * The model picker and every model's fields for one resource. Fields that are identical across
 * models (the same `prompt`, the same Veo inputs) become one property shown for all of those models,
 * which keeps the node description small; differing ones stay separate, scoped by `displayOptions`.
 */
export function resourceModelProperties(resource: Resource, models: readonly ModelSpec[]): INodeProperties[] {
	const ofResource = models.filter((model) => model.resource === resource);
	const firstModelId = ofResource[0]?.id ?? '';
	const picker: INodeProperties = {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		noDataExpression: false,
		required: true,
		default: firstModelId,
		description: 'The model to run. An expression may give any model ID of the API.',
		displayOptions: { show: { resource: [resource], operation: MODEL_OPERATIONS } },
		options: ofResource.map((model) => ({ name: model.name, value: model.id, description: model.description })),
	};

	const merged = new Map<string, { property: INodeProperties; modelIds: string[] }>();
	for (const model of ofResource) {
		for (const property of modelInputProperties(model)) {
			const signature = JSON.stringify(property);
			const entry = merged.get(signature);
			if (entry) entry.modelIds.push(model.id);
			else merged.set(signature, { property, modelIds: [model.id] });
		}
	}
	const fields = [...merged.values()].map(({ property, modelIds }) => ({
		...property,
		displayOptions: { show: { resource: [resource], operation: MODEL_OPERATIONS, model: modelIds } },
	}));

	// A model given by an expression matches none of the ids above: offer the generic fields.
	const allIds = ofResource.map((model) => model.id);
	const generic: INodeProperties[] = [
		{
			displayName: 'Prompt',
			name: 'prompt',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			description: 'Text prompt, sent as `prompt` (leave empty to send none)',
			displayOptions: { show: { resource: [resource], operation: MODEL_OPERATIONS }, hide: { model: allIds } },
		},
		{
			displayName: 'Additional Fields',
			name: 'additionalFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			displayOptions: { show: { resource: [resource], operation: MODEL_OPERATIONS }, hide: { model: allIds } },
			options: [extraInputProperty],
		},
	];
	return [picker, ...fields, ...generic];
}
