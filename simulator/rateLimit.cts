/**
 * The API doc's rate limit: 10 requests per sliding second per API key, separately for generation
 * (POST) and polling (GET), then a ban (60 s by default) answered with 429 and the documented headers.
 */
import type { KeyState, Kind, SimContext } from './state.cjs';

export function rateLimitMessage(seconds: number): string {
	return `You have been ratelimited, this temporary restriction will be lifted in: ${seconds} seconds`;
}

export interface RateDecision {
	allowed: boolean;
	/** Seconds until the ban lifts (when not allowed). */
	retryAfter: number;
	headers: Record<string, string>;
}

export function checkRate(sim: SimContext, state: KeyState, kind: Kind, now: number): RateDecision {
	const window = state.windows[kind];
	while (window.length && window[0] <= now - 1000) window.shift();
	const limit = sim.config.rateLimit;
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
			banUntil = state.banUntil[kind] = now + sim.config.banSeconds * 1000;
		} else {
			window.push(now);
			const peak = kind === 'create' ? 'peakCreatesPerSecond' : 'peakStatusReadsPerSecond';
			if (window.length > state.stats[peak]) state.stats[peak] = window.length;
			if (window.length > sim.stats[peak]) sim.stats[peak] = window.length;
		}
	}
	const retryAfter = allowed ? 0 : Math.max(1, Math.ceil((banUntil - now) / 1000));
	const headers: Record<string, string> = {};
	if (!sim.config.omitRateLimitHeaders) {
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
