/**
 * Static checks of workflow JSON against this package's compiled node descriptions, with n8n's own
 * parameter resolution (NodeHelpers.getNodeParameters): a parameter the node (typeVersion 1) does
 * not show for the chosen resource/operation/model, or a key a collection does not offer, is dropped
 * by n8n when the workflow is opened — so it is reported here.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';

import type { INodeType, INodeTypeDescription, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { PACKAGE_NAME, ROOT, UNIFICALLY_TRIGGER, type WorkflowJson } from '../../../harness/n8n/index.cjs';

/** The package's node types from `dist/` (run `npm run build` first), by full type name. */
export function loadPackageNodeTypes(): Record<string, INodeTypeDescription> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const packageJson = require(path.join(ROOT, 'package.json')) as { n8n: { nodes: string[] } };
	const types: Record<string, INodeTypeDescription> = {};
	for (const file of packageJson.n8n.nodes) {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const exports = require(path.join(ROOT, file)) as Record<string, new () => INodeType>;
		for (const NodeClass of Object.values(exports)) {
			if (typeof NodeClass !== 'function') continue;
			const description = new NodeClass().description;
			if (description?.name) types[`${PACKAGE_NAME}.${description.name}`] = description;
		}
	}
	return types;
}

function differences(given: unknown, resolved: unknown, at: string): string[] {
	if (given && typeof given === 'object' && !Array.isArray(given)) {
		return Object.entries(given as Record<string, unknown>).flatMap(([key, value]) =>
			differences(value, (resolved as Record<string, unknown> | undefined)?.[key], at ? `${at}.${key}` : key),
		);
	}
	return JSON.stringify(given) === JSON.stringify(resolved)
		? []
		: [`${at}: set to ${JSON.stringify(given)}, but n8n resolves ${JSON.stringify(resolved)}`];
}

/**
 * Problems of the package's nodes in a workflow: parameters n8n would drop or change, missing
 * required parameters, a typeVersion the node does not have. Empty when all is consistent.
 */
export function checkPackageNodes(workflow: WorkflowJson, types = loadPackageNodeTypes()): string[] {
	const problems: string[] = [];
	for (const node of workflow.nodes) {
		if (!node.type.startsWith(`${PACKAGE_NAME}.`)) continue;
		const description = types[node.type];
		if (!description) {
			problems.push(`${node.name}: unknown node type ${node.type}`);
			continue;
		}
		const versions = Array.isArray(description.version) ? description.version : [description.version];
		if (!versions.includes(node.typeVersion)) {
			problems.push(`${node.name}: typeVersion ${node.typeVersion} is not one of ${versions.join(', ')}`);
		}
		const nodeLike = { ...node, parameters: node.parameters as INodeParameters } as unknown as Parameters<
			typeof NodeHelpers.getNodeParameters
		>[4];
		const resolved = NodeHelpers.getNodeParameters(description.properties, node.parameters as INodeParameters, true, false, nodeLike, description);
		problems.push(...differences(node.parameters, resolved, '').map((text) => `${node.name}: ${text}`));
		const issues = NodeHelpers.getNodeParametersIssues(
			description.properties,
			{ ...(nodeLike as object), parameters: resolved ?? {} } as Parameters<typeof NodeHelpers.getNodeParametersIssues>[1],
			description,
		);
		if (issues?.parameters) {
			for (const [name, messages] of Object.entries(issues.parameters)) problems.push(`${node.name}: ${name}: ${messages.join('; ')}`);
		}
	}
	return problems;
}

/**
 * n8n's Webhook node (v2) answering POSTs on a production path at once ("onReceived"): how the e2e
 * suites start workflows from outside (queue mode runs such executions on its workers).
 */
export function webhookNode(
	webhookPath: string,
	{ name = 'Webhook', position = [0, 0] }: { name?: string; position?: [number, number] } = {},
): WorkflowJson['nodes'][number] {
	return {
		id: randomUUID(),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position,
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	};
}

/**
 * The batch shape the e2e suites start from outside: Webhook (answers at once) on `path` → one item
 * per `body.items` entry → `generate` (the caller's Unifically node, placed at [440, 0]) → a NoOp named `after`.
 */
export function webhookBatchWorkflow({
	id,
	name,
	path: webhookPath,
	generate,
	after,
	settings,
}: {
	id: string;
	name: string;
	path: string;
	generate: WorkflowJson['nodes'][number];
	after: string;
	settings: Record<string, unknown>;
}): WorkflowJson {
	return {
		id,
		name,
		nodes: [
			webhookNode(webhookPath),
			{
				id: randomUUID(),
				name: 'One Item per Entry',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', options: {} },
			},
			generate,
			{ id: randomUUID(), name: after, type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [660, 0], parameters: {} },
		],
		connections: {
			Webhook: { main: [[{ node: 'One Item per Entry', type: 'main', index: 0 }]] },
			'One Item per Entry': { main: [[{ node: generate.name, type: 'main', index: 0 }]] },
			[generate.name]: { main: [[{ node: after, type: 'main', index: 0 }]] },
		},
		settings,
	};
}

/** A Unifically Trigger for finished and failed tasks, behind a Secret Token, at [0, 0]. */
export function unificallyTriggerNode(webhookId: string, secretToken: string): WorkflowJson['nodes'][number] {
	return {
		id: randomUUID(),
		name: 'Unifically Trigger',
		type: UNIFICALLY_TRIGGER,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: { statuses: ['completed', 'failed'], secretToken, options: {} },
	};
}
