/**
 * Which callbacks this n8n process has already taken, so each task is emitted once per status even
 * when the sender (or a proxy) delivers the same callback twice, or a `processing` callback is
 * verified after the task has completed.
 *
 * A claim is taken synchronously when a callback arrives (before any await), so two deliveries racing
 * each other cannot both pass. Keys are `workflow + node + task_id + status group`.
 *
 * Limits (stated in the README): the memory is this process's only. It is gone after n8n restarts,
 * and in queue mode with several webhook processes each one remembers its own callbacks. Workflow
 * static data is not used: n8n loads it when a call arrives and saves it whole when the call is done,
 * so callbacks handled at the same time overwrite each other's marks (and every callback would cost
 * a database write). Bounded: at most MAX_ENTRIES keys, each forgotten after TTL_MS.
 */
const MAX_ENTRIES = 50_000;
const TTL_MS = 24 * 60 * 60_000;

const claims = new Map<string, number>();

export function callbackKey(workflowId: string | undefined, nodeId: string, taskId: string, statusGroup: string): string {
	return [workflowId ?? '', nodeId, taskId, statusGroup].join('\u0000');
}

function forgetOld(now: number) {
	// Map keeps insertion order: the oldest claims come first.
	for (const [key, at] of claims) {
		if (claims.size <= MAX_ENTRIES && now - at <= TTL_MS) break;
		claims.delete(key);
	}
}

/** Takes `key` and returns true, or returns false when it is already taken. */
export function claim(key: string): boolean {
	const now = Date.now();
	forgetOld(now);
	const at = claims.get(key);
	if (at !== undefined && now - at <= TTL_MS) return false;
	claims.delete(key);
	claims.set(key, now);
	return true;
}

/** Gives `key` back (its callback was not confirmed), so a later delivery of it is taken again. */
export function release(key: string): void {
	claims.delete(key);
}

/** For tests: how many keys are held. */
export const claimCount = () => claims.size;
