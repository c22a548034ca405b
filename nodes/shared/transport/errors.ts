import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** The API's documented error body: `{ success: false, code, data: { message, code, request_id } }`. */
export interface ApiErrorDetails {
	httpCode: number;
	message: string;
	code?: string;
	requestId?: string;
}

export function readApiError(statusCode: number, body: unknown): ApiErrorDetails {
	const envelope = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
	const data = (typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : envelope) as Record<
		string,
		unknown
	>;
	const message =
		(typeof data.message === 'string' && data.message) ||
		(typeof envelope.message === 'string' && envelope.message) ||
		(typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 500) : '') ||
		`HTTP ${statusCode}`;
	return {
		httpCode: statusCode,
		message,
		code: typeof data.code === 'string' ? data.code : undefined,
		requestId:
			typeof data.request_id === 'string'
				? data.request_id
				: typeof envelope.request_id === 'string'
					? envelope.request_id
					: undefined,
	};
}

const HINTS: Record<number, string> = {
	400: 'The API rejected a parameter.',
	401: 'Check the API key in the Unifically credential.',
	402: 'Insufficient balance: top up the Unifically account.',
	403: 'Refused: the account may be restricted (Account → Get shows until when).',
	404: 'The task or model was not found.',
	429: 'Rate limited by the API.',
};

/** An n8n error carrying the API's message, code and request id — and nothing of the request (no key). */
export function apiError(node: INode, details: ApiErrorDetails, itemIndex?: number): NodeApiError {
	const parts = [HINTS[details.httpCode]];
	if (details.code) parts.push(`API error code: ${details.code}.`);
	if (details.requestId) parts.push(`Request ID: ${details.requestId}.`);
	const error = new NodeApiError(node, details as unknown as JsonObject, {
		message: `Unifically API error ${details.httpCode}: ${details.message}`,
		description: parts.filter(Boolean).join(' '),
		httpCode: String(details.httpCode),
		itemIndex,
	});
	return error;
}

export function networkError(node: INode, reason: string, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(node, `Could not reach the Unifically API: ${reason}`, {
		description: 'Check the Base URL of the Unifically credential and the network.',
		itemIndex,
	});
}

/** "06 Dec 2026, 18:42:10 (Europe/Berlin; 2026-12-06T17:42:10.000Z)": a moment in the instance's timezone and ISO. */
export function momentText(at: number | string, timezone: string): string {
	const date = new Date(at);
	let local: string;
	try {
		local = date.toLocaleString('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', second: '2-digit', day: 'numeric', month: 'short', year: 'numeric' });
	} catch {
		local = date.toUTCString();
	}
	return `${local} (${timezone}; ${date.toISOString()})`;
}
