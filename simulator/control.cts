/**
 * The test controls: `/__sim/*` routes (health, stats, reset, fail, config, tasks, uploads, account)
 * and the `reset`, `failNext` and `configure` of the `Simulator` handle (its `setAccount` and
 * `account` are in accounts.cts).
 */
import type * as http from 'node:http';

import { accountInfo, setAccount } from './accounts.cjs';
import { addRateFailure, clearRateFailures, currentFaults, validateRule } from './faults.cjs';
import { readBody, sendError, sendJson } from './responses.cjs';
import { isPlainObject, resetStats, snapshot, type SimContext } from './state.cjs';
import { LIST_SHAPES } from './lists.cjs';
import type { FailEndpoint, FailRule, SimulatorConfig } from './types.cjs';
import { listUploads } from './uploads.cjs';

export async function handleControl(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, path: string) {
	const raw = await readBody(req);
	let body: unknown;
	if (raw && raw.length) {
		try {
			body = JSON.parse(raw.toString('utf8'));
		} catch {
			return sendError(sim, res, undefined, 400, 'Request body is not valid JSON', 'invalid_parameters');
		}
	}
	const method = req.method ?? 'GET';
	if (path === '/__sim/health' && method === 'GET') return sendJson(res, 200, { ok: true, tasks: sim.tasks.size });
	if (path === '/__sim/stats' && method === 'GET') return sendJson(res, 200, snapshot(sim));
	if (path === '/__sim/reset' && method === 'POST') {
		reset(sim);
		return sendJson(res, 200, { ok: true });
	}
	if (path === '/__sim/fail' && method === 'POST') {
		try {
			failNext(sim, Array.isArray(body) ? (body as FailRule[]) : (body as FailRule));
		} catch (error) {
			return sendError(sim, res, undefined, 400, (error as Error).message, 'invalid_parameters');
		}
		return sendJson(res, 200, { ok: true });
	}
	if (path === '/__sim/config' && (method === 'POST' || method === 'GET')) {
		if (method === 'POST') {
			if (!isPlainObject(body)) return sendError(sim, res, undefined, 400, 'Expected a JSON object', 'invalid_parameters');
			try {
				return sendJson(res, 200, configure(sim, body as Partial<SimulatorConfig>));
			} catch (error) {
				return sendError(sim, res, undefined, 400, (error as Error).message, 'invalid_parameters');
			}
		}
		return sendJson(res, 200, { ...sim.config, faults: currentFaults(sim) });
	}
	if (path === '/__sim/tasks' && method === 'GET')
		return sendJson(
			res,
			200,
			[...sim.tasks.values()].map((task) => ({ ...task.view(), model: task.model, created_at: task.createdAt })),
		);
	if (path === '/__sim/uploads' && method === 'GET') return sendJson(res, 200, listUploads(sim));
	if (path === '/__sim/account' && (method === 'POST' || method === 'GET')) {
		try {
			if (method === 'GET') {
				const key = new URL(req.url ?? '/', 'http://simulator.invalid').searchParams.get('key');
				return sendJson(res, 200, accountInfo(sim, key ?? ''));
			}
			if (!isPlainObject(body)) throw new Error('Expected a JSON object {key, balance?, restrictedUntil?, valid?}');
			const { key, ...changes } = body;
			return sendJson(res, 200, setAccount(sim, key as string, changes));
		} catch (error) {
			return sendError(sim, res, undefined, 400, (error as Error).message, 'invalid_parameters');
		}
	}
	const match = /^\/__sim\/tasks\/([^/]+)$/.exec(path);
	if (match && method === 'GET') {
		const task = sim.tasks.get(decodeURIComponent(match[1]));
		if (!task) return sendError(sim, res, undefined, 404, 'Task not found', 'task_not_found');
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
	return sendError(sim, res, undefined, 404, `No simulator control at ${method} ${path}`, 'not_found');
}

export function reset(sim: SimContext) {
	resetStats(sim);
	for (const endpoint of Object.keys(sim.failures) as FailEndpoint[]) sim.failures[endpoint] = [];
	clearRateFailures(sim);
	for (const state of sim.keyStates.values()) {
		state.windows = { create: [], status: [] };
		state.banUntil = { create: 0, status: 0 };
	}
}

export function failNext(sim: SimContext, rules: FailRule | FailRule[]) {
	const list = (Array.isArray(rules) ? rules : [rules]).map(validateRule);
	for (const rule of list) {
		if (rule.rate !== undefined) addRateFailure(sim, rule);
		else sim.failures[rule.endpoint].push({ rule: { ...rule }, remaining: Math.floor(rule.count ?? 1) });
	}
}

export function configure(sim: SimContext, changes: Partial<SimulatorConfig>): SimulatorConfig {
	if (changes.faults !== undefined) {
		if (!Array.isArray(changes.faults)) throw new Error('faults must be a list of failure rules with a rate');
		const rules = changes.faults.map(validateRule);
		if (rules.some((rule) => rule.rate === undefined)) throw new Error('each of faults needs a rate (0 to 1)');
		clearRateFailures(sim);
		for (const rule of rules) addRateFailure(sim, rule);
	}
	const numeric: Array<keyof SimulatorConfig> = ['taskLatencyMs', 'rateLimit', 'banSeconds', 'outputBytes', 'callbackTimeoutMs'];
	for (const key of numeric) {
		const value = changes[key];
		if (value !== undefined) {
			if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${key} must be a non-negative number`);
			(sim.config as unknown as Record<string, number>)[key] = value;
		}
	}
	for (const key of ['requestDelayMs', 'answerDelayMs'] as const) {
		const value = changes[key];
		if (value === undefined) continue;
		if (!Array.isArray(value) || value.length !== 2 || !value.every((ms) => typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) || value[0] > value[1])
			throw new Error(`${key} must be [min, max] milliseconds`);
		sim.config[key] = [value[0], value[1]];
	}
	if (changes.callbackShape !== undefined) {
		if (!['wrapped', 'bare', 'alternate'].includes(changes.callbackShape))
			throw new Error('callbackShape must be wrapped, bare or alternate');
		sim.config.callbackShape = changes.callbackShape;
	}
	if (changes.omitRateLimitHeaders !== undefined) sim.config.omitRateLimitHeaders = !!changes.omitRateLimitHeaders;
	if (changes.minimalFileHeaders !== undefined) sim.config.minimalFileHeaders = !!changes.minimalFileHeaders;
	if (changes.maxUploadBytes !== undefined) {
		const value = changes.maxUploadBytes;
		if (value !== null && (typeof value !== 'number' || !Number.isFinite(value) || value < 0))
			throw new Error('maxUploadBytes must be a non-negative number of bytes, or null for no limit');
		sim.config.maxUploadBytes = value === null ? null : Math.floor(value);
	}
	if (changes.fetchInputUrls !== undefined) sim.config.fetchInputUrls = !!changes.fetchInputUrls;
	if (changes.accountShape !== undefined) {
		if (changes.accountShape !== 'restricted' && changes.accountShape !== 'withSuccess')
			throw new Error('accountShape must be restricted or withSuccess');
		sim.config.accountShape = changes.accountShape;
	}
	if (changes.listShape !== undefined) {
		if (!LIST_SHAPES.includes(changes.listShape)) throw new Error(`listShape must be one of ${LIST_SHAPES.join(', ')}`);
		sim.config.listShape = changes.listShape;
	}
	return { ...sim.config, faults: currentFaults(sim) };
}
