import type { INodeProperties } from 'n8n-workflow';

import { MODELS } from '../catalog';
import { resourceModelProperties } from '../catalog/toProperties';
import { MODEL_OPERATIONS, OPERATIONS, operationsOf } from './operations';
import { MEDIA_RESOURCES, RESOURCE_OPTIONS, RESOURCES } from './resources';
import { nodeOnly, toolProperties } from './tool';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: RESOURCE_OPTIONS,
	default: 'video',
};

/** A resource's Operation dropdown, from the operations that list it (alphabetical, as n8n's lint asks). */
function operationProperty(resource: string): INodeProperties {
	const operations = [...operationsOf(resource)].sort((a, b) => a.name.localeCompare(b.name));
	const defaultOperation = (operations.find((operation) => operation.isDefault) ?? operations[0]).value;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: operations.map((operation) => ({
			name: operation.name,
			value: operation.value,
			description: operation.description,
			action: operation.action(resource),
		})),
		default: defaultOperation,
	};
}

/** The node's form: resource → operation → model → that model's fields (from the catalog) → each operation's fields. */
export const unificallyProperties: INodeProperties[] = [
	resourceProperty,
	...RESOURCES.map(operationProperty),
	// As an AI Agent's tool the model's form gives way to fields the agent fills (tool.ts).
	...nodeOnly(MEDIA_RESOURCES.flatMap((resource) => resourceModelProperties(resource as 'video', MODELS, RESOURCES))),
	// An operation with fields of its own as a tool shows those there instead.
	...OPERATIONS.flatMap((operation) => (operation.tool?.properties ? nodeOnly(operation.properties) : operation.properties)),
	...toolProperties(OPERATIONS, MEDIA_RESOURCES, MODEL_OPERATIONS),
];
