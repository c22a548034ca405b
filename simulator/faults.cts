/**
 * Fault injection: failures queued for the next request(s) of an endpoint (`failNext`), and standing
 * faults that fail a seeded share of an endpoint's requests (rules with `rate`).
 */
import { isPlainObject, type SimContext } from './state.cjs';
import type { FailEndpoint, FailRule } from './types.cjs';

export function validateRule(value: unknown): FailRule {
	if (!isPlainObject(value)) throw new Error('a failure rule must be an object');
	const endpoints: FailEndpoint[] = ['create', 'dryRun', 'status', 'account', 'file', 'upload', 'list'];
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

export function takeFailure(sim: SimContext, endpoint: FailEndpoint): FailRule | undefined {
	const queue = sim.failures[endpoint];
	const pending = queue[0];
	if (!pending) return takeRateFailure(sim, endpoint);
	pending.remaining--;
	if (pending.remaining <= 0) queue.shift();
	return pending.rule;
}

/** One draw per request of the endpoint: it fails under the rule whose share of [0, 1) it falls in. */
export function takeRateFailure(sim: SimContext, endpoint: FailEndpoint): FailRule | undefined {
	const rules = sim.rateFailures[endpoint];
	if (rules.length === 0) return undefined;
	const draw = (sim.draws[endpoint] ??= seededRandom(1))();
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

export function addRateFailure(sim: SimContext, rule: FailRule) {
	if (rule.seed !== undefined || !sim.draws[rule.endpoint]) sim.draws[rule.endpoint] = seededRandom(rule.seed ?? 1);
	sim.rateFailures[rule.endpoint].push({ rule: { ...rule }, remaining: rule.count === undefined ? Infinity : Math.floor(rule.count) });
}

export function clearRateFailures(sim: SimContext) {
	for (const endpoint of Object.keys(sim.rateFailures) as FailEndpoint[]) {
		sim.rateFailures[endpoint] = [];
		delete sim.draws[endpoint];
	}
}

export const currentFaults = (sim: SimContext) => Object.values(sim.rateFailures).flatMap((rules) => rules.map((pending) => ({ ...pending.rule })));
