import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { findModel, modelsOf, parameterName } from '../catalog';
import { displayNameOf } from '../catalog/toProperties';
import type { InputSpec, ModelSpec, Resource } from '../catalog/types';
import { checkAgainstCatalog, coerce, isEmpty, parseExtraInput, type TaskRequest } from '../helpers/input';
import type { Operation } from './operation';
import { fromAi } from './toolFields';

/*
 * The node as an AI Agent's tool. n8n builds a tool's arguments only from `$fromAI()` calls in its
 * parameters, and its editor offers the "defined automatically by the model" button only for
 * string, number, boolean and json fields — never for `options` (Model, Aspect Ratio, Resolution).
 * So in the tool variant (display option `@tool`) the model's own form gives way to a few fields:
 * the model, a normal dropdown (the resource's first model by default; its first choice, "Let the
 * Agent Choose", shows `modelFromAgent`, a `$fromAI()` field), then the prompt and the main inputs of
 * the resource, plus the rest as JSON, whose defaults are `$fromAI()` calls. The user can fix any of
 * them (type "16:9") instead. Values keep the node's names (`model`, `prompt`, `aspectRatio` …); the
 * agent sees the API's keys.
 */

/** The Model dropdown's value that lets the agent choose (opt-in): `modelFromAgent` gives the id. */
export const AGENT_CHOOSES_MODEL = 'agentChooses';

/** The inputs an agent sets directly, per resource (the ones most models of it share). */
const AGENT_INPUTS: Record<Resource, string[]> = {
	video: ['prompt', 'aspect_ratio', 'resolution', 'duration', 'start_image_url'],
	image: ['prompt', 'aspect_ratio', 'resolution', 'quality', 'image_urls'],
	audio: ['prompt'],
};
const OTHER_INPUTS = 'other_inputs';

function describeInput(spec: InputSpec): string {
	if (spec.options) return `${spec.key} ${spec.options.join('|')}`;
	if (spec.min !== undefined || spec.max !== undefined) return `${spec.key} ${spec.min ?? ''}..${spec.max ?? ''}`;
	return spec.key;
}

/** One line per model for the agent: its id, name and the inputs it takes (required ones marked). */
export function describeModelsForAgent(resource: Resource): string {
	return modelsOf(resource)
		.map((model) => {
			const inputs = model.inputs.map((spec) => describeInput(spec) + (spec.required ? ' (required)' : ''));
			return `${model.id} = ${model.label}: ${inputs.join(', ')}`;
		})
		.join('; ');
}

const agentDescriptions: Record<string, string> = {
	prompt: 'Text prompt describing what to generate (most models require it)',
	aspect_ratio: 'Aspect ratio, for example 16:9 or 9:16, among the values the chosen model takes. Empty for its default',
	resolution: 'Resolution, for example 720p or 1080p, among the values the chosen model takes. Empty for its default',
	duration: 'Length in seconds, among the values the chosen model takes. Empty for its default',
	start_image_url: 'URL of an image the video starts from (image-to-video models). Empty for text-to-video',
	quality: 'Quality (low, medium, high) for models that take it. Empty for the default',
	image_urls: 'Comma-separated URLs of reference or input images, for models that take them. Empty for none',
	[OTHER_INPUTS]:
		'Further inputs of the model as a JSON object with its API keys, for example {"seed": 42}. Empty for none',
};

function agentFields(resource: Resource, modelOperations: string[]): INodeProperties[] {
	const show = { '@tool': [true], resource: [resource], operation: modelOperations };
	const models = modelsOf(resource);
	const firstModelId = models[0]?.id ?? '';
	const model: INodeProperties = {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		// The node's own model list, after the opt-in to let the agent choose.
		options: [
			{
				name: 'Let the Agent Choose',
				value: AGENT_CHOOSES_MODEL,
				description: 'The agent picks the model for each call, from every model of this resource and the inputs each takes',
			},
			...models.map((entry) => ({ name: `${entry.label} (${entry.id})`, value: entry.id, description: entry.description })),
		],
		default: firstModelId,
		description: 'The model every call runs (type a name or an API ID to search), or "Let the Agent Choose"',
		displayOptions: { show },
	};
	const modelFromAgent: INodeProperties = {
		displayName: 'Model (Chosen by the Agent)',
		name: 'modelFromAgent',
		type: 'string',
		default: fromAi('model', `The model ID, one of (with the inputs each takes): ${describeModelsForAgent(resource)}`, undefined),
		description: 'The agent gives the model ID (its description lists every model and its inputs)',
		displayOptions: { show: { ...show, model: [AGENT_CHOOSES_MODEL] } },
	};
	// n8n offers the agent the `$fromAI()` arguments of the displayed fields only: with a model fixed,
	// an input it does not take (Veo's duration) is hidden, so the agent is never asked for it.
	const takers = (key: string) => models.filter((entry) => entry.inputs.some((spec) => spec.key === key)).map((entry) => entry.id);
	const inputs = AGENT_INPUTS[resource].map(
		(key): INodeProperties => ({
			displayName: displayNameOf({ key }),
			name: parameterName(key),
			type: 'string',
			default: fromAi(key, agentDescriptions[key], ''),
			description: `Sent as ${key} when the model takes it. Set by the agent by default; type a value to fix it.`,
			displayOptions: { show: { ...show, model: [AGENT_CHOOSES_MODEL, ...takers(key)] } },
		}),
	);
	// Other Inputs: its hint lists every model's inputs when the agent chooses, else the fixed model's
	// inputs that have no argument of their own (one field per model, shown for that model only).
	const otherInputs = (forModel: ModelSpec | undefined): INodeProperties => ({
		displayName: 'Other Inputs (JSON)',
		name: parameterName(OTHER_INPUTS),
		type: 'string',
		default: fromAi(OTHER_INPUTS, otherInputsHint(resource, forModel), ''),
		description: 'Further inputs of the model as a JSON object (API keys). Set by the agent by default.',
		displayOptions: { show: { ...show, model: [forModel?.id ?? AGENT_CHOOSES_MODEL] } },
	});
	return [model, modelFromAgent, ...inputs, otherInputs(undefined), ...models.map(otherInputs)];
}

/** What the agent reads about `other_inputs`: the inputs it may give there, for one model or all. */
export function otherInputsHint(resource: Resource, model: ModelSpec | undefined): string {
	if (!model) return `${agentDescriptions[OTHER_INPUTS]}. The inputs each model takes: ${describeModelsForAgent(resource)}`;
	const others = model.inputs.filter((spec) => !AGENT_INPUTS[resource].includes(spec.key));
	const required = (spec: InputSpec) => (spec.required ? ' (required)' : '');
	return others.length
		? `${agentDescriptions[OTHER_INPUTS]}. The other inputs ${model.id} takes: ${others.map((spec) => describeInput(spec) + required(spec)).join(', ')}`
		: `Leave empty: ${model.id} takes no inputs besides the other arguments`;
}

/*
 * The tool's description for the agent, per resource and operation (each operation's `tool.description`).
 * Plain text, not an expression: n8n 1.x hands `toolDescription` to the model as it is stored. (With our
 * own `toolDescription`, n8n adds no "Set Automatically / Set Manually" choice: the default already is
 * the specific text.)
 */
const toolDescriptionProperty = (resource: string, operation: string, text: string): INodeProperties => ({
	displayName: 'Description',
	name: 'toolDescription',
	type: 'string',
	typeOptions: { rows: 3 },
	default: text,
	description: 'What the agent reads about this tool: what it does, and how long a call waits',
	displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
});

/** Properties only the tool variant shows: each operation's description and fields, and the model's fields for the agent. */
export function toolProperties(operations: readonly Operation[], modelResources: string[], modelOperations: string[]): INodeProperties[] {
	return [
		...operations.flatMap((operation) =>
			operation.tool ? operation.resources.map((resource) => toolDescriptionProperty(resource, operation.value, operation.tool!.description(resource))) : [],
		),
		...modelResources.flatMap((resource) => agentFields(resource as Resource, modelOperations)),
		...operations.flatMap((operation) => operation.tool?.properties ?? []),
	];
}

/**
 * The same properties, shown only on the node itself (not its tool variant). `@tool` goes first:
 * n8n shows a property as soon as a `show` rule meets an expression, without looking further.
 */
export function nodeOnly(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: { '@tool': [false], ...property.displayOptions?.show },
		},
	}));
}

/**
 * One item's request from the agent's arguments: the model, the inputs it set (each must be one the
 * model takes) and Other Inputs, checked against the catalog like the form's values.
 */
export function readToolTaskRequest(context: IExecuteFunctions, itemIndex: number): TaskRequest {
	const node = context.getNode();
	const resource = context.getNodeParameter('resource', itemIndex) as Resource;
	let modelId = String(context.getNodeParameter('model', itemIndex, '') ?? '').trim();
	if (modelId === AGENT_CHOOSES_MODEL) modelId = String(context.getNodeParameter('modelFromAgent', itemIndex, '') ?? '').trim();
	const model: ModelSpec | undefined = findModel(modelId);
	if (!model || model.resource !== resource) {
		throw new NodeOperationError(
			node,
			`Unknown ${resource} model "${modelId}". Use one of: ${modelsOf(resource)
				.map((entry) => entry.id)
				.join(', ')}`,
			{ itemIndex },
		);
	}
	const input: IDataObject = {};
	for (const key of AGENT_INPUTS[resource]) {
		const raw = context.getNodeParameter(parameterName(key), itemIndex, '');
		if (isEmpty(raw) || raw === null) continue;
		const spec = model.inputs.find((candidate) => candidate.key === key);
		if (!spec) {
			throw new NodeOperationError(
				node,
				`Model ${model.id} does not take ${key}. It takes: ${model.inputs.map(describeInput).join(', ')}`,
				{ itemIndex },
			);
		}
		const value = coerce(spec, raw, (message) => {
			throw new NodeOperationError(node, `${key} ${message}`, { itemIndex });
		});
		if (!isEmpty(value)) input[key] = value as IDataObject[string];
	}
	const other = context.getNodeParameter(parameterName(OTHER_INPUTS), itemIndex, '');
	Object.assign(input, parseExtraInput(context, other, itemIndex, `${OTHER_INPUTS}`));
	checkAgainstCatalog(context, model, input, itemIndex);
	return { itemIndex, model: model.id, input };
}
