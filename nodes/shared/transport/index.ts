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
import { keyPausedUntil, limiterFor, pauseKey, readRateLimitHeaders, type LimiterVariant, type RequestKind } from './RateLimiter';

export type ApiContext = IExecuteFunctions | IWebhookFunctions | IHookFunctions | ILoadOptionsFunctions;

export const CREDENTIAL_TYPE = 'unificallyApi';

/** Set `cancelled` to stop requests that have not been sent yet (a batch whose first create failed). */
export interface CancelSignal {
	cancelled: boolean;
}

/** Filled in by `apiRequest`: when the (last) attempt was sent, past the rate limiter's wait. */
export interface RequestTiming {
	sentAt?: number;
	/** When the key's last ban ended (or ends), as the request was sent: 0 when none in this process. */
	keyPausedUntil?: number;
}

export class CancelledError extends Error {
	constructor() {
		super('Not sent: an earlier request of this batch failed');
	}
}

export const DEFAULT_UPLOAD_URL = 'https://files.storagecdn.online/upload';

/** Waits between retries: base × 2^(attempt − 1), capped (see `apiRequest`). */
export interface Backoff {
	baseMs: number;
	/** Cap for a fixed number of attempts (status reads, refused connections, uploads). */
	maxMs: number;
	/** Cap for a status read retried until its deadline. */
	untilDeadlineMaxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({ baseMs: 1000, maxMs: 16_000, untilDeadlineMaxMs: 30_000 });

export const backoffMs = (backoff: Backoff, attempt: number, cap = backoff.maxMs) =>
	Math.min(cap, backoff.baseMs * 2 ** Math.min(attempt - 1, 15));

interface Connection {
	baseUrl: string;
	/** Unifically's storage upload, the only other host the key is sent to. */
	uploadUrl: string;
	fingerprint: string;
	requestsPerSecond: number;
	backoff: Backoff;
	limiter: LimiterVariant;
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

/**
 * The credential's `retryBackoff` (not in its form): the in-process suites' shorter schedule for fault
 * runs by the dozen. Undeclared, so a real n8n never hands it to the node (it passes only declared fields).
 */
function backoffOf(value: unknown): Backoff {
	const given = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof Backoff, unknown>>;
	const pick = (name: keyof Backoff) => (Number(given[name]) > 0 ? Number(given[name]) : DEFAULT_BACKOFF[name]);
	return { baseMs: pick('baseMs'), maxMs: pick('maxMs'), untilDeadlineMaxMs: pick('untilDeadlineMaxMs') };
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
				backoff: backoffOf(credentials.retryBackoff),
				// Not in the form: the bench and the sweep compare the limiter with a simple baseline (issue #31).
				limiter: credentials.rateLimiter === 'baseline' ? 'baseline' : 'limiter',
			} satisfies Connection;
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

/** Marks an error as a status read's transient failure (`isTransientReadFailure`). */
const TRANSIENT = 'unificallyTransientRead';

/**
 * Whether `error` is a status read's transient failure: the task exists, the read just did not get
 * through (5xx, 408, 429, a non-JSON answer, a network error). Anything else (400, 401, 402, 403,
 * 404 …) is the API's answer.
 */
export const isTransientReadFailure = (error: unknown): boolean =>
	error instanceof Error && (error as { context?: Record<string, unknown> }).context?.[TRANSIENT] === true;

function markTransient<E extends Error>(error: E): E {
	const withContext = error as E & { context?: Record<string, unknown> };
	withContext.context = { ...(withContext.context ?? {}), [TRANSIENT]: true };
	return error;
}

export interface ApiRequest {
	/** Creates and status reads have separate budgets, as in the API. */
	kind: RequestKind;
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	itemIndex?: number;
	/** Stops the request before it is sent (a batch whose first create failed). */
	cancel?: CancelSignal;
	/** Filled in with when the (last) attempt was sent, past the rate limiter's wait. */
	timing?: RequestTiming;
	/** A status read's deadline (ms since epoch): transient failures are retried until then, not MAX_ATTEMPTS times. */
	retryUntil?: number;
	/** The schedule between retries; the credential's (normally DEFAULT_BACKOFF) when not given. */
	backoff?: Backoff;
	/** False: one attempt whatever fails (a form's list: the field takes a typed ID instead). */
	retry?: boolean;
	/** Give up on an answer after this long (default 60 s). */
	timeoutMs?: number;
	/** Return the whole body, not the envelope's `data` (answers whose shape is not documented). */
	wholeBody?: boolean;
}

/** What one attempt came to, for the retry policy. */
type Attempt =
	| { kind: 'network'; code: string }
	| { kind: 'answer'; response: FullResponse; status: number; notJson: boolean };

/**
 * The one retry policy. A 429 created nothing: every request waits it out (the whole key pauses) and
 * goes again. A create is never retried after anything else that may have reached the API (5xx,
 * timeout, dropped connection), only after a refused connection. A status read retries 5xx, 408,
 * non-JSON answers and network errors: until its deadline when it has one, else MAX_ATTEMPTS times.
 * Returns how long to wait before the next attempt, or undefined to give up.
 */
function retryDelay(request: ApiRequest, attempt: Attempt, attemptNumber: number, backoff: Backoff, pauseMs = 0): number | undefined {
	if (request.retry === false) return undefined;
	const deadline = request.kind === 'status' ? request.retryUntil : undefined;
	const withinBounds = (waitMs: number) =>
		deadline !== undefined ? (Date.now() + waitMs < deadline ? waitMs : undefined) : attemptNumber < MAX_ATTEMPTS ? waitMs : undefined;
	const backoffWait = () =>
		deadline !== undefined
			? Math.min(backoffMs(backoff, attemptNumber, backoff.untilDeadlineMaxMs), Math.max(0, deadline - Date.now() - 1))
			: backoffMs(backoff, attemptNumber);
	if (attempt.kind === 'network') {
		return request.kind === 'status' || attempt.code === 'ECONNREFUSED' ? withinBounds(backoffWait()) : undefined;
	}
	// The key's pause (set by the caller) is waited out in the limiter: nothing more to wait here.
	if (attempt.status === 429) return withinBounds(pauseMs) === undefined ? undefined : 0;
	const transient = attempt.status >= 500 || attempt.status === 408 || attempt.notJson;
	return request.kind === 'status' && transient ? withinBounds(backoffWait()) : undefined;
}

/**
 * The one place that talks to the API. Every request waits for the key's rate limiter; a 429 pauses
 * every request of the key (both kinds) for its Retry-After and this process slows down for a while.
 * Retries follow `retryDelay`; a status read's error after them is marked transient. Returns the
 * envelope's `data`.
 */
export async function apiRequest<T = IDataObject>(context: ApiContext, request: ApiRequest): Promise<T> {
	const connection = await connectionOf(context);
	const limiter = limiterFor(connection.fingerprint, request.kind, connection.requestsPerSecond, connection.limiter);
	const backoff = request.backoff ?? connection.backoff;
	const node = context.getNode();
	/** The API's error, with until when it refuses where it says so (in the instance's timezone and ISO). */
	const failure = (response: FullResponse, status: number) => {
		const error = apiError(node, readApiError(status, response.body), request.itemIndex);
		const until = refusedUntil(response, status);
		if (until !== undefined) {
			const who = status === 429 ? 'The API key is rate limited' : 'The account is restricted';
			error.description = [error.description, `${who} until ${momentText(until, context.getTimezone())}.`].filter(Boolean).join(' ');
		}
		return error;
	};

	for (let attemptNumber = 1; ; attemptNumber++) {
		const release = await limiter.acquire();
		if (request.cancel?.cancelled) {
			release();
			throw new CancelledError();
		}
		if (request.timing) {
			request.timing.sentAt = Date.now();
			request.timing.keyPausedUntil = keyPausedUntil(connection.fingerprint);
		}
		let attempt: Attempt;
		try {
			const response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				method: request.method,
				url: `${connection.baseUrl}${request.path}`,
				body: request.body,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: request.timeoutMs ?? 60_000,
			})) as FullResponse;
			const envelope = response.body as { success?: boolean; code?: number; data?: unknown } | undefined;
			const ok = response.statusCode >= 200 && response.statusCode < 300;
			// Some gateways answer 200 with `success: false`: the envelope's code is the real status.
			const status = ok && envelope?.success === false ? Number(envelope?.code) || 500 : response.statusCode;
			// The key's budget as the API counts it, over all its clients (not after a 429: the ban says it all).
			release(status === 429 ? undefined : readRateLimitHeaders(response.headers, Date.now()));
			// A 2xx that is not JSON (a proxy's HTML page) is no answer from the API.
			const notJson = ok && (typeof envelope !== 'object' || envelope === null);
			if (ok && envelope?.success !== false && !notJson) {
				if (request.wholeBody) return envelope as T;
				return ((envelope && 'data' in envelope ? envelope.data : envelope) ?? {}) as T;
			}
			attempt = { kind: 'answer', response, status, notJson };
		} catch (error) {
			release();
			attempt = { kind: 'network', code: networkErrorCode(error) ?? 'network error' };
		}

		let pauseMs = 0;
		if (attempt.kind === 'answer' && attempt.status === 429) {
			pauseMs = retryAfterMs(attempt.response);
			pauseKey(connection.fingerprint, pauseMs);
			limiter.rateLimited(pauseMs);
		}
		const waitMs = retryDelay(request, attempt, attemptNumber, backoff, pauseMs);
		if (waitMs !== undefined) {
			if (waitMs > 0) await sleep(waitMs);
			continue;
		}
		const error =
			attempt.kind === 'network'
				? networkError(node, attempt.code, request.itemIndex)
				: failure(attempt.response, attempt.status);
		const transient =
			attempt.kind === 'network' || attempt.notJson || attempt.status >= 500 || attempt.status === 408 || attempt.status === 429;
		throw request.kind === 'status' && transient ? markTransient(error) : error;
	}
}
