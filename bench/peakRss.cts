/**
 * The peak memory one call costs a running n8n (`n8n start`), as the scenarios in a real n8n measure
 * it (bench/scenarios/memoryN8n.cts, bench/scenarios/uploadMemoryN8n.cts): the kernel's peak-RSS
 * counter of the process is reset before the call (`echo 5 > /proc/<pid>/clear_refs`), and the
 * call's figure is VmHWM after it minus VmRSS before it. Also what those scenarios share to drive
 * n8n: a Webhook trigger node, publishing workflows and calling their webhooks.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';

import { sleep, type N8n, type WorkflowJson } from '../harness/n8n/index.cjs';

export const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** VmRSS and VmHWM of a process, in bytes (NaN for an exited process). */
export function procStatus(pid: number): { rss: number; hwm: number } {
	const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
	return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

/** Resets the process's peak RSS to its current RSS; false where the kernel does not allow it. */
export function resetPeak(pid: number): boolean {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		const after = procStatus(pid);
		return after.hwm - after.rss < 4 * 1024 * 1024;
	} catch {
		return false;
	}
}

/** One measured call: the process's RSS before it, its peak during it, and their difference. */
export interface PeakCall {
	/** VmRSS of the process just before the call. */
	rssBefore: number;
	/** VmHWM after the call (the peak since the counter was reset before it). */
	vmHwm: number;
	/** vmHwm − rssBefore. */
	added: number;
	wallMs: number;
	/** Whether the peak could be reset before the call (otherwise vmHwm is the lifetime peak). */
	resetWorks: boolean;
}

/**
 * Waits for the last call's garbage to be collected on its own, resets the peak, makes the call and
 * reads the peak it reached.
 */
export async function measurePeak(pid: number, call: () => Promise<unknown>): Promise<PeakCall> {
	await sleep(1500);
	const resetWorks = resetPeak(pid);
	const before = procStatus(pid);
	const from = Date.now();
	await call();
	const wallMs = Date.now() - from;
	const after = procStatus(pid);
	return { rssBefore: before.rss, vmHwm: after.hwm, added: after.hwm - before.rss, wallMs, resetWorks };
}

/** A Webhook trigger (POST) that answers when the workflow's last node is done, with no data. */
export function webhookNode(path: string): WorkflowJson['nodes'][number] {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'noData', options: {} },
	};
}

/** Starts n8n, publishes the workflows and waits for their webhooks: the server's pid, each workflow's webhook URL, its RSS. */
export async function serveWebhooks(n8n: N8n, workflowIds: string[]): Promise<{ pid: number; hookUrls: string[]; rssAfterStart: number }> {
	await n8n.start();
	const hookUrls: string[] = [];
	for (const id of workflowIds) {
		await n8n.activateWorkflow(id);
		const [hook] = await n8n.waitForWebhooks(id);
		hookUrls.push(hook.url);
	}
	const pid = n8n.server.pid;
	if (!pid) throw new Error('no n8n pid');
	return { pid, hookUrls, rssAfterStart: procStatus(pid).rss };
}

/** POSTs `body` as JSON to a webhook; throws unless it answers 2xx. */
export async function callWebhook(url: string, body: unknown): Promise<void> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await response.text();
	if (!response.ok) throw new Error(`webhook answered ${response.status}: ${text.slice(0, 300)}`);
}
