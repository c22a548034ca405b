/**
 * The Unifically node's form as n8n's editor shows it, for the description tests
 * (test/integration/unifically.description.test.cts, unifically.editor.test.cts): n8n-workflow's own
 * display logic over the node description, what the editor does when a parameter changes, and the
 * ⚠ issues it shows.
 */
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers, deepCopy } from 'n8n-workflow';

import { UNIFICALLY, getNodeType } from '../../../harness/engine.cjs';
import { NODE_NAME } from './fixtures.cjs';

export const description = getNodeType(UNIFICALLY).description;
export const NODE = { typeVersion: 1 };

/** The parameters the editor shows for these values (defaults filled in as n8n does). */
export function form(values: INodeParameters) {
	const filled = NodeHelpers.getNodeParameters(description.properties, values, true, false, NODE, description) ?? {};
	const shown = description.properties.filter((property) => NodeHelpers.displayParameter(filled, property, NODE, description));
	const byName = (name: string) => {
		const matches = shown.filter((property) => property.name === name);
		expect(matches.length).toBeLessThanOrEqual(1); // never two visible parameters of one name
		return matches[0];
	};
	// A collection's fields as its "Add Field" list offers them (they may hide by the model, '/model';
	// the editor never lists a `hidden` field).
	const collection = (name: string) =>
		((byName(name)?.options ?? []) as INodeProperties[]).filter(
			(field) => field.type !== 'hidden' && NodeHelpers.displayParameterPath(filled, field, name, NODE, description),
		);
	return {
		filled,
		names: shown.map((property) => property.name),
		byName,
		additional: collection('additionalFields').map((field) => field.name).sort(),
		additionalField: (name: string) => collection('additionalFields').find((field) => field.name === name),
		options: collection('options').map((field) => field.name).sort(),
	};
}

export const media = (resource: string, model: string, operation = 'generate') => form({ resource, operation, model });

/**
 * What n8n 2.x's editor does when the user changes one parameter (editor-ui
 * `useNodeSettingsParameters.updateNodeParameter`): keep the values that differ from their defaults
 * and are displayed, set the new value, drop option values that are no longer valid
 * (`removeMismatchedOptionValues` in `ndv.utils.ts`, ported below), then fill in the defaults of
 * what is now displayed; then its parameter list clears what it no longer shows (clearUndisplayed).
 */
export function editorChange(parameters: INodeParameters, name: string, value: INodeParameters[string]): INodeParameters {
	const kept = deepCopy(NodeHelpers.getNodeParameters(description.properties, parameters, false, false, NODE, description) ?? {});
	kept[name] = value;
	for (const property of description.properties) {
		const rules = property.displayOptions;
		if (!Object.prototype.hasOwnProperty.call(kept, property.name) || !rules || !property.options) continue;
		if (rules.show?.[name] === undefined && rules.hide?.[name] === undefined) continue;
		const options = property.options as Array<{ name: string; value?: unknown }>;
		const valid =
			property.type === 'collection' || property.type === 'fixedCollection'
				? Object.keys(kept).every((key) => options.some((option) => option.name === key))
				: options.some((option) => option.value === kept[property.name]);
		if (!valid && NodeHelpers.displayParameter(kept, property, NODE, description)) delete kept[property.name];
	}
	const after = NodeHelpers.getNodeParameters(description.properties, kept, true, false, NODE, description) ?? {};
	return clearUndisplayed(parameters, after);
}

/** The names the editor's parameter list shows (it never lists a `hidden` parameter), with each shown collection's fields that hold a value. */
function listed(values: INodeParameters): Map<string, Set<string>> {
	const filled = NodeHelpers.getNodeParameters(description.properties, values, true, false, NODE, description) ?? {};
	const shown = new Map<string, Set<string>>();
	for (const property of description.properties) {
		if (property.type === 'hidden' || !NodeHelpers.displayParameter(filled, property, NODE, description)) continue;
		const fields = new Set(shown.get(property.name) ?? []);
		if (property.type === 'collection') {
			const value = (filled[property.name] ?? {}) as INodeParameters;
			for (const field of (property.options ?? []) as INodeProperties[]) {
				if (field.type !== 'hidden' && value[field.name] !== undefined && NodeHelpers.displayParameterPath(filled, field, property.name, NODE, description)) {
					fields.add(field.name);
				}
			}
		}
		shown.set(property.name, fields);
	}
	return shown;
}

/**
 * n8n 2.x's parameter list (editor-ui `ParameterInputList`, a watcher on the parameters it shows)
 * sets a parameter to undefined as soon as it stops being shown, at the top level and in a
 * collection: a value survives a switch only while a parameter of its name stays shown.
 */
function clearUndisplayed(before: INodeParameters, after: INodeParameters): INodeParameters {
	const was = listed(before);
	const now = listed(after);
	const cleared = deepCopy(after);
	let changed = false;
	for (const [name, fields] of was) {
		if (!now.has(name)) {
			if (cleared[name] !== undefined) {
				delete cleared[name];
				changed = true;
			}
			continue;
		}
		const collection = cleared[name] as INodeParameters | undefined;
		for (const field of fields) {
			if (!now.get(name)!.has(field) && collection && collection[field] !== undefined) {
				delete collection[field];
				changed = true;
			}
		}
	}
	return changed ? (NodeHelpers.getNodeParameters(description.properties, cleared, true, false, NODE, description) ?? {}) : after;
}

/** The ⚠ issues n8n shows on the node (and checks before running a workflow). */
export function issuesOf(parameters: INodeParameters) {
	const filled = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, NODE, description) ?? {};
	const node = { id: '1', name: NODE_NAME, type: UNIFICALLY, typeVersion: 1, position: [0, 0], parameters: filled } as INode;
	return NodeHelpers.getNodeParametersIssues(description.properties, node, description)?.parameters ?? {};
}
