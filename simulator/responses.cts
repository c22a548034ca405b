/**
 * What the simulator answers: JSON, the API doc's error format, the documented 429, injected
 * failures; and reading a request (body, bearer token).
 */
import * as http from 'node:http';

import { countError, newId, MAX_BODY_BYTES, type KeyState, type SimContext } from './state.cjs';
import { rateLimitMessage } from './rateLimit.cjs';
import type { FailRule } from './types.cjs';

export const ERROR_CODES: Record<number, [string, string]> = {
	400: ['invalid_parameters', 'Bad Request - Invalid parameters'],
	401: ['unauthorized', 'Invalid API key'],
	402: ['insufficient_balance', 'Insufficient balance'],
	403: ['forbidden', 'Forbidden'],
	404: ['not_found', 'Not found'],
	405: ['method_not_allowed', 'Method not allowed'],
	408: ['request_timeout', 'Request timeout'],
	409: ['conflict', 'Conflict'],
	413: ['payload_too_large', 'Request body too large'],
	429: ['rate_limit_exceeded', 'Too many requests'],
	500: ['internal_error', 'Internal Server Error'],
	502: ['bad_gateway', 'Bad Gateway'],
	503: ['service_unavailable', 'Service temporarily unavailable'],
	504: ['gateway_timeout', 'Gateway Timeout'],
};

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		...headers,
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(text)),
	});
	res.end(text);
}

export function sendError(sim: SimContext, 
	res: http.ServerResponse,
	state: KeyState | undefined,
	status: number,
	message?: string,
	code?: string,
	headers: Record<string, string> = {},
) {
	countError(sim, state, status);
	const [defaultCode, defaultMessage] = ERROR_CODES[status] ?? ['error', http.STATUS_CODES[status] ?? 'Error'];
	sendJson(
		res,
		status,
		{
			success: false,
			code: status,
			data: { message: message ?? defaultMessage, code: code ?? defaultCode, request_id: newId(6) },
		},
		headers,
	);
}

/** The documented 429 body: exactly `{success, code, data: {message, code}}` (no request_id). */
export function sendRateLimited(sim: SimContext, res: http.ServerResponse, state: KeyState | undefined, seconds: number, headers: Record<string, string>) {
	countError(sim, state, 429);
	sendJson(
		res,
		429,
		{ success: false, code: 429, data: { message: rateLimitMessage(seconds), code: 'rate_limit_exceeded' } },
		headers,
	);
}

/** A failure rule's raw `body` (an HTML page from a gateway, plain text …) instead of JSON. */
export function sendRawBody(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, {
		...headers,
		'Content-Type': body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
		'Content-Length': String(Buffer.byteLength(body)),
	});
	res.end(body);
}

export async function sendFailure(sim: SimContext, 
	req: http.IncomingMessage,
	res: http.ServerResponse,
	state: KeyState | undefined,
	rule: FailRule,
	headers: Record<string, string>,
) {
	if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
	if (rule.status === 0) {
		countError(sim, state, 0);
		req.socket.destroy();
		return;
	}
	if (rule.body !== undefined) {
		countError(sim, state, rule.status);
		sendRawBody(res, rule.status, rule.body, headers);
		return;
	}
	if (rule.status === 429) {
		const seconds = Math.max(1, Math.ceil(rule.retryAfterSeconds ?? 1));
		const limitHeaders: Record<string, string> = sim.config.omitRateLimitHeaders
			? {}
			: {
					'X-RateLimit-Limit': String(sim.config.rateLimit),
					'X-RateLimit-Remaining': '0',
					'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + seconds),
					'Retry-After': String(seconds),
				};
		sendRateLimited(sim, res, state, seconds, limitHeaders);
		return;
	}
	const simulated = rule.message ?? `${ERROR_CODES[rule.status]?.[1] ?? http.STATUS_CODES[rule.status] ?? 'Error'} (simulated)`;
	sendError(sim, res, state, rule.status, simulated, rule.code, headers);
}

export function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

export function bearerToken(header: string | undefined): string | undefined {
	const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	return match ? match[1] : undefined;
}
