import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import type {
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MANUAL_TRIGGER, SET_ITEMS, UNIFICALLY, chain, getNodeType, node, runWorkflow } from '../../harness/engine.cjs';

// --- a local HTTP server standing in for the API --------------------------------

interface SeenRequest {
	method?: string;
	url?: string;
	headers: IncomingHttpHeaders;
}

const seen: SeenRequest[] = [];
let server: Server;
let baseUrl: string;

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push({ method: req.method, url: req.url, headers: req.headers });
		if (req.url === '/v1/echo') {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: true, auth: req.headers.authorization ?? null }));
			return;
		}
		res.writeHead(404, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: 'not found' }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
});

// --- test-only node and credential types --------------------------------------

/** Same shape as the package's credential: generic auth with an expression header. */
class TestApiCredential implements ICredentialType {
	name = 'unificallyApi';
	displayName = 'Test Unifically API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
		{ displayName: 'Requests per second', name: 'requestsPerSecond', type: 'number', default: 0 },
	];
	authenticate = {
		type: 'generic' as const,
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiKey}}' } },
	};
}

const description = (name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: name,
	defaults: { name },
	inputs: ['main'],
	outputs: ['main'],
	properties: [],
	...extra,
});

/** Calls the API with the node's credential, once per item. */
class CallApi implements INodeType {
	description = description('callApi', {
		credentials: [{ name: 'unificallyApi', required: true }],
		properties: [{ displayName: 'Path', name: 'path', type: 'string', default: '/v1/echo' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials('unificallyApi');
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'unificallyApi', {
					method: 'GET',
					url: `${credentials.baseUrl as string}${this.getNodeParameter('path', i) as string}`,
					json: true,
				})) as IDataObject;
				out.push({ json: response, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

/** Emits binary data, from a buffer or a stream. */
class MakeBinary implements INodeType {
	description = description('makeBinary', {
		properties: [
			{ displayName: 'Size', name: 'size', type: 'number', default: 16 },
			{ displayName: 'As stream', name: 'asStream', type: 'boolean', default: false },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const size = this.getNodeParameter('size', 0) as number;
		const asStream = this.getNodeParameter('asStream', 0) as boolean;
		const bytes = patternBytes(size);
		const source = asStream ? Readable.from(chunks(bytes, 64 * 1024)) : bytes;
		const data = await this.helpers.prepareBinaryData(source, 'clip.mp4', 'video/mp4');
		return [[{ json: { size }, binary: { data }, pairedItem: { item: 0 } }]];
	}
}

/** Copies each item, adding the value of an expression parameter. */
class Tag implements INodeType {
	description = description('tag', {
		properties: [{ displayName: 'Label', name: 'label', type: 'string', default: '' }],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((item, i) => ({
				json: { ...item.json, label: this.getNodeParameter('label', i) as string },
				pairedItem: { item: i },
			})),
		];
	}
}

/** Waits until the execution is cancelled (or 10 s). */
class Hang implements INodeType {
	description = description('hang');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		await new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, 10_000);
			signal?.addEventListener('abort', () => {
				clearTimeout(timer);
				resolve();
			});
		});
		return [[{ json: { aborted: signal?.aborted ?? false } }]];
	}
}

/** Always fails. */
class Explode implements INodeType {
	description = description('explode');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'Boom: the node failed');
	}
}

const nodeTypes = {
	'test.callApi': new CallApi(),
	'test.makeBinary': new MakeBinary(),
	'test.tag': new Tag(),
	'test.explode': new Explode(),
	'test.hang': new Hang(),
};
const credentialTypes = [new TestApiCredential()];
const credentials = () => ({ unificallyApi: { apiKey: 'sk-test-123', baseUrl, requestsPerSecond: 0 } });

function patternBytes(size: number) {
	const bytes = Buffer.alloc(size);
	for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) % 251;
	return bytes;
}

function* chunks(buffer: Buffer, size: number) {
	for (let offset = 0; offset < buffer.length; offset += size) yield buffer.subarray(offset, offset + size);
}

const trigger = () => node('Start', MANUAL_TRIGGER);

// --- tests -------------------------------------------------------------------

describe('engine harness', () => {
	it('runs a workflow through WorkflowExecute, passing items and pairedItem along', async () => {
		const result = await runWorkflow({
			nodes: [
				trigger(),
				node('Items', SET_ITEMS, { itemsJson: JSON.stringify([{ name: 'a' }, { name: 'b' }, { name: 'c' }]) }),
				node('Tag', 'test.tag', { label: '={{ $json.name.toUpperCase() }}-{{ $itemIndex }}' }),
			],
			connections: chain('Start', 'Items', 'Tag'),
			nodeTypes,
		});

		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.executionOrder).toEqual(['Start', 'Items', 'Tag']);
		expect(result.outputOf('Start')).toEqual([expect.objectContaining({ json: {} })]);
		expect(result.outputOf('Items').map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 0 }, { item: 0 }]);
		expect(result.outputOf('Tag')).toEqual([
			{ json: { name: 'a', label: 'A-0' }, pairedItem: { item: 0 } },
			{ json: { name: 'b', label: 'B-1' }, pairedItem: { item: 1 } },
			{ json: { name: 'c', label: 'C-2' }, pairedItem: { item: 2 } },
		]);
		expect(result.taskOf('Tag').source).toEqual([expect.objectContaining({ previousNode: 'Items' })]);
	});

	it('also runs in cli mode and accepts a workflow JSON object', async () => {
		const result = await runWorkflow({
			mode: 'cli',
			workflow: {
				name: 'json workflow',
				nodes: [trigger(), node('Items', SET_ITEMS, { itemsJson: '[{"x":1}]' })],
				connections: chain('Start', 'Items'),
			},
		});
		expect(result.status).toBe('success');
		expect(result.outputOf('Items')).toEqual([{ json: { x: 1 }, pairedItem: { item: 0 } }]);
	});

	it('applies the credential generic authenticate (Authorization: Bearer <apiKey>)', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Call', 'test.callApi')],
			connections: chain('Start', 'Call'),
			nodeTypes,
			credentialTypes,
			credentials: credentials(),
		});

		expect(result.status).toBe('success');
		expect(seen).toHaveLength(1);
		expect(seen[0].headers.authorization).toBe('Bearer sk-test-123');
		expect(result.outputOf('Call')).toEqual([{ json: { ok: true, auth: 'Bearer sk-test-123' }, pairedItem: { item: 0 } }]);
	});

	it('reports a node error and stops the workflow', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Explode', 'test.explode'), node('After', 'test.tag')],
			connections: chain('Start', 'Explode', 'After'),
			nodeTypes,
		});

		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Boom: the node failed');
		expect(result.errorOf('Explode')?.message).toBe('Boom: the node failed');
		expect(result.runData.After).toBeUndefined();
		expect(() => result.outputOf('After')).toThrow(/did not run/);
	});

	it("continues on fail with onError 'continueRegularOutput' (engine level)", async () => {
		const result = await runWorkflow({
			nodes: [
				trigger(),
				node('Explode', 'test.explode', {}, { onError: 'continueRegularOutput' }),
				node('After', 'test.tag', { label: 'reached' }),
			],
			connections: chain('Start', 'Explode', 'After'),
			nodeTypes,
		});

		expect(result.status).toBe('success');
		expect(result.errorOf('Explode')?.message).toBe('Boom: the node failed');
		// n8n passes the failed node's input through when it continues on error
		expect(result.outputOf('After')).toEqual([{ json: { label: 'reached' }, pairedItem: { item: 0 } }]);
	});

	it("lets the node see continueOnFail() with onError 'continueRegularOutput' (node level)", async () => {
		const nodes = [
			trigger(),
			node('Call', 'test.callApi', { path: '/v1/missing' }, { onError: 'continueRegularOutput' }),
		];
		const result = await runWorkflow({
			nodes,
			connections: chain('Start', 'Call'),
			nodeTypes,
			credentialTypes,
			credentials: credentials(),
		});

		expect(result.status).toBe('success');
		const [item] = result.outputOf('Call');
		expect(item.json.error).toEqual(expect.stringMatching(/could not be found/i));
		expect(seen[0].url).toBe('/v1/missing');

		// without onError, the same 404 fails the workflow
		const failing = await runWorkflow({
			nodes: [trigger(), node('Call', 'test.callApi', { path: '/v1/missing' })],
			connections: chain('Start', 'Call'),
			nodeTypes,
			credentialTypes,
			credentials: credentials(),
		});
		expect(failing.status).toBe('error');
		expect(failing.errorOf('Call')?.message).toMatch(/could not be found/i);
		expect(failing.errorOf('Call')).toEqual(expect.objectContaining({ httpCode: '404' }));
	});

	it('fails clearly when the credential is missing', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Call', 'test.callApi')],
			connections: chain('Start', 'Call'),
			nodeTypes,
			credentialTypes,
		});
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/credentials/i);
	});

	it('keeps binary data inline in default mode', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Make', 'test.makeBinary', { size: 1000 })],
			connections: chain('Start', 'Make'),
			nodeTypes,
		});

		expect(result.status).toBe('success');
		const [item] = result.outputOf('Make');
		expect(item.binary?.data).toEqual(
			expect.objectContaining({ fileName: 'clip.mp4', mimeType: 'video/mp4', fileExtension: 'mp4', bytes: 1000 }),
		);
		expect(item.binary?.data.id).toBeUndefined();
		expect(result.binaryOf(item, 'data').equals(patternBytes(1000))).toBe(true);
		expect(() => result.binaryPathOf(item, 'data')).toThrow(/in memory/);
	});

	it('streams binary data to disk in filesystem mode', async () => {
		const size = 3 * 1024 * 1024 + 17;
		const result = await runWorkflow({
			nodes: [trigger(), node('Make', 'test.makeBinary', { size, asStream: true })],
			connections: chain('Start', 'Make'),
			nodeTypes,
			binaryDataMode: 'filesystem',
		});

		expect(result.status).toBe('success');
		const [item] = result.outputOf('Make');
		const binary = item.binary!.data;
		expect(binary.id).toMatch(/^filesystem(-v2)?:/);
		expect(binary.bytes).toBe(size);
		expect(binary.data).not.toHaveLength(size); // not inlined
		const file = result.binaryPathOf(item, 'data');
		expect(statSync(file).size).toBe(size);
		expect(result.binaryOf(item, 'data').equals(patternBytes(size))).toBe(true);

		// a later run in default mode does not break reading the earlier files
		const inline = await runWorkflow({
			nodes: [trigger(), node('Make', 'test.makeBinary', { size: 8 })],
			connections: chain('Start', 'Make'),
			nodeTypes,
		});
		expect(inline.outputOf('Make')[0].binary?.data.id).toBeUndefined();
		expect(result.binaryOf(item, 'data')).toHaveLength(size);

		await result.cleanup();
		expect(existsSync(file)).toBe(false);
	});

	it('uses the package credential type from source (credentials/UnificallyApi.credentials.ts)', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Call', 'test.callApi')],
			connections: chain('Start', 'Call'),
			nodeTypes,
			credentials: { unificallyApi: { apiKey: 'real-cred-key', baseUrl, requestsPerSecond: 10 } },
		});
		expect(result.status).toBe('success');
		expect(seen.map((request) => request.headers.authorization)).toEqual(['Bearer real-cred-key']);
	});

	it('resolves the package node by its full and its bare type name', () => {
		const full = getNodeType(UNIFICALLY);
		expect(full.description.name).toBe('unifically');
		expect(getNodeType('unifically')).toBe(full);
		expect(full.description.credentials?.map((credential) => credential.name)).toContain('unificallyApi');
		// extra node types registered under the package prefix get the bare alias too
		const tag = new Tag();
		expect(getNodeType('myTestNode', 1, { 'n8n-nodes-unifically.myTestNode': tag })).toBe(tag);
	});

	it('fails with the list of known types for an unknown node type', async () => {
		const outcome = await runWorkflow({
			nodes: [trigger(), node('Nope', 'n8n-nodes-base.doesNotExist')],
			connections: chain('Start', 'Nope'),
		}).then(
			(result) => result.error?.message ?? result.status,
			(error: Error) => error.message,
		);
		expect(outcome).toMatch(/Unknown node type "n8n-nodes-base.doesNotExist"/);
	});

	it('runs only up to destinationNode', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Items', SET_ITEMS, { itemsJson: '{"a":1}' }), node('Tag', 'test.tag')],
			connections: chain('Start', 'Items', 'Tag'),
			nodeTypes,
			destinationNode: 'Items',
		});
		expect(result.status).toBe('success');
		expect(result.executionOrder).toEqual(['Start', 'Items']);
		expect(result.outputOf('Items')).toEqual([{ json: { a: 1 }, pairedItem: { item: 0 } }]);
	});

	it('uses pinned data instead of running a node', async () => {
		const result = await runWorkflow({
			nodes: [trigger(), node('Explode', 'test.explode'), node('Tag', 'test.tag', { label: '=n={{ $json.n }}' })],
			connections: chain('Start', 'Explode', 'Tag'),
			nodeTypes,
			pinData: { Explode: [{ json: { n: 7 } }] },
		});
		expect(result.status).toBe('success');
		expect(result.outputOf('Tag')).toEqual([{ json: { n: 7, label: 'n=7' }, pairedItem: { item: 0 } }]);
	});

	it('cancels a run that exceeds timeoutMs', async () => {
		const started = Date.now();
		const result = await runWorkflow({
			nodes: [trigger(), node('Hang', 'test.hang')],
			connections: chain('Start', 'Hang'),
			nodeTypes,
			timeoutMs: 300,
		});
		expect(result.status).toBe('canceled');
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});
