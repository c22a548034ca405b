/**
 * The Unifically node's canvas subtitle, evaluated as n8n's editor evaluates it: editor-ui's
 * `getNodeSubtitle` calls `workflow.expression.getSimpleParameterValue(node, subtitle, 'internal', {})`
 * (n8n-workflow's Expression, with the node's parameters as `$parameter`). The operation part is the
 * operation's own name in the Operation dropdown, for every resource, so the two cannot drift apart.
 */
import type { INode, INodeParameters, INodePropertyOptions, INodeType, INodeTypes } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { Unifically } from '../../nodes/Unifically/Unifically.node';

const node = new Unifically();
const { description } = node;
const nodeTypes: INodeTypes = {
	getByName: () => node as INodeType,
	getByNameAndVersion: () => node as INodeType,
	getKnownTypes: () => ({}),
};

function subtitleOf(parameters: INodeParameters): unknown {
	const unifically: INode = { id: '1', name: 'Unifically', type: 'n8n-nodes-unifically.unifically', typeVersion: 1, position: [0, 0], parameters };
	const workflow = new Workflow({ nodes: [unifically], connections: {}, active: false, nodeTypes });
	return workflow.expression.getSimpleParameterValue(unifically, description.subtitle!, 'internal', {});
}

/** [resource, operation value, the name its dropdown shows], read from the node's own properties. */
const operations = description.properties
	.filter((property) => property.name === 'operation')
	.flatMap((property) =>
		(property.displayOptions!.show!.resource as string[]).flatMap((resource) =>
			(property.options as INodePropertyOptions[]).map((option) => [resource, String(option.value), option.name] as const),
		),
	);

describe('the canvas subtitle', () => {
	it('covers 3 media resources × 3 operations, Task × 2, File × 1 and Account × 1', () => {
		expect(operations).toHaveLength(13);
	});

	it('on Task: the operation by its name, "Get" and "Wait for Completion"', () => {
		expect(subtitleOf({ resource: 'task', operation: 'get', taskId: 'abc' })).toBe('Get');
		expect(subtitleOf({ resource: 'task', operation: 'wait', taskId: 'abc' })).toBe('Wait for Completion');
	});

	it.each(operations)('%s → %s: starts with the dropdown\'s name "%s"', (resource, operation, name) => {
		const model = ['task', 'file', 'account'].includes(resource) ? undefined : 'google/veo-3.1-fast';
		expect(subtitleOf({ resource, operation, ...(model ? { model } : {}) })).toBe(model ? `${name}: Google Veo 3.1 Fast` : name);
	});

	it('the model by its display name, an unknown id by its last part', () => {
		expect(subtitleOf({ resource: 'audio', operation: 'generate', model: 'higgsfield-ai/tts' })).toBe('Generate: Higgsfield Text-to-Speech');
		expect(subtitleOf({ resource: 'video', operation: 'estimateCost', model: 'acme/brand-new' })).toBe('Estimate Cost: brand-new');
	});
});
