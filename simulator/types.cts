/**
 * The simulator's public types: its options, settings, fault rules, counters and handle
 * (`startSimulator` in server.cts returns a `Simulator`).
 */
import type { ListShape } from './lists.cjs';
import type { SimModel } from './modelTypes.cjs';
import type { SimTask } from './tasks.cjs';

export type CallbackShape = 'wrapped' | 'bare' | 'alternate';
export type TaskStatus = 'pending' | 'processing' | 'completed' | 'failed';
export type TaskOutcome = 'success' | 'fail' | 'stuck';
/**
 * The answer of `GET /v1/account` (and `GET /account`), one of the two documented versions:
 * `restricted` `{code, data: {user_id, balance_usd, email, created_at, updated_at, restricted_until}}`
 * (no `success`), `withSuccess` `{success, code, data: {user_id, balance_usd, email, created_at, updated_at}}`.
 */
export type AccountShape = 'restricted' | 'withSuccess';
/**
 * Which requests a failure rule hits: `create` a real `POST /v1/tasks`, `dryRun` a `POST` with
 * `dry_run: true`, `status` a `GET /v1/tasks/:id`, `account` a `GET /v1/account` (or `/account`),
 * `file` a `GET`/`HEAD /files/...`, `upload` a `PUT /upload` with a valid key (the storage upload;
 * the files it serves under `/uploads/` are never failed), `list` a `GET` of a list the pickers read
 * (`/v1/models`, the ElevenLabs voices, Higgsfield's voices and motions).
 */
export type FailEndpoint = 'create' | 'dryRun' | 'status' | 'account' | 'file' | 'upload' | 'list';

export interface FailRule {
	endpoint: FailEndpoint;
	/**
	 * HTTP status to answer with (500, 502, 503, 429, 400 …); 0 = drop the connection without answering.
	 * For `upload` the answer is the storage's `{success: false, message}`, and 200 is allowed too: HTTP 200
	 * with `success: false` (a failure only the body tells); 413 answers before the body is read.
	 */
	status: number;
	/** How many consecutive matching requests fail (default 1). */
	count?: number;
	/** `data.message` of the documented error body, or `message` of an upload's (a default per status otherwise). */
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
	/** Requests per sliding second per API key, separately for POST /v1/tasks and the GETs (task status, account) (default 10). */
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
	 * `setAccount()` changes an account while running.
	 */
	apiKeys?: Record<string, { balance: number }>;
	/** The answer of `GET /v1/account`: `restricted` (default) or `withSuccess` (see `AccountShape`). */
	accountShape?: AccountShape;
	/** The models served (default: the simulator's own table, `SIM_MODELS` of models.cts). */
	models?: readonly SimModel[];
	/** Base of output file URLs (default: the listening address). */
	publicUrl?: string;
	/** Timeout of a callback POST (default 5000 ms). One attempt only. */
	callbackTimeoutMs?: number;
	/**
	 * A real API's latency on `/v1/tasks` and `/v1/account` (creates, status and account reads), each drawn at random from
	 * `[min, max]` ms: `requestDelayMs` before the request is counted against the rate limit (the
	 * network on the way in: requests sent in order may be counted out of order and bunched),
	 * `answerDelayMs` after it (the work and the way back). Default none.
	 */
	requestDelayMs?: [number, number];
	answerDelayMs?: [number, number];
	/** Largest file `PUT /upload` stores, in bytes; bigger ones get 413 "File too large" (default: no limit). */
	maxUploadBytes?: number;
	/**
	 * Also fetch a new task's input URLs on other hosts (HEAD, GET when HEAD is refused; 2 s timeout) and
	 * fail the task when one cannot be fetched (default false: only the simulator's own `/uploads/` URLs
	 * are checked, in memory).
	 */
	fetchInputUrls?: boolean;
	/** How the voice and motion lists are wrapped (lists.cts `ListShape`; default `data`). */
	listShape?: ListShape;
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
	/** null: no limit. */
	maxUploadBytes: number | null;
	fetchInputUrls: boolean;
	accountShape: AccountShape;
	listShape: ListShape;
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
	/** Account reads (`GET /v1/account`, `GET /account`) that passed the rate limit and authentication. */
	accountReads: number;
	/** Reads of the pickers' lists (models, voices, motions). */
	listReads: number;
	/** 429 answers sent (real bans and injected ones). */
	rateLimited: number;
	/** Error answers by HTTP status ("400", "429", "500" …). */
	errors: Record<string, number>;
	/** Dollars charged by real creates. */
	spentUsd: number;
	/** Most accepted creates seen in one sliding second. */
	peakCreatesPerSecond: number;
	/** Most accepted GETs (status and account reads, one rate budget) seen in one sliding second. */
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
	/** Files stored by `PUT /upload` (successful uploads), and their bytes. */
	uploads: number;
	uploadBytes: number;
	/** `PUT /upload` requests being received or answered now, and the most seen at once. */
	uploadsInFlight: number;
	peakUploadsInFlight: number;
	/** The same counters per API key (as sent in `Authorization`; "(none)" when missing). */
	byKey: Record<string, KeyStats>;
}

/** An API key's account as `account()`, `setAccount()` and `/__sim/account` show it. */
export interface AccountInfo {
	/** USD, rounded to 4 decimals; lowered by each real create's price. */
	balance: number;
	/** Unix seconds until which creates and dry runs are refused with 403; null: not restricted (also once it has passed). */
	restrictedUntil: number | null;
	/** false: every API request with the key answers 401. */
	valid: boolean;
}

/**
 * Changes to an account (`setAccount()`, `POST /__sim/account`). `restrictedUntil`: unix seconds
 * (fractions allowed, for tests), or null / 0 to lift a restriction.
 */
export interface AccountChanges {
	balance?: number;
	restrictedUntil?: number | null;
	valid?: boolean;
}

/** A file stored by `PUT /upload`, as `uploads()` and `GET /__sim/uploads` list it. */
export interface UploadInfo {
	id: string;
	fileName: string;
	contentType: string;
	size: number;
	/** Hex sha256 of the stored bytes. */
	sha256: string;
	/** The `file_url` the upload answered: `<baseUrl>/uploads/<id>/<url-encoded fileName>`. */
	url: string;
}

export interface Simulator {
	/** Base URL, e.g. http://127.0.0.1:4010 (no trailing slash). */
	url: string;
	port: number;
	close(): Promise<void>;
	/** A snapshot of the counters. */
	stats(): SimulatorStats;
	resetStats(): void;
	/** resetStats + forget pending failure rules, rate-limit windows and bans (tasks and uploaded files are kept). */
	reset(): void;
	failNext(rule: FailRule | FailRule[]): void;
	configure(changes: Partial<SimulatorConfig>): SimulatorConfig;
	readonly config: Readonly<SimulatorConfig>;
	tasks: ReadonlyMap<string, SimTask>;
	/** The files stored by `PUT /upload`, oldest first. */
	uploads(): UploadInfo[];
	/**
	 * Changes an API key's account (an unknown key starts as the defaults make it: with `apiKeys`,
	 * invalid unless `valid: true`). Throws on a bad value. Returns the account.
	 */
	setAccount(key: string, changes: AccountChanges): AccountInfo;
	/** An API key's account. */
	account(key: string): AccountInfo;
}
