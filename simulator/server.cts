/**
 * A local simulator of Unifically's Unified Tasks API (docs/unifically-tasks-api.txt), for tests,
 * the benchmark and the demo. It follows the seed — `POST /v1/tasks` (with `dry_run`),
 * `GET /v1/tasks/:task_id`, the documented error format, 10 req/s per key and endpoint kind with a
 * 60 s ban — and offers the seed's variations the node must survive (wrapped or bare callbacks,
 * 429s without rate-limit headers) plus test controls:
 *
 * - task input keys (the API accepts unknown keys; the node sends them via `extraInput`):
 *   `sim_outcome`: "fail" (task ends `failed`) | "stuck" (never finishes) | "success";
 *   `sim_error_message`: the failed task's `error`; `sim_latency_ms`: this task's latency;
 *   `sim_output_bytes`: size of each output file; `sim_callback_shape`: "wrapped" | "bare".
 * - `failNext(rule)` / `POST /__sim/fail`: make the next request(s) to an endpoint fail; a rule with
 *   `rate` instead makes that share of an endpoint's requests fail from now on (seeded: the same
 *   `seed` draws the same faults for the same sequence of requests). Rate rules are also the
 *   `faults` of `configure()` / `POST /__sim/config` (which replaces them; `[]` clears them).
 * - `GET /__sim/stats`, `POST /__sim/reset`, `POST /__sim/config`, `GET /__sim/tasks[/:id]`,
 *   `GET /__sim/health` (none of these, nor `/files/*`, is rate limited or needs a key).
 *
 * No runtime dependencies: node:http(s), node:crypto, node:stream.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

import { MODELS } from '../nodes/Unifically/catalog/index';
import type { ModelSpec } from '../nodes/Unifically/catalog/types';
import { findInputProblems } from '../nodes/Unifically/catalog/validate';
import { fileStream } from './files.cjs';
import { planOutput, type PlannedOutput } from './outputs.cjs';
import { priceOf } from './pricing.cjs';

export type CallbackShape = 'wrapped' | 'bare' | 'alternate';
export type TaskStatus = 'pending' | 'processing' | 'completed' | 'failed';
export type TaskOutcome = 'success' | 'fail' | 'stuck';
/**
 * Which requests a failure rule hits: `create` a real `POST /v1/tasks`, `dryRun` a `POST` with
 * `dry_run: true`, `status` a `GET /v1/tasks/:id`, `file` a `GET`/`HEAD /files/...`.
 */
export type FailEndpoint = 'create' | 'dryRun' | 'status' | 'file';

export interface FailRule {
	endpoint: FailEndpoint;
	/** HTTP status to answer with (500, 502, 503, 429, 400 …); 0 = drop the connection without answering. */
	status: number;
	/** How many consecutive matching requests fail (default 1). */
	count?: number;
	/** `data.message` of the documented error body (a default per status otherwise). */
	message?: string;
	/** `data.code` of the documented error body. */
	code?: string;
	/** A raw body instead of the documented JSON (e.g. an HTML page from a gateway). */
	body?: string;
	/** For 429: the `Retry-After` and the seconds in the message (default 1). No ban is started. */
	retryAfterSeconds?: number;
	/** For `create`: the task IS created (and charged), only the response fails — the lost-response case. */
	afterCreate?: boolean;
	/** Wait this long before answering (a slow gateway; lets clients hit their timeouts). */
	delayMs?: number;
	/**
	 * A standing fault instead of the next request(s): each matching request fails with this
	 * probability (0 to 1), until `reset()` or a `configure({ faults })`. Several rate rules of one
	 * endpoint add up (0.1 of 500 + 0.1 of 502 + 0.1 of 0 = 30 % of requests, a mix); `count`, when
	 * given, caps how many requests the rule fails. Rules queued without `rate` go first.
	 */
	rate?: number;
	/** Seeds the endpoint's draws for its rate rules (default 1): the same seed, the same faults. */
	seed?: number;
}

export interface SimulatorOptions {
	/** Port to listen on; 0 (default) picks a free one. */
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Time from create to completed/failed (default 3000); `processing` after a third of it. */
	taskLatencyMs?: number;
	/** Requests per sliding second per API key, separately for POST and GET /v1/tasks (default 10). */
	rateLimit?: number;
	/** Ban length after exceeding the limit (default 60; fractions allowed for tests). */
	banSeconds?: number;
	/** Callback body: `{code, success, data}` (default), bare task, or alternating per task. */
	callbackShape?: CallbackShape;
	/** Send no `Retry-After` / `X-RateLimit-*` headers at all (real servers and proxies may omit them). */
	omitRateLimitHeaders?: boolean;
	/** Size of each output file in bytes (default 64 KiB). */
	outputBytes?: number;
	/**
	 * Serve output files like a bare CDN/object store might: `Content-Type: application/octet-stream`,
	 * no `Content-Length` (chunked), no `Accept-Ranges`/`ETag`, so the client must sniff the type and
	 * cannot know the size in advance.
	 */
	minimalFileHeaders?: boolean;
	/**
	 * Accounts: key → balance in USD. When given, only these keys are valid. By default any key is
	 * accepted with a large balance, except `invalid-key` (401) and `broke-key` (balance 0 → 402).
	 */
	apiKeys?: Record<string, { balance: number }>;
	/** The model catalog (default: the package's `MODELS`). */
	models?: readonly ModelSpec[];
	/** Base of output file URLs (default: the listening address). */
	publicUrl?: string;
	/** Timeout of a callback POST (default 5000 ms). One attempt only. */
	callbackTimeoutMs?: number;
	/**
	 * A real API's latency on `/v1/tasks` (creates and status reads), each drawn at random from
	 * `[min, max]` ms: `requestDelayMs` before the request is counted against the rate limit (the
	 * network on the way in: requests sent in order may be counted out of order and bunched),
	 * `answerDelayMs` after it (the work and the way back). Default none.
	 */
	requestDelayMs?: [number, number];
	answerDelayMs?: [number, number];
}

/** Settings that can be changed while running (`configure()`, `POST /__sim/config`). */
export interface SimulatorConfig {
	taskLatencyMs: number;
	rateLimit: number;
	banSeconds: number;
	callbackShape: CallbackShape;
	omitRateLimitHeaders: boolean;
	outputBytes: number;
	minimalFileHeaders: boolean;
	callbackTimeoutMs: number;
	requestDelayMs: [number, number];
	answerDelayMs: [number, number];
	/** The standing fault rules (those with `rate`), all endpoints; `[]` for none. */
	faults: FailRule[];
}

export interface CallbackRecord {
	task_id: string;
	/** The URL exactly as posted to (query string included). */
	url: string;
	shape: 'wrapped' | 'bare';
	/** HTTP status the receiver answered, or null when no answer came (connection error, timeout). */
	status: number | null;
	error?: string;
	/** First 500 characters of the receiver's answer. */
	responseBody?: string;
	/** Unix milliseconds the callback was sent. */
	at: number;
	durationMs: number;
}

export interface KeyStats {
	/** Real tasks created. */
	creates: number;
	dryRuns: number;
	/** Status reads that passed the rate limit and authentication. */
	statusReads: number;
	/** 429 answers sent (real bans and injected ones). */
	rateLimited: number;
	/** Error answers by HTTP status ("400", "429", "500" …). */
	errors: Record<string, number>;
	/** Dollars charged by real creates. */
	spentUsd: number;
	/** Most accepted creates seen in one sliding second. */
	peakCreatesPerSecond: number;
	/** Most accepted status reads seen in one sliding second. */
	peakStatusReadsPerSecond: number;
}

export interface SimulatorStats extends KeyStats {
	/** Every request the simulator received (any path). */
	requests: number;
	tasksCompleted: number;
	tasksFailed: number;
	/** Successful file GETs (HEADs are counted in fileHeads). */
	filesServed: number;
	fileHeads: number;
	bytesServed: number;
	/** Callback POSTs attempted. */
	callbacksSent: number;
	/** Callbacks that got no answer or a non-2xx answer. */
	callbackFailures: number;
	callbacks: CallbackRecord[];
	/** The same counters per API key (as sent in `Authorization`; "(none)" when missing). */
	byKey: Record<string, KeyStats>;
}

export interface Simulator {
	/** Base URL, e.g. http://127.0.0.1:4010 (no trailing slash). */
	url: string;
	port: number;
	close(): Promise<void>;
	/** A snapshot of the counters. */
	stats(): SimulatorStats;
	resetStats(): void;
	/** resetStats + forget pending failure rules, rate-limit windows and bans (tasks are kept). */
	reset(): void;
	failNext(rule: FailRule | FailRule[]): void;
	configure(changes: Partial<SimulatorConfig>): SimulatorConfig;
	readonly config: Readonly<SimulatorConfig>;
	tasks: ReadonlyMap<string, SimTask>;
}

const DEFAULT_BALANCE = 1_000_000_000;
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_CALLBACK_LOG = 2000;

const ERROR_CODES: Record<number, [string, string]> = {
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

function newId(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

function emptyKeyStats(): KeyStats {
	return {
		creates: 0,
		dryRuns: 0,
		statusReads: 0,
		rateLimited: 0,
		errors: {},
		spentUsd: 0,
		peakCreatesPerSecond: 0,
		peakStatusReadsPerSecond: 0,
	};
}

function emptyStats(): SimulatorStats {
	return {
		...emptyKeyStats(),
		requests: 0,
		tasksCompleted: 0,
		tasksFailed: 0,
		filesServed: 0,
		fileHeads: 0,
		bytesServed: 0,
		callbacksSent: 0,
		callbackFailures: 0,
		callbacks: [],
		byKey: {},
	};
}

function rateLimitMessage(seconds: number): string {
	return `You have been ratelimited, this temporary restriction will be lifted in: ${seconds} seconds`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return false;
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

function numberInput(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** One task as the simulator keeps it. `status` follows the clock. */
export class SimTask {
	readonly finishesAt: number;
	/** The callback sent for this task, once sent. */
	callback?: CallbackRecord;

	constructor(
		readonly id: string,
		readonly model: string,
		readonly input: Record<string, unknown>,
		/** The API key that created the task (only it can read the task). */
		readonly owner: string,
		readonly createdAt: number,
		readonly latencyMs: number,
		readonly outcome: TaskOutcome,
		readonly errorMessage: string,
		readonly cost: number,
		readonly planned: PlannedOutput,
		readonly callbackUrl: string | undefined,
		readonly callbackShape: 'wrapped' | 'bare',
	) {
		this.finishesAt = createdAt + latencyMs;
	}

	statusAt(now: number): TaskStatus {
		const elapsed = now - this.createdAt;
		if (this.outcome === 'stuck') return elapsed < this.latencyMs / 3 ? 'pending' : 'processing';
		if (elapsed >= this.latencyMs) return this.outcome === 'fail' ? 'failed' : 'completed';
		return elapsed < this.latencyMs / 3 ? 'pending' : 'processing';
	}

	get status(): TaskStatus {
		return this.statusAt(Date.now());
	}

	/** The task object as `GET /v1/tasks/:id` returns it inside `data`. */
	view(now = Date.now()): Record<string, unknown> {
		const status = this.statusAt(now);
		const view: Record<string, unknown> = { task_id: this.id, status };
		if (status === 'completed') view.output = this.planned.output;
		if (status === 'failed') view.error = this.errorMessage;
		return view;
	}
}

interface Account {
	valid: boolean;
	balance: number;
}

interface KeyState {
	stats: KeyStats;
	windows: { create: number[]; status: number[] };
	banUntil: { create: number; status: number };
}

type Kind = 'create' | 'status';

interface PendingFailure {
	rule: FailRule;
	remaining: number;
}

function validateRule(value: unknown): FailRule {
	if (!isPlainObject(value)) throw new Error('a failure rule must be an object');
	const endpoints: FailEndpoint[] = ['create', 'dryRun', 'status', 'file'];
	if (!endpoints.includes(value.endpoint as FailEndpoint))
		throw new Error(`endpoint must be one of ${endpoints.join(', ')}`);
	if (typeof value.status !== 'number' || !Number.isInteger(value.status) || (value.status !== 0 && (value.status < 100 || value.status > 599)))
		throw new Error('status must be an HTTP status (or 0 to drop the connection)');
	if (value.count !== undefined && (typeof value.count !== 'number' || value.count < 1))
		throw new Error('count must be a positive number');
	if (value.rate !== undefined && (typeof value.rate !== 'number' || !(value.rate >= 0 && value.rate <= 1)))
		throw new Error('rate must be a number from 0 to 1');
	if (value.seed !== undefined && (typeof value.seed !== 'number' || !Number.isFinite(value.seed)))
		throw new Error('seed must be a number');
	return value as unknown as FailRule;
}

/** mulberry32: a small seeded generator of numbers in [0, 1), for reproducible fault draws (and the tests' seeded models). */
export function seededRandom(seed: number): () => number {
	let state = Math.floor(seed) >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const host = options.host ?? '127.0.0.1';
	const config: Omit<SimulatorConfig, 'faults'> = {
		taskLatencyMs: options.taskLatencyMs ?? 3000,
		rateLimit: options.rateLimit ?? 10,
		banSeconds: options.banSeconds ?? 60,
		callbackShape: options.callbackShape ?? 'wrapped',
		omitRateLimitHeaders: options.omitRateLimitHeaders ?? false,
		outputBytes: options.outputBytes ?? 64 * 1024,
		minimalFileHeaders: options.minimalFileHeaders ?? false,
		callbackTimeoutMs: options.callbackTimeoutMs ?? 5000,
		requestDelayMs: options.requestDelayMs ?? [0, 0],
		answerDelayMs: options.answerDelayMs ?? [0, 0],
	};
	const models = new Map((options.models ?? MODELS).map((model) => [model.id, model]));
	const tasks = new Map<string, SimTask>();
	const accounts = new Map<string, Account>();
	const keyStates = new Map<string, KeyState>();
	const failures: Record<FailEndpoint, PendingFailure[]> = { create: [], dryRun: [], status: [], file: [] };
	/** Standing faults (rules with `rate`) and each endpoint's seeded draws. */
	const rateFailures: Record<FailEndpoint, PendingFailure[]> = { create: [], dryRun: [], status: [], file: [] };
	const draws: Partial<Record<FailEndpoint, () => number>> = {};
	const timers = new Set<NodeJS.Timeout>();
	const callbackRequests = new Set<http.ClientRequest>();
	let stats = emptyStats();
	let taskCounter = 0;
	let baseUrl = '';
	let closed = false;

	for (const [key, account] of Object.entries(options.apiKeys ?? {}))
		accounts.set(key, { valid: true, balance: account.balance });

	function accountOf(key: string): Account {
		let account = accounts.get(key);
		if (!account) {
			if (options.apiKeys) account = { valid: false, balance: 0 };
			else if (key === 'invalid-key') account = { valid: false, balance: 0 };
			else if (key === 'broke-key') account = { valid: true, balance: 0 };
			else account = { valid: true, balance: DEFAULT_BALANCE };
			accounts.set(key, account);
		}
		return account;
	}

	function keyState(key: string): KeyState {
		let state = keyStates.get(key);
		if (!state) {
			state = {
				stats: emptyKeyStats(),
				windows: { create: [], status: [] },
				banUntil: { create: 0, status: 0 },
			};
			keyStates.set(key, state);
			stats.byKey[key] = state.stats;
		}
		return state;
	}

	function countError(state: KeyState | undefined, status: number) {
		const name = String(status);
		stats.errors[name] = (stats.errors[name] ?? 0) + 1;
		if (state) state.stats.errors[name] = (state.stats.errors[name] ?? 0) + 1;
		if (status === 429) {
			stats.rateLimited++;
			if (state) state.stats.rateLimited++;
		}
	}

	// ---- rate limiting -------------------------------------------------------------------------

	interface RateDecision {
		allowed: boolean;
		/** Seconds until the ban lifts (when not allowed). */
		retryAfter: number;
		headers: Record<string, string>;
	}

	function checkRate(state: KeyState, kind: Kind, now: number): RateDecision {
		const window = state.windows[kind];
		while (window.length && window[0] <= now - 1000) window.shift();
		const limit = config.rateLimit;
		let banUntil = state.banUntil[kind];
		let allowed = true;
		if (banUntil > now) {
			allowed = false;
		} else {
			if (banUntil) {
				// The ban is over: start afresh.
				state.banUntil[kind] = banUntil = 0;
				window.length = 0;
			}
			if (window.length >= limit) {
				allowed = false;
				banUntil = state.banUntil[kind] = now + config.banSeconds * 1000;
			} else {
				window.push(now);
				const peak = kind === 'create' ? 'peakCreatesPerSecond' : 'peakStatusReadsPerSecond';
				if (window.length > state.stats[peak]) state.stats[peak] = window.length;
				if (window.length > stats[peak]) stats[peak] = window.length;
			}
		}
		const retryAfter = allowed ? 0 : Math.max(1, Math.ceil((banUntil - now) / 1000));
		const headers: Record<string, string> = {};
		if (!config.omitRateLimitHeaders) {
			headers['X-RateLimit-Limit'] = String(limit);
			if (allowed) {
				headers['X-RateLimit-Remaining'] = String(Math.max(0, limit - window.length));
				headers['X-RateLimit-Reset'] = String(Math.ceil(((window[0] ?? now) + 1000) / 1000));
			} else {
				headers['X-RateLimit-Remaining'] = '0';
				headers['X-RateLimit-Reset'] = String(Math.ceil(banUntil / 1000));
				headers['Retry-After'] = String(retryAfter);
			}
		}
		return { allowed, retryAfter, headers };
	}

	// ---- responses -----------------------------------------------------------------------------

	function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
		if (res.headersSent || res.destroyed) return;
		const text = JSON.stringify(body);
		res.writeHead(status, {
			...headers,
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': String(Buffer.byteLength(text)),
		});
		res.end(text);
	}

	function sendError(
		res: http.ServerResponse,
		state: KeyState | undefined,
		status: number,
		message?: string,
		code?: string,
		headers: Record<string, string> = {},
	) {
		countError(state, status);
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
	function sendRateLimited(res: http.ServerResponse, state: KeyState | undefined, seconds: number, headers: Record<string, string>) {
		countError(state, 429);
		sendJson(
			res,
			429,
			{ success: false, code: 429, data: { message: rateLimitMessage(seconds), code: 'rate_limit_exceeded' } },
			headers,
		);
	}

	function takeFailure(endpoint: FailEndpoint): FailRule | undefined {
		const queue = failures[endpoint];
		const pending = queue[0];
		if (!pending) return takeRateFailure(endpoint);
		pending.remaining--;
		if (pending.remaining <= 0) queue.shift();
		return pending.rule;
	}

	/** One draw per request of the endpoint: it fails under the rule whose share of [0, 1) it falls in. */
	function takeRateFailure(endpoint: FailEndpoint): FailRule | undefined {
		const rules = rateFailures[endpoint];
		if (rules.length === 0) return undefined;
		const draw = (draws[endpoint] ??= seededRandom(1))();
		let upTo = 0;
		for (const pending of rules) {
			upTo += pending.rule.rate ?? 0;
			if (draw < upTo) {
				if (pending.remaining <= 0) return undefined;
				pending.remaining--;
				return pending.rule;
			}
		}
		return undefined;
	}

	function addRateFailure(rule: FailRule) {
		if (rule.seed !== undefined || !draws[rule.endpoint]) draws[rule.endpoint] = seededRandom(rule.seed ?? 1);
		rateFailures[rule.endpoint].push({ rule: { ...rule }, remaining: rule.count === undefined ? Infinity : Math.floor(rule.count) });
	}

	function clearRateFailures() {
		for (const endpoint of Object.keys(rateFailures) as FailEndpoint[]) {
			rateFailures[endpoint] = [];
			delete draws[endpoint];
		}
	}

	const currentFaults = () => Object.values(rateFailures).flatMap((rules) => rules.map((pending) => ({ ...pending.rule })));

	async function sendFailure(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		state: KeyState | undefined,
		rule: FailRule,
		headers: Record<string, string>,
	) {
		if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
		if (rule.status === 0) {
			countError(state, 0);
			req.socket.destroy();
			return;
		}
		if (rule.body !== undefined) {
			countError(state, rule.status);
			if (res.headersSent || res.destroyed) return;
			res.writeHead(rule.status, {
				...headers,
				'Content-Type': rule.body.trimStart().startsWith('<') ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8',
				'Content-Length': String(Buffer.byteLength(rule.body)),
			});
			res.end(rule.body);
			return;
		}
		if (rule.status === 429) {
			const seconds = Math.max(1, Math.ceil(rule.retryAfterSeconds ?? 1));
			const limitHeaders: Record<string, string> = config.omitRateLimitHeaders
				? {}
				: {
						'X-RateLimit-Limit': String(config.rateLimit),
						'X-RateLimit-Remaining': '0',
						'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + seconds),
						'Retry-After': String(seconds),
					};
			sendRateLimited(res, state, seconds, limitHeaders);
			return;
		}
		const simulated = rule.message ?? `${ERROR_CODES[rule.status]?.[1] ?? http.STATUS_CODES[rule.status] ?? 'Error'} (simulated)`;
		sendError(res, state, rule.status, simulated, rule.code, headers);
	}

	function readBody(req: http.IncomingMessage): Promise<Buffer | undefined> {
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

	function bearerToken(header: string | undefined): string | undefined {
		const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header ?? '');
		return match ? match[1] : undefined;
	}

	// ---- tasks and callbacks -------------------------------------------------------------------

	function schedule(ms: number, action: () => void) {
		const timer = setTimeout(() => {
			timers.delete(timer);
			action();
		}, Math.max(0, ms));
		timers.add(timer);
	}

	/** Waits a random time in `[min, max]` ms (nothing for `[0, 0]`). */
	async function delay([min, max]: [number, number]) {
		const ms = min + Math.random() * Math.max(0, max - min);
		if (ms > 0) await new Promise<void>((resolve) => schedule(ms, resolve));
	}

	function finish(task: SimTask) {
		if (closed) return;
		if (task.outcome === 'fail') stats.tasksFailed++;
		else stats.tasksCompleted++;
		if (task.callbackUrl) sendCallback(task, task.callbackUrl);
	}

	function sendCallback(task: SimTask, callbackUrl: string) {
		const status = task.outcome === 'fail' ? 'failed' : 'completed';
		const data: Record<string, unknown> = { task_id: task.id, status };
		if (status === 'completed') data.output = task.planned.output;
		else data.error = task.errorMessage;
		data.model = task.model;
		const payload = task.callbackShape === 'wrapped' ? { code: 200, success: true, data } : data;
		const body = JSON.stringify(payload);
		const started = Date.now();
		const record: CallbackRecord = {
			task_id: task.id,
			url: callbackUrl,
			shape: task.callbackShape,
			status: null,
			at: started,
			durationMs: 0,
		};
		task.callback = record;
		stats.callbacksSent++;
		stats.callbacks.push(record);
		if (stats.callbacks.length > MAX_CALLBACK_LOG) stats.callbacks.shift();
		let settled = false;
		const settle = (statusCode: number | null, error?: string, responseBody?: string) => {
			if (settled) return;
			settled = true;
			record.status = statusCode;
			record.durationMs = Date.now() - started;
			if (error) record.error = error;
			if (responseBody !== undefined) record.responseBody = responseBody;
			if (statusCode === null || statusCode < 200 || statusCode >= 300) stats.callbackFailures++;
		};
		let request: http.ClientRequest;
		try {
			const url = new URL(callbackUrl);
			const client = url.protocol === 'https:' ? https : http;
			request = client.request(url, {
				method: 'POST',
				agent: false, // one connection per callback: no keep-alive socket outlives it
				timeout: config.callbackTimeoutMs,
				headers: {
					'Content-Type': 'application/json',
					'Content-Length': String(Buffer.byteLength(body)),
					'User-Agent': 'Unifically-Simulator/1.0',
				},
			});
		} catch (error) {
			settle(null, (error as Error).message);
			return;
		}
		callbackRequests.add(request);
		request.on('response', (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				if (text.length < 500) text += chunk;
			});
			response.on('end', () => settle(response.statusCode ?? null, undefined, text.slice(0, 500)));
			response.on('error', () => settle(response.statusCode ?? null, undefined, text.slice(0, 500)));
		});
		request.on('timeout', () => {
			settle(null, `timed out after ${config.callbackTimeoutMs} ms`);
			request.destroy();
		});
		request.on('error', (error) => settle(null, error.message));
		request.on('close', () => {
			callbackRequests.delete(request);
			settle(null, 'connection closed');
		});
		request.end(body);
	}

	// ---- endpoints -----------------------------------------------------------------------------

	async function handleCreate(req: http.IncomingMessage, res: http.ServerResponse) {
		const raw = await readBody(req);
		const token = bearerToken(req.headers.authorization);
		const state = keyState(token ?? '(none)');
		await delay(config.requestDelayMs);
		const rate = checkRate(state, 'create', Date.now());
		await delay(config.answerDelayMs);
		if (!rate.allowed) return sendRateLimited(res, state, rate.retryAfter, rate.headers);
		const headers = rate.headers;
		const account = token ? accountOf(token) : undefined;
		if (!account || !account.valid) return sendError(res, state, 401, 'Invalid API key', 'unauthorized', headers);
		if (raw === undefined) return sendError(res, state, 413, undefined, undefined, headers);

		let body: unknown;
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			const failure = takeFailure('create');
			if (failure) return sendFailure(req, res, state, failure, headers);
			return sendError(res, state, 400, 'Request body is not valid JSON', 'invalid_parameters', headers);
		}
		const dryRun = isPlainObject(body) && body.dry_run === true;
		const failure = takeFailure(dryRun ? 'dryRun' : 'create');
		if (failure && !(failure.afterCreate && !dryRun)) return sendFailure(req, res, state, failure, headers);

		if (!isPlainObject(body)) return sendError(res, state, 400, 'Request body must be a JSON object', 'invalid_parameters', headers);
		const modelId = body.model;
		if (modelId === undefined || modelId === null || modelId === '')
			return sendError(res, state, 400, 'Invalid parameters: model is required', 'invalid_parameters', headers);
		if (typeof modelId !== 'string')
			return sendError(res, state, 400, 'Invalid parameters: model must be a string', 'invalid_parameters', headers);
		const model = models.get(modelId);
		if (!model) return sendError(res, state, 404, `Model not found: ${modelId}`, 'model_not_found', headers);
		if (body.input === undefined || body.input === null)
			return sendError(res, state, 400, 'Invalid parameters: input is required', 'invalid_parameters', headers);
		if (!isPlainObject(body.input))
			return sendError(res, state, 400, 'Invalid parameters: input must be an object', 'invalid_parameters', headers);
		const input = body.input;
		const problems = findInputProblems(model, input);
		if (body.callback_url !== undefined && body.callback_url !== null && !isHttpUrl(body.callback_url))
			problems.push({ key: 'callback_url', message: 'must be an http(s) URL' });
		if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean')
			problems.push({ key: 'dry_run', message: 'must be true or false' });
		if (problems.length)
			return sendError(
				res,
				state,
				400,
				`Invalid parameters: ${problems.map((problem) => `${problem.key} ${problem.message}`).join('; ')}`,
				'invalid_parameters',
				headers,
			);

		const cost = priceOf(model, input);
		if (dryRun) {
			state.stats.dryRuns++;
			stats.dryRuns++;
			return sendJson(res, 200, { code: 200, success: true, data: { cost } }, headers);
		}
		if (account.balance < cost) return sendError(res, state, 402, 'Insufficient balance', 'insufficient_balance', headers);

		account.balance -= cost;
		state.stats.creates++;
		state.stats.spentUsd = Math.round((state.stats.spentUsd + cost) * 10000) / 10000;
		stats.creates++;
		stats.spentUsd = Math.round((stats.spentUsd + cost) * 10000) / 10000;

		const task = createTask(model, input, token as string, cost, body.callback_url as string | undefined);
		if (failure) return sendFailure(req, res, state, failure, headers);
		sendJson(res, 200, { code: 200, success: true, data: { task_id: task.id, status: 'pending' } }, headers);
	}

	function createTask(model: ModelSpec, input: Record<string, unknown>, owner: string, cost: number, callbackUrl?: string) {
		const id = newId(8);
		taskCounter++;
		const latency = numberInput(input.sim_latency_ms) ?? config.taskLatencyMs;
		const outputBytes = Math.floor(numberInput(input.sim_output_bytes) ?? config.outputBytes);
		const requested = String(input.sim_outcome ?? 'success').toLowerCase();
		const outcome: TaskOutcome =
			requested === 'fail' || requested === 'failed' ? 'fail' : requested === 'stuck' || requested === 'hang' ? 'stuck' : 'success';
		const errorMessage =
			typeof input.sim_error_message === 'string' && input.sim_error_message
				? input.sim_error_message
				: 'Generation failed: the content was flagged by the provider (simulated failure)';
		const shapeOverride = input.sim_callback_shape;
		const shape: 'wrapped' | 'bare' =
			shapeOverride === 'wrapped' || shapeOverride === 'bare'
				? shapeOverride
				: config.callbackShape === 'alternate'
					? taskCounter % 2 === 1
						? 'wrapped'
						: 'bare'
					: config.callbackShape;
		const planned = planOutput(model, input, id, baseUrl, outputBytes);
		const task = new SimTask(
			id,
			model.id,
			input,
			owner,
			Date.now(),
			latency,
			outcome,
			errorMessage,
			cost,
			planned,
			callbackUrl || undefined,
			shape,
		);
		tasks.set(id, task);
		if (outcome !== 'stuck') schedule(latency, () => finish(task));
		return task;
	}

	async function handleStatus(req: http.IncomingMessage, res: http.ServerResponse, taskId: string) {
		await readBody(req);
		const token = bearerToken(req.headers.authorization);
		const state = keyState(token ?? '(none)');
		await delay(config.requestDelayMs);
		const rate = checkRate(state, 'status', Date.now());
		await delay(config.answerDelayMs);
		if (!rate.allowed) return sendRateLimited(res, state, rate.retryAfter, rate.headers);
		const headers = rate.headers;
		const account = token ? accountOf(token) : undefined;
		if (!account || !account.valid) return sendError(res, state, 401, 'Invalid API key', 'unauthorized', headers);
		state.stats.statusReads++;
		stats.statusReads++;
		const failure = takeFailure('status');
		if (failure) return sendFailure(req, res, state, failure, headers);
		const task = tasks.get(taskId);
		if (!task || task.owner !== token)
			return sendError(res, state, 404, `Task not found: ${taskId}`, 'task_not_found', headers);
		sendJson(res, 200, { code: 200, success: true, data: task.view() }, headers);
	}

	async function handleFile(req: http.IncomingMessage, res: http.ServerResponse, taskId: string, name: string) {
		await readBody(req);
		if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, undefined, 405, undefined, undefined, { Allow: 'GET, HEAD' });
		const failure = takeFailure('file');
		if (failure) return sendFailure(req, res, undefined, failure, {});
		const task = tasks.get(taskId);
		const file = task?.planned.files.get(name);
		if (!task || !file || task.status !== 'completed') return sendError(res, undefined, 404, 'File not found', 'file_not_found');

		const size = file.size;
		if (config.minimalFileHeaders) {
			res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
			if (req.method === 'HEAD') {
				stats.fileHeads++;
				res.end();
				return;
			}
			return streamFile(res, task.id, name, size, 0, size);
		}
		let start = 0;
		let end = size; // exclusive
		let status = 200;
		const headers: Record<string, string> = {
			'Content-Type': file.contentType,
			'Accept-Ranges': 'bytes',
			'Cache-Control': 'public, max-age=86400',
			ETag: `"${task.id}-${name}-${size}"`,
		};
		const range = req.headers.range;
		if (range) {
			const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
			let valid = !!match && (match[1] !== '' || match[2] !== '');
			if (valid && match) {
				if (match[1] === '') {
					start = Math.max(0, size - Number(match[2]));
				} else {
					start = Number(match[1]);
					if (match[2] !== '') end = Math.min(size, Number(match[2]) + 1);
				}
				valid = start < end && start < size;
			}
			if (!valid) {
				res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
				res.end();
				countError(undefined, 416);
				return;
			}
			status = 206;
			headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
		}
		headers['Content-Length'] = String(end - start);
		res.writeHead(status, headers);
		if (req.method === 'HEAD') {
			stats.fileHeads++;
			res.end();
			return;
		}
		streamFile(res, task.id, name, size, start, end);
	}

	function streamFile(res: http.ServerResponse, taskId: string, name: string, size: number, start: number, end: number) {
		const stream = fileStream(taskId, name, size, start, end);
		stream.on('data', (chunk: Buffer) => {
			stats.bytesServed += chunk.length;
		});
		res.on('close', () => stream.destroy());
		stream.on('end', () => {
			stats.filesServed++;
		});
		stream.pipe(res);
	}

	async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, path: string) {
		const raw = await readBody(req);
		let body: unknown;
		if (raw && raw.length) {
			try {
				body = JSON.parse(raw.toString('utf8'));
			} catch {
				return sendError(res, undefined, 400, 'Request body is not valid JSON', 'invalid_parameters');
			}
		}
		const method = req.method ?? 'GET';
		if (path === '/__sim/health' && method === 'GET') return sendJson(res, 200, { ok: true, tasks: tasks.size });
		if (path === '/__sim/stats' && method === 'GET') return sendJson(res, 200, snapshot());
		if (path === '/__sim/reset' && method === 'POST') {
			reset();
			return sendJson(res, 200, { ok: true });
		}
		if (path === '/__sim/fail' && method === 'POST') {
			try {
				failNext(Array.isArray(body) ? (body as FailRule[]) : (body as FailRule));
			} catch (error) {
				return sendError(res, undefined, 400, (error as Error).message, 'invalid_parameters');
			}
			return sendJson(res, 200, { ok: true });
		}
		if (path === '/__sim/config' && (method === 'POST' || method === 'GET')) {
			if (method === 'POST') {
				if (!isPlainObject(body)) return sendError(res, undefined, 400, 'Expected a JSON object', 'invalid_parameters');
				try {
					return sendJson(res, 200, configure(body as Partial<SimulatorConfig>));
				} catch (error) {
					return sendError(res, undefined, 400, (error as Error).message, 'invalid_parameters');
				}
			}
			return sendJson(res, 200, { ...config, faults: currentFaults() });
		}
		if (path === '/__sim/tasks' && method === 'GET')
			return sendJson(
				res,
				200,
				[...tasks.values()].map((task) => ({ ...task.view(), model: task.model, created_at: task.createdAt })),
			);
		const match = /^\/__sim\/tasks\/([^/]+)$/.exec(path);
		if (match && method === 'GET') {
			const task = tasks.get(decodeURIComponent(match[1]));
			if (!task) return sendError(res, undefined, 404, 'Task not found', 'task_not_found');
			return sendJson(res, 200, {
				...task.view(),
				model: task.model,
				input: task.input,
				cost: task.cost,
				created_at: task.createdAt,
				finishes_at: task.outcome === 'stuck' ? null : task.finishesAt,
				callback_url: task.callbackUrl ?? null,
				callback_shape: task.callbackShape,
				callback: task.callback ?? null,
			});
		}
		return sendError(res, undefined, 404, `No simulator control at ${method} ${path}`, 'not_found');
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
		stats.requests++;
		const url = new URL(req.url ?? '/', 'http://simulator.invalid');
		const path = url.pathname;
		const method = req.method ?? 'GET';
		if (path.startsWith('/__sim/')) return handleControl(req, res, path);
		const fileMatch = /^\/files\/([^/]+)\/([^/]+)$/.exec(path);
		if (fileMatch) return handleFile(req, res, decodeURIComponent(fileMatch[1]), decodeURIComponent(fileMatch[2]));
		if (path === '/v1/tasks' || path === '/v1/tasks/') {
			if (method === 'POST') return handleCreate(req, res);
			await readBody(req);
			return sendError(res, undefined, 405, undefined, undefined, { Allow: 'POST' });
		}
		const statusMatch = /^\/v1\/tasks\/([^/]+)\/?$/.exec(path);
		if (statusMatch) {
			if (method === 'GET') return handleStatus(req, res, decodeURIComponent(statusMatch[1]));
			await readBody(req);
			return sendError(res, undefined, 405, undefined, undefined, { Allow: 'GET' });
		}
		await readBody(req);
		return sendError(res, undefined, 404, `Not found: ${method} ${path}`, 'not_found');
	}

	// ---- control API ---------------------------------------------------------------------------

	function snapshot(): SimulatorStats {
		return JSON.parse(JSON.stringify(stats)) as SimulatorStats;
	}

	function resetStats() {
		stats = emptyStats();
		for (const [key, state] of keyStates) {
			state.stats = emptyKeyStats();
			stats.byKey[key] = state.stats;
		}
	}

	function reset() {
		resetStats();
		for (const endpoint of Object.keys(failures) as FailEndpoint[]) failures[endpoint] = [];
		clearRateFailures();
		for (const state of keyStates.values()) {
			state.windows = { create: [], status: [] };
			state.banUntil = { create: 0, status: 0 };
		}
	}

	function failNext(rules: FailRule | FailRule[]) {
		const list = (Array.isArray(rules) ? rules : [rules]).map(validateRule);
		for (const rule of list) {
			if (rule.rate !== undefined) addRateFailure(rule);
			else failures[rule.endpoint].push({ rule: { ...rule }, remaining: Math.floor(rule.count ?? 1) });
		}
	}

	function configure(changes: Partial<SimulatorConfig>): SimulatorConfig {
		if (changes.faults !== undefined) {
			if (!Array.isArray(changes.faults)) throw new Error('faults must be a list of failure rules with a rate');
			const rules = changes.faults.map(validateRule);
			if (rules.some((rule) => rule.rate === undefined)) throw new Error('each of faults needs a rate (0 to 1)');
			clearRateFailures();
			rules.forEach(addRateFailure);
		}
		const numeric: Array<keyof SimulatorConfig> = ['taskLatencyMs', 'rateLimit', 'banSeconds', 'outputBytes', 'callbackTimeoutMs'];
		for (const key of numeric) {
			const value = changes[key];
			if (value !== undefined) {
				if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a non-negative number`);
				(config as unknown as Record<string, number>)[key] = value;
			}
		}
		for (const key of ['requestDelayMs', 'answerDelayMs'] as const) {
			const value = changes[key];
			if (value === undefined) continue;
			if (!Array.isArray(value) || value.length !== 2 || !value.every((ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) || value[0] > value[1])
				throw new Error(`${key} must be [min, max] milliseconds`);
			config[key] = [value[0], value[1]];
		}
		if (changes.callbackShape !== undefined) {
			if (!['wrapped', 'bare', 'alternate'].includes(changes.callbackShape))
				throw new Error('callbackShape must be wrapped, bare or alternate');
			config.callbackShape = changes.callbackShape;
		}
		if (changes.omitRateLimitHeaders !== undefined) config.omitRateLimitHeaders = !!changes.omitRateLimitHeaders;
		if (changes.minimalFileHeaders !== undefined) config.minimalFileHeaders = !!changes.minimalFileHeaders;
		return { ...config, faults: currentFaults() };
	}

	// ---- server --------------------------------------------------------------------------------

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error: Error) => {
			if (!res.headersSent && !res.destroyed) sendError(res, undefined, 500, `Simulator error: ${error.message}`, 'internal_error');
			else res.destroy();
		});
	});
	server.keepAliveTimeout = 5000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const port = (server.address() as AddressInfo).port;
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	baseUrl = (options.publicUrl ?? url).replace(/\/+$/, '');

	async function close() {
		if (closed) return;
		closed = true;
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		for (const request of callbackRequests) request.destroy();
		callbackRequests.clear();
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
	}

	return {
		url,
		port,
		close,
		stats: snapshot,
		resetStats,
		reset,
		failNext,
		configure,
		get config() {
			return { ...config, faults: currentFaults() };
		},
		tasks,
	};
}
