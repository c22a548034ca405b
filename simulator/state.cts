/**
 * The state one running simulator keeps (accounts, per-key rate windows and counters, tasks, fault
 * queues, timers), shared by the modules that serve it, and the accounts and counters themselves
 * (accounts.cts answers and changes the accounts).
 */
import type * as http from 'node:http';
import { randomBytes } from 'node:crypto';

import type { SimModel } from './modelTypes.cjs';
import type { SimTask } from './tasks.cjs';
import type { StoredUpload } from './uploads.cjs';
import type { FailEndpoint, FailRule, KeyStats, SimulatorConfig, SimulatorOptions, SimulatorStats } from './types.cjs';

export interface SimContext {
	readonly options: SimulatorOptions;
	readonly config: Omit<SimulatorConfig, 'faults'>;
	readonly models: Map<string, SimModel>;
	readonly tasks: Map<string, SimTask>;
	readonly accounts: Map<string, Account>;
	readonly keyStates: Map<string, KeyState>;
	/** Failures queued for the next request(s) of an endpoint. */
	readonly failures: Record<FailEndpoint, PendingFailure[]>;
	/** Standing faults (rules with `rate`) and each endpoint's seeded draws. */
	rateFailures: Record<FailEndpoint, PendingFailure[]>;
	readonly draws: Partial<Record<FailEndpoint, () => number>>;
	readonly timers: Set<NodeJS.Timeout>;
	readonly callbackRequests: Set<http.ClientRequest>;
	/** Requests fetching tasks' input URLs (`fetchInputUrls`), destroyed on close. */
	readonly inputProbes: Set<http.ClientRequest>;
	/** Files stored by `PUT /upload`, by id, in upload order. */
	readonly uploads: Map<string, StoredUpload>;
	/** This simulator's temporary directory of uploaded files (made at the first upload, removed on close). */
	uploadDir: string | undefined;
	stats: SimulatorStats;
	taskCounter: number;
	/** Base of output file URLs. */
	baseUrl: string;
	closed: boolean;
}

export const DEFAULT_BALANCE = 1_000_000_000;

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function newId(bytes: number): string {
	return randomBytes(bytes).toString('hex');
}

export function emptyKeyStats(): KeyStats {
	return {
		creates: 0,
		dryRuns: 0,
		statusReads: 0,
		accountReads: 0,
		listReads: 0,
		rateLimited: 0,
		errors: {},
		spentUsd: 0,
		peakCreatesPerSecond: 0,
		peakStatusReadsPerSecond: 0,
	};
}

export function emptyStats(): SimulatorStats {
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
		uploads: 0,
		uploadBytes: 0,
		uploadsInFlight: 0,
		peakUploadsInFlight: 0,
		byKey: {},
	};
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function numberInput(value: unknown): number | undefined {
	const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	return Number.isFinite(number) && number >= 0 ? number : undefined;
}

export interface Account {
	valid: boolean;
	/** USD, kept rounded to 4 decimals. */
	balance: number;
	/** Unix seconds until which creates and dry runs are refused (403); null, or a past time: not restricted. */
	restrictedUntil: number | null;
	/** Unix seconds: when the simulator made the account, and when its balance or settings last changed. */
	createdAt: number;
	updatedAt: number;
}

export function newAccount(valid: boolean, balance: number): Account {
	const now = Math.floor(Date.now() / 1000);
	return { valid, balance, restrictedUntil: null, createdAt: now, updatedAt: now };
}

export interface KeyState {
	stats: KeyStats;
	windows: { create: number[]; status: number[] };
	banUntil: { create: number; status: number };
}

export type Kind = 'create' | 'status';

export interface PendingFailure {
	rule: FailRule;
	remaining: number;
}

export function accountOf(sim: SimContext, key: string): Account {
	let account = sim.accounts.get(key);
	if (!account) {
		if (sim.options.apiKeys) account = newAccount(false, 0);
		else if (key === 'invalid-key') account = newAccount(false, 0);
		else if (key === 'broke-key') account = newAccount(true, 0);
		else account = newAccount(true, DEFAULT_BALANCE);
		sim.accounts.set(key, account);
	}
	return account;
}

export function keyState(sim: SimContext, key: string): KeyState {
	let state = sim.keyStates.get(key);
	if (!state) {
		state = {
			stats: emptyKeyStats(),
			windows: { create: [], status: [] },
			banUntil: { create: 0, status: 0 },
		};
		sim.keyStates.set(key, state);
		sim.stats.byKey[key] = state.stats;
	}
	return state;
}

export function countError(sim: SimContext, state: KeyState | undefined, status: number) {
	const name = String(status);
	sim.stats.errors[name] = (sim.stats.errors[name] ?? 0) + 1;
	if (state) state.stats.errors[name] = (state.stats.errors[name] ?? 0) + 1;
	if (status === 429) {
		sim.stats.rateLimited++;
		if (state) state.stats.rateLimited++;
	}
}

export function snapshot(sim: SimContext): SimulatorStats {
	return JSON.parse(JSON.stringify(sim.stats)) as SimulatorStats;
}

export function resetStats(sim: SimContext) {
	// Uploads still in flight end after the reset (and count themselves down): keep them.
	const inFlight = sim.stats.uploadsInFlight;
	sim.stats = emptyStats();
	sim.stats.uploadsInFlight = sim.stats.peakUploadsInFlight = inFlight;
	for (const [key, state] of sim.keyStates) {
		state.stats = emptyKeyStats();
		sim.stats.byKey[key] = state.stats;
	}
}
