import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { applies, binaryFieldName, fieldName, findModel, isMediaInput, parameterName } from '../catalog';
import { OTHER_MODEL, binaryDisplayNameOf, displayNameOf, isTopLevel } from '../catalog/toProperties';
import type { InputSpec, ModelSpec } from '../catalog/types';
import { findInputProblems } from '../catalog/validate';

export interface TaskRequest {
	itemIndex: number;
	model: string;
	input: IDataObject;
	/**
	 * Media inputs given as binary fields of the item: until they are uploaded (Batch's create),
	 * `input` holds a placeholder URL naming each file (what Estimate Cost sends).
	 */
	files?: FileInput[];
}

/** One binary field standing for a media input's URL (`position` within a list input). */
export interface FileInput {
	key: string;
	position?: number;
	/** The item's binary field. */
	field: string;
	/** The form's parameter that named it, for error messages. */
	parameter: string;
}

/**
 * Where a file not yet uploaded is named in a request: Estimate Cost and the spending guard price
 * with it (nothing is uploaded for a dry run), and the catalog's URL checks accept it.
 */
export const NOT_UPLOADED_BASE = 'https://files.storagecdn.online/not-uploaded';

/** "data, data_1" or an expression's array → the field names. */
function binaryFieldNames(raw: unknown): string[] {
	const values = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/[\n,]/) : raw == null ? [] : [raw];
	return values.map((value) => String(value).trim()).filter((value) => value !== '');
}

/**
 * A media input given as binary fields: each field must be on the item and hold bytes (checked here,
 * before any request); `input` gets a placeholder URL per file until the upload.
 */
function readBinaryInput(
	context: IExecuteFunctions,
	spec: InputSpec,
	raw: unknown,
	itemIndex: number,
	files: FileInput[],
): string | string[] | undefined {
	const node = context.getNode();
	const parameter = binaryFieldName(spec);
	const label = `Parameter "${binaryDisplayNameOf(spec)}" (${parameter})`;
	const names = binaryFieldNames(raw);
	if (names.length === 0 && spec.required) {
		throw new NodeOperationError(node, `${label} is required`, {
			itemIndex,
			description: 'Name the binary field holding the file (often "data"), or switch Input Type to URL.',
		});
	}
	if (spec.maxItems !== undefined && names.length > spec.maxItems) {
		throw new NodeOperationError(node, `${label} takes at most ${spec.maxItems} files (got ${names.length})`, { itemIndex });
	}
	if (spec.type !== 'stringList' && names.length > 1) {
		throw new NodeOperationError(node, `${label} takes one binary field, got ${names.length}: ${names.join(', ')}`, { itemIndex });
	}
	const item = context.getInputData()[itemIndex];
	const urls = names.map((field, position) => {
		const binary = item?.binary?.[field];
		if (!binary) {
			const available = Object.keys(item?.binary ?? {});
			throw new NodeOperationError(node, `${label}: the item has no binary field "${field}"`, {
				itemIndex,
				description: available.length
					? `Its binary fields: ${available.join(', ')}. Name one of them, or switch Input Type to URL.`
					: 'The item carries no binary data: put a node before this one that reads or downloads the file (Read/Write Files, HTTP Request), or switch Input Type to URL.',
			});
		}
		if (binary.bytes === 0 || (!binary.id && !binary.data)) {
			throw new NodeOperationError(node, `${label}: the binary field "${field}" is an empty file`, { itemIndex });
		}
		files.push({ key: spec.key, position: spec.type === 'stringList' ? position : undefined, field, parameter });
		return `${NOT_UPLOADED_BASE}/${encodeURIComponent(binary.fileName || field)}`;
	});
	if (urls.length === 0) return undefined;
	return spec.type === 'stringList' ? urls : urls[0];
}

/**
 * A picker's value is n8n's resource locator `{__rl, mode, value}`: the API gets the plain ID. A plain
 * string (a workflow saved before the field was a picker, or an expression) is that ID already.
 */
export function plainValue(raw: unknown): unknown {
	if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && ('__rl' in raw || ('mode' in raw && 'value' in raw))) {
		const value = (raw as { value?: unknown }).value;
		return typeof value === 'string' ? value.trim() : value;
	}
	return raw;
}

/**
 * An input given as entries (ElevenLabs' dialogue turns): the list of objects they make, each checked
 * for its required inputs; `undefined` when none is added (the input's JSON field is used then).
 */
function readEntries(context: IExecuteFunctions, spec: InputSpec, itemIndex: number): IDataObject[] | undefined {
	const { name, displayName, entry, entryDisplayName, inputs } = spec.entries!;
	const raw = (readParameter(context, name, itemIndex) ?? {}) as IDataObject;
	const list = Array.isArray(raw[entry]) ? (raw[entry] as IDataObject[]) : [];
	if (list.length === 0) return undefined;
	return list.map((values, position) => {
		const result: IDataObject = {};
		for (const input of inputs) {
			const fail = (message: string): never => {
				throw new NodeOperationError(
					context.getNode(),
					`Parameter "${displayName}" (${name}): ${entryDisplayName} ${position + 1}'s "${displayNameOf(input)}" ${message}`,
					{ itemIndex },
				);
			};
			const value = coerce(input, plainValue(values?.[fieldName(input)]), fail);
			if (!isEmpty(value)) result[input.key] = value as IDataObject[string];
			else if (input.required) fail('is empty: fill it in or remove the ' + entryDisplayName.toLowerCase());
		}
		return result;
	});
}

/**
 * "Other Model From the API": its media inputs, each under the API key the user names, as URLs or
 * as binary fields of the item (uploaded like the catalog's media inputs).
 */
function readOtherMediaInputs(
	context: IExecuteFunctions,
	itemIndex: number,
	binary: boolean,
	input: IDataObject,
	files: FileInput[],
): InputSpec[] {
	const raw = (readParameter(context, 'otherMediaInputs', itemIndex) ?? {}) as IDataObject;
	const entries = Array.isArray(raw.input) ? (raw.input as IDataObject[]) : [];
	const specs: InputSpec[] = [];
	entries.forEach((entry, position) => {
		const key = String(entry.key ?? '').trim();
		if (!key) {
			throw new NodeOperationError(context.getNode(), `Parameter "Media Inputs" (otherMediaInputs): entry ${position + 1} has no Input Name`, {
				itemIndex,
				description: "Name the input as the model's page does, e.g. image_url, or remove the entry.",
			});
		}
		const spec: InputSpec = {
			key,
			type: entry.asList === true ? 'stringList' : 'string',
			url: true,
			required: true,
			description: `Media input ${key}`,
			// Errors name the entry as the form shows it.
			displayName: `Media Inputs → ${key}`,
			field: 'otherMediaInputs',
		};
		specs.push(spec);
		if (binary) {
			const value = readBinaryInput(context, spec, entry.binaryField, itemIndex, files);
			if (value !== undefined) input[key] = value;
			return;
		}
		const value = coerce(spec, entry.url, () => undefined as never);
		if (!isEmpty(value)) input[key] = value as IDataObject[string];
	});
	return specs;
}

function readParameter(context: IExecuteFunctions, name: string, itemIndex: number): unknown {
	try {
		return context.getNodeParameter(name, itemIndex, undefined);
	} catch {
		// A model chosen by expression hides the model's own fields: they are simply not there.
		return undefined;
	}
}

/** Form values → the API's types. Expressions from spreadsheets often give "10" or "true". */
export function coerce(spec: InputSpec, value: unknown, fail: (message: string) => never): unknown {
	if (value === undefined || value === null) return undefined;
	switch (spec.type) {
		case 'integer':
		case 'number':
			if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
			return value;
		case 'boolean':
			if (value === 'true') return true;
			if (value === 'false') return false;
			return value;
		case 'stringList':
			if (typeof value === 'string') {
				return value
					.split(/[\n,]/)
					.map((entry) => entry.trim())
					.filter((entry) => entry !== '');
			}
			return value;
		case 'json':
			if (typeof value === 'string') {
				if (value.trim() === '' || value.trim() === '[]' || value.trim() === '{}') return undefined;
				try {
					return JSON.parse(value);
				} catch (error) {
					fail(`is not valid JSON (${(error as Error).message})`);
				}
			}
			return value;
		default:
			return typeof value === 'number' ? String(value) : value;
	}
}

export function isEmpty(value: unknown): boolean {
	return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

export function parseExtraInput(
	context: IExecuteFunctions,
	raw: unknown,
	itemIndex: number,
	label = 'Parameter "Extra Input (JSON)" (extraInput)',
): IDataObject {
	if (raw === undefined || raw === null || raw === '') return {};
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch (error) {
			throw new NodeOperationError(
				context.getNode(),
				`${label} is not valid JSON (${(error as Error).message})`,
				{ itemIndex },
			);
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw new NodeOperationError(
			context.getNode(),
			`${label} must be a JSON object, like {"seed": 42}`,
			{ itemIndex },
		);
	}
	return value as IDataObject;
}

/**
 * Reads one item's model and inputs from the form and checks them against the catalog, so bad input
 * stops here with the parameter named — before any request is sent or any money spent.
 */
export function readTaskRequest(context: IExecuteFunctions, itemIndex: number): TaskRequest {
	const node = context.getNode();
	let modelId = String(context.getNodeParameter('model', itemIndex) ?? '').trim();
	if (!modelId) {
		throw new NodeOperationError(node, 'Parameter "Model" (model) is required', { itemIndex });
	}
	const otherModel = modelId === OTHER_MODEL;
	if (otherModel) {
		modelId = String(plainValue(readParameter(context, 'otherModel', itemIndex)) ?? '').trim();
		if (!modelId) {
			throw new NodeOperationError(node, 'Parameter "Model from the API" (otherModel) is required', {
				itemIndex,
				description: 'Pick the model from the list, or choose "By ID" and give its ID (e.g. bytedance/seedance-2.0-fast).',
			});
		}
	}
	// A model picked from the API's list goes as given, even an id the catalog knows: its form is not shown.
	const model: ModelSpec | undefined = otherModel ? undefined : findModel(modelId);
	const additionalFields = (readParameter(context, 'additionalFields', itemIndex) ?? {}) as IDataObject;
	const input: IDataObject = {};
	/** Inputs whose expression resolved to nothing: an error about them says so. */
	const emptyExpressions = new Set<string>();
	const rawAdditional = (node.parameters.additionalFields ?? {}) as IDataObject;

	const inputs: InputSpec[] = model?.inputs ?? [{ key: 'prompt', type: 'string', description: 'Prompt' }];
	const binaryInputs = model !== undefined && readParameter(context, 'inputType', itemIndex) === 'binary';
	const files: FileInput[] = [];
	for (const spec of inputs) {
		if (spec.entries) {
			const entries = readEntries(context, spec, itemIndex);
			if (entries) {
				input[spec.key] = entries;
				continue;
			}
		}
		if (binaryInputs && isMediaInput(spec)) {
			const name = binaryFieldName(spec);
			const raw = isTopLevel(model, spec) ? readParameter(context, name, itemIndex) : additionalFields[name];
			const value = readBinaryInput(context, spec, raw, itemIndex, files);
			if (value !== undefined) input[spec.key] = value;
			continue;
		}
		// An input of the other mode (Suno's simple / custom) is not sent: its field may hold this mode's text.
		if (!applies(spec, (key) => input[key] ?? model?.inputs.find((other) => other.key === key)?.formDefault)) continue;
		const name = fieldName(spec);
		const raw =
			model === undefined || isTopLevel(model, spec) ? readParameter(context, name, itemIndex) : additionalFields[name];
		const fail = (message: string): never => {
			throw new NodeOperationError(node, `Parameter "${displayNameOf(spec)}" (${name}) ${message}`, {
				itemIndex,
			});
		};
		const value = coerce(spec, plainValue(raw), fail);
		if (!isEmpty(value)) input[spec.key] = value as IDataObject[string];
		else if (isExpression(plainValue(model === undefined || isTopLevel(model, spec) ? node.parameters[name] : rawAdditional[name]))) {
			emptyExpressions.add(spec.key);
		}
	}
	const otherMedia = otherModel
		? readOtherMediaInputs(context, itemIndex, readParameter(context, 'inputType', itemIndex) === 'binary', input, files)
		: [];
	Object.assign(input, parseExtraInput(context, additionalFields.extraInput, itemIndex));
	if (model) checkAgainstCatalog(context, model, input, itemIndex, emptyExpressions);
	// The media inputs of a model from the API's list: URLs checked as the catalog checks its own.
	else if (otherMedia.length) {
		checkAgainstCatalog(context, { id: modelId, resource: 'video', name: modelId, label: modelId, description: 'a model from the API', inputs: otherMedia, documented: false }, input, itemIndex);
	}
	return { itemIndex, model: modelId, input, ...(files.length ? { files } : {}) };
}

/** Stops with the first problem the catalog finds in a request's input, named as the form names it. */
const isExpression = (raw: unknown) => typeof raw === 'string' && raw.startsWith('=');

export function checkAgainstCatalog(
	context: IExecuteFunctions,
	model: ModelSpec,
	input: IDataObject,
	itemIndex: number,
	emptyExpressions: ReadonlySet<string> = new Set(),
) {
	const problems = findInputProblems(model, input);
	if (problems.length === 0) return;
	// The validator speaks in API keys; the user sees the form's names.
	const inFormTerms = (message: string) =>
		model.inputs.reduce(
			(text, spec) => text.replace(new RegExp(`\\b${spec.key}\\b`, 'g'), `"${displayNameOf(spec)}"`),
			message,
		);
	const described = problems.map(({ key, message }) => {
		const spec = model.inputs.find((candidate) => candidate.key === key);
		const why =
			message !== 'is required'
				? ''
				: emptyExpressions.has(key)
					? ': its expression resolved to nothing (empty)'
					: spec?.entries
						? `: add a ${spec.entries.entryDisplayName.toLowerCase()} in "${spec.entries.displayName}" (${spec.entries.name}), or give them as JSON`
						: '';
		return `"${spec ? displayNameOf(spec) : key}" (${spec ? fieldName(spec) : parameterName(key)}) ${inFormTerms(message)}${why}`;
	});
	throw new NodeOperationError(context.getNode(), `Parameter ${described[0]}`, {
		itemIndex,
		description:
			problems.length > 1
				? `${howToFix(model, problems[0], emptyExpressions)} All problems for model ${model.id}: ${described.join('; ')}`
				: howToFix(model, problems[0], emptyExpressions),
	});
}

/** An error's description: how to fix the problem, in the form's words (what happened is the message). */
export function howToFix(model: ModelSpec, problem: { key: string; message: string }, emptyExpressions: ReadonlySet<string> = new Set()): string {
	const spec = model.inputs.find((candidate) => candidate.key === problem.key);
	if (!spec) return `Correct "${problem.key}" in Additional Fields → Extra Input (JSON).`;
	const name = `"${displayNameOf(spec)}"`;
	const what = `${displayNameOf(spec)}: ${spec.description.replace(/\.$/, '')}.`;
	const orFile = isMediaInput(spec) ? ', or switch Input Type to Binary File to give a file of the item' : '';
	if (problem.message === 'is required') {
		if (emptyExpressions.has(problem.key)) {
			return `The expression in ${name} gave an empty value for this item: check the field of the input data it reads, or type the value. ${what}`;
		}
		return `Fill in ${name} in the node's form${orFile}. ${what}`;
	}
	if (problem.message.startsWith('is required unless')) {
		const rule = model.rules?.find((candidate) => candidate.kind === 'atLeastOneOf' && candidate.keys[0] === problem.key);
		const names = (rule?.kind === 'atLeastOneOf' ? rule.keys : [problem.key]).map((key) => {
			const input = model.inputs.find((candidate) => candidate.key === key);
			return `"${input ? displayNameOf(input) : key}"`;
		});
		return `Fill in ${names.join(' or ')} in the node's form${orFile}.`;
	}
	return `Change ${name} in the node's form. ${what}`;
}
