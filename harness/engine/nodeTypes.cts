/**
 * The node types the engine harness runs: this package's nodes, loaded from their sources, and the
 * stand-ins for n8n's own (harness/nodes/: Manual Trigger, a node that emits given items).
 */
import './environment.cjs';

import path from 'node:path';

import type {
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

import { PACKAGE_NAME, REPO_ROOT } from './environment.cjs';
import { ManualTrigger } from '../nodes/ManualTrigger.node.cjs';
import { SetItems } from '../nodes/SetItems.node.cjs';
import { BinaryItems } from '../nodes/BinaryItems.node.cjs';

type NodeTypeFactory = () => INodeType | IVersionedNodeType;

/** Loads a class exported from a source file of this package (lazily: it may not exist yet). */
export function fromSource(relativePath: string, className: string): NodeTypeFactory {
	let instance: INodeType | IVersionedNodeType | undefined;
	return () => {
		if (!instance) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(path.join(REPO_ROOT, relativePath)) as Record<string, new () => INodeType>;
			const NodeClass = exported[className];
			if (typeof NodeClass !== 'function') {
				throw new UnexpectedError(`${relativePath} does not export class ${className}`);
			}
			instance = new NodeClass();
		}
		return instance;
	};
}

const manualTrigger = new ManualTrigger();
const setItems = new SetItems();
const binaryItems = new BinaryItems();
const BUILT_IN_NODE_TYPES: ReadonlyMap<string, NodeTypeFactory> = new Map<string, NodeTypeFactory>([
	['n8n-nodes-base.manualTrigger', () => manualTrigger],
	['test.items', () => setItems],
	['test.binaryItems', () => binaryItems],
	[`${PACKAGE_NAME}.unifically`, fromSource('nodes/Unifically/Unifically.node', 'Unifically')],
	[
		`${PACKAGE_NAME}.unificallyTrigger`,
		fromSource('nodes/UnificallyTrigger/UnificallyTrigger.node', 'UnificallyTrigger'),
	],
]);

export class HarnessNodeTypes implements INodeTypes {
	private readonly factories = new Map(BUILT_IN_NODE_TYPES);

	constructor(extra: Record<string, INodeType | IVersionedNodeType> = {}) {
		for (const [name, type] of Object.entries(extra)) this.factories.set(name, () => type);
	}

	/** Accepts `<package>.<name>` as well as the bare `<name>` for this package's nodes. */
	private resolve(type: string): NodeTypeFactory | undefined {
		return this.factories.get(type) ?? this.factories.get(`${PACKAGE_NAME}.${type}`);
	}

	has(type: string) {
		return this.resolve(type) !== undefined;
	}

	getByName(type: string): INodeType | IVersionedNodeType {
		const factory = this.resolve(type);
		if (!factory) {
			throw new UnexpectedError(`Unknown node type "${type}" (known: ${[...this.factories.keys()].join(', ')})`);
		}
		return factory();
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.factories.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}
}

/**
 * The node type `runWorkflow` would use for `type` (the package's own nodes by
 * `n8n-nodes-unifically.<name>` or bare `<name>`, the test stand-ins, or `extra`).
 */
export function getNodeType(
	type: string,
	version?: number,
	extra?: Record<string, INodeType | IVersionedNodeType>,
): INodeType {
	return new HarnessNodeTypes(extra).getByNameAndVersion(type, version);
}

/** Node type names of the stand-ins and of this package's nodes, for workflows in tests. */
export const MANUAL_TRIGGER = 'n8n-nodes-base.manualTrigger';
export const SET_ITEMS = 'test.items';
export const BINARY_ITEMS = 'test.binaryItems';
export const UNIFICALLY = `${PACKAGE_NAME}.unifically`;
export const UNIFICALLY_TRIGGER = `${PACKAGE_NAME}.unificallyTrigger`;
