/**
 * The HTTP layer of the trigger's webhook endpoint (../webhook.cts), as n8n's webhook server has
 * it (n8n 2.41: middlewares/body-parser.ts, the express app's `query parser: extended`): the
 * express-like request and response objects a node gets, built on node:http's real ones, the
 * `Content-Type` and body parsing, and the query string parser.
 */
import * as http from 'node:http';
import { parse as parseQueryString } from 'node:querystring';

import type { IDataObject } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';


// n8n's own query parser (express `query parser: extended`); a dependency of n8n-core's
// @n8n/backend-network, so it is the very version n8n ships with.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const qs = require('qs') as { parse(text: string, options?: { allowPrototypes?: boolean }): IDataObject };

/** The express-like request the node gets (`getRequestObject()`); only what n8n sets on this path. */
export type WebhookRequest = http.IncomingMessage & {
	body?: unknown;
	query: IDataObject;
	params: IDataObject;
	rawBody?: Buffer;
	contentType?: string;
	encoding?: BufferEncoding;
	path: string;
	get(name: string): string | string[] | undefined;
	header(name: string): string | string[] | undefined;
};

/** The express-like response the node gets (`getResponseObject()`). */
export type WebhookResponse = http.ServerResponse & {
	status(code: number): WebhookResponse;
	sendStatus(code: number): WebhookResponse;
	set(field: string | Record<string, string>, value?: string): WebhookResponse;
	header(field: string | Record<string, string>, value?: string): WebhookResponse;
	type(contentType: string): WebhookResponse;
	json(body: unknown): WebhookResponse;
	send(body?: unknown): WebhookResponse;
};

/** `Content-Type` → lower-case type and charset (utf-8 unless given), as n8n's parseIncomingMessage. */
export function parseContentType(header: string | undefined): { type?: string; charset: BufferEncoding } {
	if (!header) return { charset: 'utf-8' };
	const [type, ...parameters] = header.split(';');
	let charset = 'utf-8';
	for (const parameter of parameters) {
		const [key, value] = parameter.split('=');
		if (key?.trim().toLowerCase() === 'charset' && value) charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
	}
	return { type: type.trim().toLowerCase(), charset: charset as BufferEncoding };
}

export async function readRawBody(req: http.IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** Adds express's response methods to a real ServerResponse. */
export function expressResponse(res: http.ServerResponse): WebhookResponse {
	const response = res as WebhookResponse;
	const setHeaders = (field: string | Record<string, string>, value?: string) => {
		if (typeof field === 'string') response.setHeader(field, value ?? '');
		else for (const [name, headerValue] of Object.entries(field)) response.setHeader(name, headerValue);
		return response;
	};
	response.status = (code: number) => {
		response.statusCode = code;
		return response;
	};
	response.set = setHeaders;
	response.header = setHeaders;
	response.type = (contentType: string) => setHeaders('Content-Type', contentType);
	response.send = (body?: unknown) => {
		if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return response.json(body);
		if (typeof body === 'string') {
			if (!response.getHeader('Content-Type')) response.setHeader('Content-Type', 'text/html; charset=utf-8');
			response.end(body);
		} else if (Buffer.isBuffer(body)) {
			if (!response.getHeader('Content-Type')) response.setHeader('Content-Type', 'application/octet-stream');
			response.end(body);
		} else {
			response.end(body === undefined ? undefined : String(body));
		}
		return response;
	};
	response.json = (body: unknown) => {
		if (!response.getHeader('Content-Type')) response.setHeader('Content-Type', 'application/json; charset=utf-8');
		response.end(JSON.stringify(body));
		return response;
	};
	response.sendStatus = (code: number) => {
		response.statusCode = code;
		return response.send(http.STATUS_CODES[code] ?? String(code));
	};
	return response;
}

/**
 * The body as n8n parses it: `application/json` with `jsonParse` (a BOM stripped; throws on a syntax
 * error, which n8n answers with 422), `application/x-www-form-urlencoded` with node:querystring,
 * `text/plain` as the string; other types have no parsed body.
 */
export function parseRequestBody(rawBody: Buffer, contentType: string | undefined, charset: BufferEncoding): unknown {
	const text = rawBody.toString(charset);
	if (contentType === 'application/json') return jsonParse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
	if (contentType === 'application/x-www-form-urlencoded') return parseQueryString(text, undefined, undefined, { maxKeys: 1000 });
	if (contentType === 'text/plain') return text;
	return undefined;
}
