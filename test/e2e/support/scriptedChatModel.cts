/**
 * A scripted OpenAI-compatible chat model for end-to-end tests of AI Agent workflows: n8n's
 * "OpenAI Chat Model" node, its credential's Base URL pointed here, gets the answers a test
 * scripts — a tool call with the arguments it chooses, then a final message — instead of a real
 * model's. Every request is recorded (messages and the tools n8n offered) for the test to check.
 *
 *   const model = await startScriptedChatModel((request) =>
 *     request.toolResults.length === 0
 *       ? { toolCall: { tool: /^Generate/, arguments: { model: 'google/veo-3.1-fast', prompt: 'A fox' } } }
 *       : { content: `Done: ${request.toolResults.at(-1)}` });
 *   … credential url: model.url (ends in /v1) …
 *   expect(model.requests).toHaveLength(2);
 *
 * Serves POST /v1/chat/completions (plain JSON, or server-sent events when `stream` is asked) and
 * GET /v1/models. Listens on 127.0.0.1 on a free port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface OfferedTool {
	name: string;
	description: string;
	parameters: { type: string; properties?: Record<string, { type?: string; description?: string; default?: unknown }>; required?: string[] };
}

export interface ChatRequest {
	body: Record<string, unknown>;
	messages: ChatMessage[];
	tools: OfferedTool[];
	/** The contents of the `tool` messages so far (the results of earlier tool calls), in order. */
	toolResults: string[];
}

export type ScriptedAnswer =
	| { content: string }
	/** `tool`: the offered tool's name, or a pattern it must match (n8n names a tool after its node). */
	| { toolCall: { tool: string | RegExp; arguments: Record<string, unknown> } };

export interface ScriptedChatModel {
	/** Base URL for the OpenAI credential (`http://127.0.0.1:<port>/v1`). */
	url: string;
	requests: ChatRequest[];
	/** Errors the script or the server met (a request n8n sent that the script could not answer). */
	errors: string[];
	close(): Promise<void>;
}

const textOf = (content: unknown): string =>
	typeof content === 'string'
		? content
		: Array.isArray(content)
			? content.map((part) => (typeof part === 'object' && part && 'text' in part ? String(part.text) : '')).join('')
			: JSON.stringify(content);

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
	const chunks: Buffer[] = [];
	for await (const chunk of request) chunks.push(chunk as Buffer);
	return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, body: unknown) {
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
}

export async function startScriptedChatModel(
	script: (request: ChatRequest) => ScriptedAnswer | Promise<ScriptedAnswer>,
): Promise<ScriptedChatModel> {
	const requests: ChatRequest[] = [];
	const errors: string[] = [];
	let counter = 0;

	async function answer(request: IncomingMessage, response: ServerResponse) {
		const path = (request.url ?? '').split('?')[0];
		if (request.method === 'GET' && path.endsWith('/models')) {
			return send(response, 200, { object: 'list', data: [{ id: 'scripted-model', object: 'model', owned_by: 'test' }] });
		}
		if (request.method !== 'POST' || !path.endsWith('/chat/completions')) {
			errors.push(`unexpected ${request.method} ${request.url}`);
			return send(response, 404, { error: { message: `No route ${request.method} ${path}`, type: 'invalid_request_error' } });
		}
		const body = await readJson(request);
		const messages = (body.messages ?? []) as ChatMessage[];
		const tools = ((body.tools ?? []) as Array<{ function: OfferedTool }>).map((tool) => tool.function);
		const chat: ChatRequest = {
			body,
			messages,
			tools,
			toolResults: messages.filter((message) => message.role === 'tool').map((message) => textOf(message.content)),
		};
		requests.push(chat);
		const scripted = await script(chat);
		const id = `chatcmpl-${++counter}`;
		let message: Record<string, unknown>;
		if ('toolCall' in scripted) {
			const { tool, arguments: args } = scripted.toolCall;
			const offered = tools.find((candidate) => (typeof tool === 'string' ? candidate.name === tool : tool.test(candidate.name)));
			if (!offered) {
				const error = `no offered tool matches ${String(tool)} (offered: ${tools.map((t) => t.name).join(', ') || 'none'})`;
				errors.push(error);
				return send(response, 400, { error: { message: error, type: 'invalid_request_error' } });
			}
			message = {
				role: 'assistant',
				content: null,
				tool_calls: [{ id: `call_${counter}`, type: 'function', function: { name: offered.name, arguments: JSON.stringify(args) } }],
			};
		} else {
			message = { role: 'assistant', content: scripted.content };
		}
		const finishReason = 'toolCall' in scripted ? 'tool_calls' : 'stop';
		const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
		const created = Math.floor(Date.now() / 1000);
		if (body.stream === true) {
			response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
			const delta =
				'toolCall' in scripted
					? { role: 'assistant', tool_calls: (message.tool_calls as Array<Record<string, unknown>>).map((call, index) => ({ index, ...call })) }
					: { role: 'assistant', content: message.content };
			const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
				`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [choice], ...extra })}\n\n`;
			response.write(chunk({ index: 0, delta, finish_reason: null }));
			response.write(chunk({ index: 0, delta: {}, finish_reason: finishReason }, { usage }));
			response.end('data: [DONE]\n\n');
			return;
		}
		send(response, 200, {
			id,
			object: 'chat.completion',
			created,
			model: body.model,
			choices: [{ index: 0, message, finish_reason: finishReason }],
			usage,
		});
	}

	const server: Server = createServer((request, response) => {
		answer(request, response).catch((error: unknown) => {
			errors.push(String(error));
			if (!response.headersSent) send(response, 500, { error: { message: String(error), type: 'server_error' } });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		requests,
		errors,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
