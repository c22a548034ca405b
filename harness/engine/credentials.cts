/**
 * Credentials in the engine harness: decrypted data given by the test, applied by the credential
 * type's own `authenticate` as n8n's server does.
 */
import './environment.cjs';

import { Credentials } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { ICredentialsHelper, UnexpectedError, Workflow, isExpression } from 'n8n-workflow';

import { fromSource, type HarnessNodeTypes } from './nodeTypes.cjs';

const BUILT_IN_CREDENTIAL_TYPES: ReadonlyMap<string, () => ICredentialType> = new Map([
	['unificallyApi', fromSource('credentials/UnificallyApi.credentials', 'UnificallyApi') as unknown as () => ICredentialType],
]);

/**
 * Just enough of n8n's credentials helper for nodes run in tests: credential data
 * comes decrypted from the test, and `authenticate` applies the credential type's
 * `authenticate` (a function, or the declarative `generic` kind whose values are
 * expressions over `$credentials`), as n8n's server does.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	private readonly types = new Map(BUILT_IN_CREDENTIAL_TYPES);

	constructor(
		private readonly data: Record<string, ICredentialDataDecryptedObject>,
		extraTypes: ICredentialType[] = [],
	) {
		super();
		for (const type of extraTypes) this.types.set(type.name, () => type);
	}

	private type(name: string): ICredentialType {
		const factory = this.types.get(name);
		if (!factory) throw new UnexpectedError(`Unknown credential type "${name}"`);
		return factory();
	}

	getParentTypes(name: string): string[] {
		if (!this.types.has(name)) return [];
		const parents = this.type(name).extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type === 'generic') {
			if (!workflow || !node) {
				throw new UnexpectedError('Declarative credential authentication needs the workflow and the node');
			}
			const resolve = (value: string) => {
				if (!isExpression(value)) return value;
				const resolved = workflow.expression.getSimpleParameterValue(
					node,
					value,
					'internal',
					{ $credentials: credentials },
					undefined,
					'',
				);
				return resolved ? String(resolved) : '';
			};
			const target = requestOptions as unknown as Record<string, Record<string, unknown> | undefined>;
			for (const [where, entries] of Object.entries(authenticate.properties)) {
				const bag = (target[where] ??= {});
				for (const [key, value] of Object.entries(entries as Record<string, string>)) {
					bag[resolve(key)] = resolve(value);
				}
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	async preAuthentication(
		_helpers: IHttpRequestHelper,
		_credentials: ICredentialDataDecryptedObject,
		_typeName: string,
		_node: INode,
		_credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string) {
		return new Credentials(nodeCredentials, type, '');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.data[type];
		if (!data) {
			throw new UnexpectedError(`The test gave no credentials of type "${type}" to runWorkflow()`);
		}
		return structuredClone(data);
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

/**
 * Nodes read credentials only if the workflow node references them
 * (`node.credentials[type]`), as in the editor. Fill in that reference for any
 * credential type the node type declares and the test provides.
 */
export function attachCredentials(nodes: INode[], nodeTypes: HarnessNodeTypes, data: Record<string, unknown>) {
	return nodes.map((node) => {
		if (!nodeTypes.has(node.type)) return node;
		const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials ?? [];
		const credentials = { ...(node.credentials ?? {}) };
		for (const { name } of declared) {
			if (data[name] !== undefined && !credentials[name]) credentials[name] = { id: `test-${name}`, name };
		}
		return Object.keys(credentials).length > 0 ? { ...node, credentials } : node;
	});
}
