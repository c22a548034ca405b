import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IWebhookFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { apiError, momentText, networkError, readApiError } from './errors';
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

export const DEFAULT_UPLOAD_URL = 'https://files.storagecdn.online/upload';

interface Connection {
	baseUrl: string;
	/** Unifically's storage upload, the only other host the key is sent to. */
	uploadUrl: string;
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

export async function connectionOf(context: ApiContext): Promise<Connection> {
	let connection = connections.get(context);
	if (!connection) {
		connection = context.getCredentials(CREDENTIAL_TYPE).then((credentials) => {
			const baseUrl = String(credentials.baseUrl || 'https://api.unifically.com').replace(/\/+$/, '');
			const requestsPerSecond = Number(credentials.requestsPerSecond) > 0 ? Number(credentials.requestsPerSecond) : 10;
			return {
				baseUrl,
				uploadUrl: String(credentials.uploadUrl || DEFAULT_UPLOAD_URL).trim(),
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

/**
 * Until when the API keeps refusing, where it says so: a 429's ban (Retry-After or its message), a
 * 403's account restriction (`restricted_until`, unix seconds, or Retry-After). Ms since epoch.
 */
function refusedUntil(response: FullResponse, status: number): number | undefined {
	if (status === 429) return Date.now() + retryAfterMs(response);
	if (status !== 403) return undefined;
	const data = ((response.body as { data?: unknown } | undefined)?.data ?? response.body) as { restricted_until?: unknown } | undefined;
	const until = Number(data?.restricted_until);
	if (Number.isFinite(until) && until > 0) return until * 1000;
	return header(response, 'retry-after') !== undefined ? Date.now() + retryAfterMs(response) : undefined;
}

export function networkErrorCode(error: unknown): string | undefined {
	for (let current = error as Record<string, unknown> | undefined, depth = 0; current && depth < 4; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z]+/.test(current.code)) return current.code;
		current = (current.cause ?? current.context) as Record<string, unknown> | undefined;
	}
	const message = error instanceof Error ? error.message : String(error);
	return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket hang up|timeout/i.exec(message)?.[0];
}

/**
 * Backoff between retries: 1 s, 2 s, 4 s … capped at 16 s for status reads and refused connections
 * (at most MAX_ATTEMPTS), at 30 s for a status read retried until its deadline (`retryUntil`), never
 * past the deadline. This is the real schedule; tests may shorten it (fault runs by the dozen).
 */
export const retryBackoff = { baseMs: 1000, maxMs: 16_000, untilDeadlineMaxMs: 30_000 };

export const backoffMs = (attempt: number) => Math.min(retryBackoff.maxMs, retryBackoff.baseMs * 2 ** Math.min(attempt - 1, 15));

/** Failures of a status read that only delay it (5xx, 408, 429, a non-JSON answer, a network error or timeout). */
const transientFailures = new WeakSet<Error>();

/**
 * Whether `error` is a status read's transient failure (see `apiRequest`'s `retryUntil`): the task
 * exists, the read just did not get through. Anything else (400, 401, 402, 403, 404 …) is the API's answer.
 */
export const isTransientReadFailure = (error: unknown): boolean => error instanceof Error && transientFailures.has(error);

function transient<E extends Error>(error: E, kind: RequestKind): E {
	if (kind === 'status') transientFailures.add(error);
	return error;
}

/**
 * The one place that talks to the API. Every request waits for the key's rate limiter (creates and
 * status reads have separate budgets, as in the API). A 429 pauses every request of the key (both
 * kinds) for its Retry-After, then the request is retried: nothing was created. Status reads also retry 5xx and network
 * errors; a create does not (it may have been created and charged) unless the connection was refused.
 * A status read given `retryUntil` (ms since epoch: the task's deadline) retries those failures (and
 * 408, 429 and non-JSON answers) until then instead of a fixed number of times, backing off up to 30 s
 * and never past the deadline, each attempt through the rate limiter; what it throws after that is
 * marked transient (`isTransientReadFailure`). Returns the envelope's `data`.
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
	retryUntil?: number,
): Promise<T> {
	const connection = await connectionOf(context);
	const limiter = limiterFor(connection.fingerprint, kind, connection.requestsPerSecond);
	const node = context.getNode();
	const untilDeadline = kind === 'status' && retryUntil !== undefined;
	/** The API's error, with until when it refuses where it says so (in the instance's timezone and ISO). */
	const failure = (response: FullResponse, status: number) => {
		const error = apiError(node, readApiError(status, response.body), itemIndex);
		const until = refusedUntil(response, status);
		if (until !== undefined) {
			const who = status === 429 ? 'The API key is rate limited' : 'The account is restricted';
			error.description = [error.description, `${who} until ${momentText(until, context.getTimezone())}.`].filter(Boolean).join(' ');
		}
		return error;
	};
	/** Status reads with a deadline: wait and go again while the deadline allows, else false. */
	const retryBeforeDeadline = async (attempt: number): Promise<boolean> => {
		const left = retryUntil! - Date.now();
		if (left <= 0) return false;
		await sleep(Math.min(retryBackoff.untilDeadlineMaxMs, retryBackoff.baseMs * 2 ** Math.min(attempt - 1, 15), left));
		return true;
	};

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
			if (untilDeadline) {
				if (await retryBeforeDeadline(attempt)) continue;
				throw transient(networkError(node, code, itemIndex), kind);
			}
			const retriable = kind === 'status' || code === 'ECONNREFUSED';
			if (retriable && attempt < MAX_ATTEMPTS) {
				await sleep(backoffMs(attempt));
				continue;
			}
			throw transient(networkError(node, code, itemIndex), kind);
		}

		const { statusCode } = response;
		const envelope = response.body as { success?: boolean; code?: number; data?: unknown } | undefined;
		// Some gateways answer 200 with `success: false`: the envelope's code is the real status.
		const effectiveStatus = statusCode >= 200 && statusCode < 300 && envelope?.success === false ? Number(envelope?.code) || 500 : statusCode;
		// The key's budget as the API counts it, over all its clients (not after a 429: the ban says it all).
		release(effectiveStatus === 429 ? undefined : readRateLimitHeaders(response.headers, Date.now()));
		// A 2xx that is not JSON (a proxy's HTML page) is no answer from the API: a status read goes again.
		const notJson = untilDeadline && statusCode >= 200 && statusCode < 300 && (typeof envelope !== 'object' || envelope === null);
		if (statusCode >= 200 && statusCode < 300 && envelope?.success !== false && !notJson) {
			return ((envelope && typeof envelope === 'object' && 'data' in envelope ? envelope.data : envelope) ?? {}) as T;
		}

		if (untilDeadline && (effectiveStatus >= 500 || effectiveStatus === 408 || effectiveStatus === 429 || notJson)) {
			if (effectiveStatus === 429) {
				const pauseMs = retryAfterMs(response);
				pauseKey(connection.fingerprint, pauseMs);
				limiter.rateLimited(pauseMs);
				if (Date.now() + pauseMs < retryUntil!) continue;
			} else if (await retryBeforeDeadline(attempt)) {
				continue;
			}
			throw transient(failure(response, effectiveStatus), kind);
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
		const error = failure(response, effectiveStatus);
		throw effectiveStatus >= 500 || effectiveStatus === 408 || effectiveStatus === 429 ? transient(error, kind) : error;
	}
}
