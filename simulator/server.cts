/**
 * A local simulator of Unifically's Unified Tasks API (docs/unifically-tasks-api.txt), for tests,
 * the benchmark and the demo. It follows the API doc — `POST /v1/tasks` (with `dry_run`),
 * `GET /v1/tasks/:task_id`, `GET /v1/account` (also the docs' `GET /account`), the documented error
 * format, 10 req/s per key and endpoint kind (POST; the GETs together) with a 60 s ban — and offers
 * the API doc's variations the node must survive (wrapped or bare callbacks, 429s without rate-limit
 * headers) plus test controls:
 *
 * - task input keys (the API accepts unknown keys; the node sends them via `extraInput`):
 *   `sim_outcome`: "fail" (task ends `failed`) | "stuck" (never finishes) | "success";
 *   `sim_error_message`: the failed task's `error`; `sim_latency_ms`: this task's latency;
 *   `sim_output_bytes`: size of each output file; `sim_callback_shape`: "wrapped" | "bare".
 * - `failNext(rule)` / `POST /__sim/fail`: make the next request(s) to an endpoint fail; a rule with
 *   `rate` instead makes that share of an endpoint's requests fail from now on (seeded: the same
 *   `seed` draws the same faults for the same sequence of requests). Rate rules are also the
 *   `faults` of `configure()` / `POST /__sim/config` (which replaces them; `[]` clears them).
 * - accounts: each create lowers the key's balance by its price (402 `Insufficient balance` when it
 *   cannot be paid); `GET /v1/account` answers it in the `accountShape` chosen (`restricted`, the
 *   default: `restricted_until`, no `success`; or `withSuccess`). `setAccount(key, {balance,
 *   restrictedUntil, valid})` / `POST /__sim/account`, `account(key)` / `GET /__sim/account?key=`;
 *   until `restrictedUntil` (unix s) creates and dry runs answer 403 `account_restricted` with `Retry-After`.
 * - `GET /__sim/stats`, `POST /__sim/reset`, `POST /__sim/config`, `GET /__sim/tasks[/:id]`,
 *   `GET /__sim/uploads`, `GET|POST /__sim/account`, `GET /__sim/health` (none of these, nor `/files/*`,
 *   is rate limited or needs a key).
 *
 * It also serves Unifically's storage upload (the real one is `PUT https://files.storagecdn.online/upload`):
 * `PUT /upload` with the API key, a multipart `file` part (streamed to a temporary directory) or JSON
 * `{"base64"}`, answers `{success: true, file_url}`; the file is served at `GET /uploads/<id>/<name>`.
 * Not rate limited; `failNext({endpoint: 'upload', …})` fails it; `maxUploadBytes` caps it. A task whose
 * input names an `/uploads/` URL of this simulator that was never uploaded (by its key) ends `failed`.
 *
 * The models, their input rules and prices are the simulator's own reading of the API doc
 * (models.cts); nothing is imported from the node (nodes/). No runtime dependencies: node:http(s),
 * node:crypto, node:stream, node:fs, node:os, node:path. Files by concern: types.cts (options,
 * stats, the handle), state.cts, rateLimit.cts, faults.cts, responses.cts, routes.cts, control.cts,
 * tasks.cts, callbacks.cts, validate.cts, pricing.cts, outputs.cts, files.cts, accounts.cts (the
 * account's answer, restriction and controls), uploads.cts (the storage upload), multipart.cts,
 * inputUrls.cts (tasks' input files).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { accountInfo, setAccount } from './accounts.cjs';
import { configure, failNext, reset } from './control.cjs';
import { currentFaults, seededRandom } from './faults.cjs';
import { LISTED_ONLY_MODELS } from './lists.cjs';
import { SIM_MODELS } from './models.cjs';
import { roundUsd } from './pricing.cjs';
import { sendError } from './responses.cjs';
import { handle } from './routes.cjs';
import { emptyStats, newAccount, resetStats, snapshot, type SimContext } from './state.cjs';
import { SimTask } from './tasks.cjs';
import type { Simulator, SimulatorOptions } from './types.cjs';
import { listUploads, removeUploads } from './uploads.cjs';

export type * from './types.cjs';
export { seededRandom, SimTask };

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const host = options.host ?? '127.0.0.1';
	const sim: SimContext = {
		options,
		config: {
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
			maxUploadBytes: options.maxUploadBytes ?? null,
			fetchInputUrls: options.fetchInputUrls ?? false,
			accountShape: options.accountShape ?? 'restricted',
			listShape: options.listShape ?? 'data',
		},
		models: new Map((options.models ?? [...SIM_MODELS, ...LISTED_ONLY_MODELS]).map((model) => [model.id, model])),
		tasks: new Map(),
		accounts: new Map(),
		keyStates: new Map(),
		failures: { create: [], dryRun: [], status: [], account: [], file: [], upload: [], list: [] },
		rateFailures: { create: [], dryRun: [], status: [], account: [], file: [], upload: [], list: [] },
		draws: {},
		timers: new Set(),
		callbackRequests: new Set(),
		inputProbes: new Set(),
		uploads: new Map(),
		uploadDir: undefined,
		stats: emptyStats(),
		taskCounter: 0,
		baseUrl: '',
		closed: false,
	};
	for (const [key, account] of Object.entries(options.apiKeys ?? {}))
		sim.accounts.set(key, newAccount(true, roundUsd(account.balance)));

	const server = http.createServer((req, res) => {
		handle(sim, req, res).catch((error: Error) => {
			if (!res.headersSent && !res.destroyed) sendError(sim, res, undefined, 500, `Simulator error: ${error.message}`, 'internal_error');
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
	sim.baseUrl = (options.publicUrl ?? url).replace(/\/+$/, '');

	async function close() {
		if (sim.closed) return;
		sim.closed = true;
		for (const timer of sim.timers) clearTimeout(timer);
		sim.timers.clear();
		for (const request of sim.callbackRequests) request.destroy();
		sim.callbackRequests.clear();
		for (const request of sim.inputProbes) request.destroy();
		sim.inputProbes.clear();
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			server.closeAllConnections();
		});
		await removeUploads(sim);
	}

	return {
		url,
		port,
		close,
		stats: () => snapshot(sim),
		resetStats: () => resetStats(sim),
		reset: () => reset(sim),
		failNext: (rules) => failNext(sim, rules),
		configure: (changes) => configure(sim, changes),
		get config() {
			return { ...sim.config, faults: currentFaults(sim) };
		},
		tasks: sim.tasks,
		uploads: () => listUploads(sim),
		setAccount: (key, changes) => setAccount(sim, key, changes),
		account: (key) => accountInfo(sim, key),
	};
}
