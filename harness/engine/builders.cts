/**
 * Small builders for workflow JSON in tests: a node with sensible defaults, a chain of main
 * connections.
 */
import './environment.cjs';

import type {
	IConnections,
	INode,
} from 'n8n-workflow';

let nodeCounter = 0;

/** A workflow node with sensible defaults (id, version 1, position). */
export function node(
	name: string,
	type: string,
	parameters: INode['parameters'] = {},
	extra: Partial<INode> = {},
): INode {
	nodeCounter += 1;
	return {
		id: `node-${nodeCounter}`,
		name,
		type,
		typeVersion: 1,
		position: [nodeCounter * 200, 0],
		parameters,
		...extra,
	};
}

/** `chain('A', 'B', 'C')` → main connections A → B → C. */
export function chain(...names: string[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < names.length; i++) {
		connections[names[i]] = { main: [[{ node: names[i + 1], type: 'main', index: 0 }]] };
	}
	return connections;
}
