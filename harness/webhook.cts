/**
 * A real local webhook endpoint for the Unifically Trigger, run through n8n-core.
 *
 * `startTriggerWebhook()` listens on 127.0.0.1 (node:http) and, for every request to the
 * trigger's production path (`/webhook/<webhookId>/callback`), does what n8n's webhook server
 * does on its minimal path (packages/cli/src/webhooks/webhook-helpers.ts `executeWebhook`,
 * middlewares/body-parser.ts, webhook.service.ts `runWebhook`, n8n 2.41):
 *
 * - parses the request like n8n: the content type and charset from `Content-Type`
 *   (`parseIncomingMessage`), the raw body, then `application/json` → `jsonParse` (a BOM
 *   stripped; a syntax error is n8n's 422 "Failed to parse request body" and the node never
 *   runs), `text/plain` → the string, `application/x-www-form-urlencoded` → querystring; the
 *   query string with `qs` (n8n sets express's `query parser` to `extended`, i.e. qs);
 * - gives the node a request and a response object shaped like express's (`req.body`,
 *   `req.query`, `req.headers`, `req.params`; `res.status().json()`, `res.send()`, `res.set()` …)
 *   built on the real `IncomingMessage` / `ServerResponse`, so what the node writes is what the
 *   HTTP client receives;
 * - builds n8n-core's real `WebhookContext` for the trigger node of a real `Workflow`
 *   (parameters with their defaults filled in by n8n-workflow), with `additionalData`, the
 *   credentials helper and the binary data service of the engine harness (./engine.cts), mode
 *   `webhook` (a production webhook), and calls the node's `webhook()` with it, then its close
 *   functions;
 * - answers like n8n when the node did not: a throw → 500 "Workflow Webhook Error: Workflow could
 *   not be started!"; no `noWebhookResponse` → `{message: 'Webhook call received'}` when nothing is
 *   emitted, or the `onReceived` default `{message: 'Workflow was started'}`.
 *
 * What it does not do: run the rest of the workflow (tests assert the emitted items), CORS,
 * multipart, XML, compressed bodies. A node that returns `noWebhookResponse` without answering
 * would leave n8n's client hanging; here the connection is closed and the call is marked
 * `response.sentBy: 'none'`.
 *
 *   const hook = await startTriggerWebhook({ parameters: { secretToken: 's' } });
 *   await fetch(`${hook.webhookUrl}?token=s`, { method: 'POST', body: '{...}', headers: {...} });
 *   const call = await hook.nextCall();
 *   expect(call.response.status).toBe(200);
 *   expect(call.items[0].json.task_id).toBe('...');
 *   await hook.close();
 *
 * The HTTP layer (express-like request and response, body and query parsing) is
 * ./webhook/http.cts; this file is the endpoint and the trigger's run.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { Container } from '@n8n/di';
import { BinaryDataService, ExecutionLifecycleHooks, WebhookContext } from 'n8n-core';
import type {
	CloseFunction,
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';

import {
	HarnessCredentialsHelper,
	HarnessNodeTypes,
	UNIFICALLY_TRIGGER,
	WORKFLOW_ID,
	attachCredentials,
	buildAdditionalData,
	node as workflowNode,
	useBinaryDataMode,
	type BinaryDataMode,
} from './engine.cjs';
import { expressResponse, parseContentType, parseRequestBody, qs, readRawBody, type WebhookRequest } from './webhook/http.cjs';

export const TRIGGER_NAME = 'Unifically Trigger';

export interface TriggerWebhookOptions {
	/** The trigger node's parameters (defaults are filled in as n8n does). */
	parameters?: INodeParameters;
	/** Decrypted credential data by type, e.g. `{ unificallyApi: {...} }` (referenced on the node). */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Where `prepareBinaryData` stores downloads. Default `default` (inline base64). */
	binaryDataMode?: BinaryDataMode;
	/** Node name (default "Unifically Trigger"). */
	nodeName?: string;
	/** The node's `webhookId` (n8n gives every webhook node one); default a random UUID. */
	webhookId?: string;
	/** Replace the trigger's node type (e.g. to check the harness itself). */
	nodeType?: INodeType;
}

export interface WebhookResponseRecord {
	status: number;
	headers: http.OutgoingHttpHeaders;
	/** The body as sent (first 64 KiB). */
	text: string;
	/** The body parsed as JSON, when it is JSON. */
	body: unknown;
	/** Who answered: the node through `getResponseObject()`, the harness on n8n's behalf, or nobody. */
	sentBy: 'node' | 'harness' | 'none';
	/** `Date.now()` when the last byte of the response was handed to the OS (`finish`). */
	finishedAt?: number;
}

export interface WebhookCall {
	/** 0, 1, 2 … in arrival order. */
	index: number;
	method: string;
	/** Path and query as requested. */
	url: string;
	query: IDataObject;
	headers: http.IncomingHttpHeaders;
	/** `req.body` as the node saw it (`getBodyData()`); undefined when the body was empty or not parsed. */
	body: unknown;
	/** Whether the node's `webhook()` ran (false when the request was refused before, e.g. unparsable JSON). */
	nodeRan: boolean;
	/** What `webhook()` returned. */
	result?: IWebhookResponseData;
	/** What it threw. */
	error?: Error;
	/** `result.workflowData`: what the trigger emitted (undefined: nothing). */
	workflowData?: INodeExecutionData[][];
	/** Items on the first output (empty when nothing was emitted). */
	items: INodeExecutionData[];
	response: WebhookResponseRecord;
	receivedAt: number;
	/** `Date.now()` when `webhook()` settled (after any download it awaited). */
	webhookSettledAt?: number;
}

export interface TriggerWebhook {
	/** http://127.0.0.1:<port> */
	baseUrl: string;
	/** The trigger's production URL, the `callback_url` to give the API. */
	webhookUrl: string;
	/** The workflow node (parameters as given, defaults not filled in). */
	node: INode;
	/** Finished calls (the node's `webhook()` settled and the response is closed), in arrival order. */
	readonly calls: WebhookCall[];
	/** Resolves with call number `index` (default: the next one not yet taken by `nextCall`). */
	nextCall(timeoutMs?: number): Promise<WebhookCall>;
	call(index: number, timeoutMs?: number): Promise<WebhookCall>;
	/** Requests received so far (finished or not). */
	readonly received: number;
	/** The bytes of `item.binary[prop]`, inline or from the binary data store. */
	binaryOf(item: INodeExecutionData, prop?: string): Promise<Buffer>;
	close(): Promise<void>;
}

const MAX_RECORDED_BODY = 64 * 1024;


export async function startTriggerWebhook(options: TriggerWebhookOptions = {}): Promise<TriggerWebhook> {
	const credentials = options.credentials ?? {};
	const nodeName = options.nodeName ?? TRIGGER_NAME;
	const webhookId = options.webhookId ?? randomUUID();
	await useBinaryDataMode(options.binaryDataMode ?? 'default');
	const nodeTypes = new HarnessNodeTypes(options.nodeType ? { [UNIFICALLY_TRIGGER]: options.nodeType } : {});
	const credentialsHelper = new HarnessCredentialsHelper(credentials);
	const triggerNode = workflowNode(nodeName, UNIFICALLY_TRIGGER, options.parameters ?? {}, { webhookId });
	const [node] = attachCredentials([triggerNode], nodeTypes, credentials);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks?.find((webhook) => webhook.name === 'default');
	if (!description || typeof nodeType.webhook !== 'function') {
		throw new UnexpectedError(`${node.type} has no default webhook`);
	}
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Trigger webhook test',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
	});
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: workflow.name ?? 'Trigger webhook test',
		active: true,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
	};
	const webhookPath = NodeHelpers.getNodeWebhookPath(WORKFLOW_ID, node, String(description.path), false, false);
	const httpMethod = String(description.httpMethod).toUpperCase();
	const mode: WorkflowExecuteMode = 'webhook';

	const calls: WebhookCall[] = [];
	const waiters = new Map<number, Array<(call: WebhookCall) => void>>();
	let received = 0;
	let taken = 0;
	let baseUrl = '';
	const sockets = new Set<import('node:net').Socket>();

	const finishCall = (call: WebhookCall) => {
		calls.push(call);
		calls.sort((a, b) => a.index - b.index);
		for (const resolve of waiters.get(call.index) ?? []) resolve(call);
		waiters.delete(call.index);
	};

	async function handle(req: http.IncomingMessage, res: http.ServerResponse, index: number) {
		const receivedAt = Date.now();
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const request = req as WebhookRequest;
		const response = expressResponse(res);

		// Record what is written, and by whom.
		let harnessWriting = false;
		let firstWriter: 'node' | 'harness' | undefined;
		const sent: Buffer[] = [];
		let sentLength = 0;
		const keep = (chunk: unknown, encoding?: unknown) => {
			if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
			const buffer = Buffer.isBuffer(chunk)
				? chunk
				: Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
			if (sentLength < MAX_RECORDED_BODY) sent.push(buffer.subarray(0, MAX_RECORDED_BODY - sentLength));
			sentLength += buffer.length;
		};
		const originalWrite = res.write.bind(res) as (...args: unknown[]) => boolean;
		const originalEnd = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
		const originalWriteHead = res.writeHead.bind(res) as (...args: unknown[]) => http.ServerResponse;
		const noteWriter = () => (firstWriter ??= harnessWriting ? 'harness' : 'node');
		(res as unknown as { writeHead: unknown }).writeHead = (...args: unknown[]) => {
			noteWriter();
			return originalWriteHead(...args);
		};
		(res as unknown as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
			noteWriter();
			keep(chunk, rest[0]);
			return originalWrite(chunk, ...rest);
		};
		(res as unknown as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
			noteWriter();
			keep(chunk, rest[0]);
			return originalEnd(chunk, ...rest);
		};
		let finishedAt: number | undefined;
		const finished = new Promise<void>((resolve) => {
			res.once('finish', () => {
				finishedAt = Date.now();
				resolve();
			});
			res.once('close', () => resolve());
		});
		const answer = (status: number, body: IDataObject) => {
			if (res.headersSent || res.writableEnded) return;
			harnessWriting = true;
			try {
				response.status(status).json(body);
			} finally {
				harnessWriting = false;
			}
		};

		const call: WebhookCall = {
			index,
			method: req.method ?? 'GET',
			url: req.url ?? '/',
			query: {},
			headers: req.headers,
			body: undefined,
			nodeRan: false,
			items: [],
			receivedAt,
			response: { status: 0, headers: {}, text: '', body: undefined, sentBy: 'none' },
		};

		try {
			// Routing: only the trigger's production webhook is registered.
			const path = url.pathname.replace(/^\/webhook\//, '');
			if (!url.pathname.startsWith('/webhook/') || path.replace(/\/$/, '') !== webhookPath) {
				await readRawBody(req);
				answer(404, { code: 404, message: `The requested webhook "${url.pathname}" is not registered.` });
				return;
			}
			if (call.method !== httpMethod) {
				await readRawBody(req);
				answer(404, {
					code: 404,
					message: `This webhook is not registered for ${call.method} requests. Did you mean to make a ${httpMethod} request?`,
				});
				return;
			}

			// The request as n8n prepares it (rawBodyReader, query parser, parseRequestBody).
			const { type: contentType, charset } = parseContentType(req.headers['content-type']);
			request.contentType = contentType;
			request.encoding = charset;
			request.path = url.pathname;
			request.params = {};
			request.query = qs.parse(url.search.replace(/^\?/, ''), { allowPrototypes: true });
			request.get = (name: string) => req.headers[name.toLowerCase()];
			request.header = request.get;
			call.query = request.query;
			request.rawBody = await readRawBody(req);
			if (request.rawBody.length > 0) {
				try {
					request.body = parseRequestBody(request.rawBody, contentType, charset);
				} catch (error) {
					answer(422, { code: 422, message: 'Failed to parse request body', hint: (error as Error).message });
					return;
				}
			}
			call.body = request.body;

			// n8n's WebhookService.runWebhook with the webhook server's additionalData.
			const executionId = randomUUID();
			const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
			const additionalData: IWorkflowExecuteAdditionalData = buildAdditionalData({
				hooks,
				credentialsHelper,
				executionId,
			});
			additionalData.webhookBaseUrl = `${baseUrl}/webhook`;
			additionalData.webhookTestBaseUrl = `${baseUrl}/webhook-test`;
			additionalData.webhookWaitingBaseUrl = `${baseUrl}/webhook-waiting`;
			(additionalData as unknown as { httpRequest: unknown; httpResponse: unknown }).httpRequest = request;
			(additionalData as unknown as { httpRequest: unknown; httpResponse: unknown }).httpResponse = response;
			const webhookData: IWebhookData = {
				httpMethod: httpMethod as IWebhookData['httpMethod'],
				node: node.name,
				path: webhookPath,
				webhookDescription: description as IWebhookDescription,
				workflowId: WORKFLOW_ID,
				workflowExecuteAdditionalData: additionalData,
				webhookId,
				isTest: false,
			};
			const workflowNodeOfRun = workflow.getNode(node.name) as INode; // parameters with defaults
			const closeFunctions: CloseFunction[] = [];
			const context = new WebhookContext(
				workflow,
				workflowNodeOfRun,
				additionalData,
				mode,
				webhookData,
				closeFunctions,
				null,
			);
			call.nodeRan = true;
			let result: IWebhookResponseData;
			try {
				result = await (nodeType.webhook as (this: WebhookContext) => Promise<IWebhookResponseData>).call(context);
			} catch (error) {
				call.error = error as Error;
				call.webhookSettledAt = Date.now();
				answer(500, { code: 500, message: 'Workflow Webhook Error: Workflow could not be started!' });
				return;
			} finally {
				await Promise.allSettled(closeFunctions.map(async (close) => await close()));
			}
			call.webhookSettledAt = Date.now();
			call.result = result;
			call.workflowData = result.workflowData;
			call.items = result.workflowData?.[0] ?? [];

			// handleImmediateWebhookResponse, then the onReceived default.
			if (result.noWebhookResponse !== true) {
				if (result.workflowData === undefined) {
					answer(200, (result.webhookResponse as IDataObject | undefined) ?? { message: 'Webhook call received' });
				} else {
					answer(200, (result.webhookResponse as IDataObject | undefined) ?? { message: 'Workflow was started' });
				}
			}
		} catch (error) {
			call.error ??= error as Error;
			answer(500, { code: 500, message: (error as Error).message });
		} finally {
			// A node that claimed the response but never answered: n8n would leave the client hanging.
			if (!res.writableEnded) {
				res.destroy();
			}
			await finished;
			const text = Buffer.concat(sent).toString('utf8');
			let body: unknown;
			try {
				body = text ? JSON.parse(text) : undefined;
			} catch {
				body = undefined;
			}
			call.response = {
				status: firstWriter ? res.statusCode : 0,
				headers: res.getHeaders(),
				text,
				body,
				sentBy: firstWriter ?? 'none',
				finishedAt,
			};
			finishCall(call);
		}
	}

	const server = http.createServer((req, res) => {
		const index = received++;
		void handle(req, res, index);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.once('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	const call = (index: number, timeoutMs = 15_000) => {
		const done = calls.find((candidate) => candidate.index === index);
		if (done) return Promise.resolve(done);
		return new Promise<WebhookCall>((resolve, reject) => {
			const timer = setTimeout(() => {
				reject(new UnexpectedError(`Webhook call #${index} did not finish within ${timeoutMs} ms (${received} received)`));
			}, timeoutMs);
			const list = waiters.get(index) ?? [];
			list.push((finishedCall) => {
				clearTimeout(timer);
				resolve(finishedCall);
			});
			waiters.set(index, list);
		});
	};

	return {
		baseUrl,
		webhookUrl: `${baseUrl}/webhook/${webhookPath}`,
		node: triggerNode,
		calls,
		get received() {
			return received;
		},
		call,
		nextCall: async (timeoutMs?: number) => await call(taken++, timeoutMs),
		binaryOf: async (item, prop = 'data') => {
			const binary = item.binary?.[prop];
			if (!binary) {
				throw new UnexpectedError(
					`Item has no binary property "${prop}" (available: ${Object.keys(item.binary ?? {}).join(', ') || 'none'})`,
				);
			}
			return await Container.get(BinaryDataService).getAsBuffer(binary);
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
