import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { apiError, networkError, readApiError } from './errors';
import { limiterFor, pauseKey, readRateLimitHeaders, type RequestKind } from './RateLimiter';

export type ApiContext = IExecuteFunctions | IWebhookFunctions | IHookFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'unificallyApi';

/** Set `cancelled` to stop requests that have not been sent yet (a batch whose first create failed). */
export interface CancelSignal {
	cancelled: boolean;
}

/** Filled in by `apiRequest`: when the (last) attempt was sent, past the rate limiter's wait. */
export interface RequestTiming {
	sentAt?: number;
}

export class CancelledError extends Error {
	constructor() {
		super('Not sent: an earlier request of this batch failed');
	}
}

interface Connection {
	baseUrl: string;
	fingerprint: string;
	requestsPerSecond: number;
}

/** FNV-1a: identifies a key's limiter in memory without keeping the key itself around. */
function fingerprintOf(text: string): string {
	let hash = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		hash ^= text.charCodeAt(index);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash.toString(36) + ':' + text.length.toString(36);
}

const connections = new WeakMap<object, Promise<Connection>>();

async function connectionOf(context: ApiContext): Promise<Connection> {
	let connection = connections.get(context);
	if (!connection) {
		connection = context.getCredentials(CREDENTIAL_TYPE).then((credentials) => {
			const baseUrl = String(credentials.baseUrl || 'https://api.unifically.com').replace(/\/+$/, '');
			const requestsPerSecond = Number(credentials.requestsPerSecond) > 0 ? Number(credentials.requestsPerSecond) : 10;
			return {
				baseUrl,
				requestsPerSecond,
				fingerprint: fingerprintOf(`${baseUrl}\u0000${String(credentials.apiKey ?? '')}`),
			};
		});
		connections.set(context, connection);
	}
	return await connection;
}

interface FullResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

const MAX_ATTEMPTS = 6;
const DEFAULT_BAN_MS = 60_000;

function header(response: FullResponse, name: string): string | undefined {
	const value = response.headers?.[name] ?? response.headers?.[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/**
 * How long a 429 asks us to stay away: `Retry-After` when the server sends it, else the seconds the
 * documented message names ("… lifted in: 45 seconds"), else the documented 60 s ban.
 */
export function retryAfterMs(response: FullResponse): number {
	const retryAfterHeader = header(response, 'retry-after');
	const retryAfter = Number(retryAfterHeader);
	if (retryAfterHeader?.trim() && Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000 + 250;
	// Retry-After may also be an HTTP date.
	const retryAt = retryAfterHeader ? Date.parse(retryAfterHeader) : NaN;
	if (Number.isFinite(retryAt)) return Math.max(0, retryAt - Date.now()) + 250;
	const message = readApiError(response.statusCode, response.body).message;
	const seconds = /(\d+)\s*seconds?/i.exec(message);
	if (seconds) return Number(seconds[1]) * 1000 + 250;
	return DEFAULT_BAN_MS;
}

function networkErrorCode(error: unknown): string | undefined {
	for (let current = error as Record<string, unknown> | undefined, depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z]+/.test(current.code)) return current.code;
		current = (current.cause ?? current.context) as Record<string, unknown> | undefined;
	}
	const message = error instanceof Error ? error.message : String(error);
	return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|timeout/i.exec(message)?.[0];
}

/** Backoff for retried status reads and refused connections: 1 s, 2 s, 4 s … capped at 16 s. */
const backoffMs = (attempt: number) => Math.min(16_000, 1000 * 2 ** (attempt - 1));

/**
 * The one place that talks to the API. Every request waits for the key's rate limiter (creates and
 * status reads have separate budgets, as in the API). A 429 pauses every request of the key (both
 * kinds) for its Retry-After, then the request is retried: nothing was created. Status reads also retry 5xx and network
 * errors; a create does not (it may have been created and charged) unless the connection was refused.
 * Returns the envelope's `data`.
 */
export async function apiRequest<T = IDataObject>(
	context: ApiContext,
	kind: RequestKind,
	method: IHttpRequestMethods,
	path: string,
	body?: IDataObject,
	itemIndex?: number,
	cancel?: CancelSignal,
	timing?: RequestTiming,
): Promise<T> {
	const connection = await connectionOf(context);
	const limiter = limiterFor(connection.fingerprint, kind, connection.requestsPerSecond);
	const node = context.getNode();

	for (let attempt = 1; ; attempt++) {
		const release = await limiter.acquire();
		if (cancel?.cancelled) {
			release();
			throw new CancelledError();
		}
		let response: FullResponse;
		if (timing) timing.sentAt = Date.now();
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				method,
				url: `${connection.baseUrl}${path}`,
				body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 60_000,
			})) as FullResponse;
		} catch (error) {
			release();
			const code = networkErrorCode(error) ?? 'network error';
			const retriable = kind === 'status' || code === 'ECONNREFUSED';
			if (retriable && attempt < MAX_ATTEMPTS) {
				await sleep(backoffMs(attempt));
				continue;
			}
			throw networkError(node, code, itemIndex);
		}

		const { statusCode } = response;
		const envelope = response.body as { success?: boolean; code?: number; data?: unknown } | undefined;
		// Some gateways answer 200 with `success: false`: the envelope's code is the real status.
		const effectiveStatus = statusCode >= 200 && statusCode < 300 && envelope?.success === false ? Number(envelope?.code) || 500 : statusCode;
		// The key's budget as the API counts it, over all its clients (not after a 429: the ban says it all).
		release(effectiveStatus === 429 ? undefined : readRateLimitHeaders(response.headers, Date.now()));
		if (statusCode >= 200 && statusCode < 300 && envelope?.success !== false) {
			return ((envelope && typeof envelope === 'object' && 'data' in envelope ? envelope.data : envelope) ?? {}) as T;
		}

		if (effectiveStatus === 429 && attempt < MAX_ATTEMPTS) {
			// Waited out, then retried (a request the API refused with 429 created nothing), and this
			// process goes on more slowly for a while.
			const pauseMs = retryAfterMs(response);
			pauseKey(connection.fingerprint, pauseMs);
			limiter.rateLimited(pauseMs);
			continue;
		}
		if (effectiveStatus >= 500 && kind === 'status' && attempt < MAX_ATTEMPTS) {
			await sleep(backoffMs(attempt));
			continue;
		}
		throw apiError(node, readApiError(effectiveStatus, response.body), itemIndex);
	}
}
