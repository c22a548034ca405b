/**
 * `--only naive`: the baseline. The pattern people build today with HTTP Request + Wait nodes,
 * implemented literally with plain HTTP (no n8n engine, so it is if anything faster than the real
 * thing): for each item, create the task, then wait `pollEveryMs` and read its status until it is
 * done, then go on to the next item.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { MODEL } from '../protocol.cjs';
import { seconds, type Row } from '../report.cjs';
import type { BenchContext, Results } from '../results.cjs';
import { TASK_MS, log, type Args } from '../settings.cjs';
import { throughputSection } from './throughput.cjs';

export interface NaiveOptions {
	simUrl: string;
	apiKey: string;
	items: number;
	pollEveryMs: number;
	model: string;
	input: (index: number) => Record<string, unknown>;
}

export interface NaiveResult {
	items: number;
	completed: number;
	wallMs: number;
	perItemMs: number[];
	statusReads: number;
	rateLimited: number;
	pollEveryMs: number;
}

interface Envelope {
	success?: boolean;
	data?: { task_id?: string; status?: string; message?: string };
}

async function call(
	url: string,
	apiKey: string,
	init: { method: 'GET' | 'POST'; body?: unknown },
): Promise<{ status: number; body: Envelope; retryAfter: number }> {
	const response = await fetch(url, {
		method: init.method,
		headers: { Authorization: `Bearer ${apiKey}`, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
		body: init.body ? JSON.stringify(init.body) : undefined,
	});
	const text = await response.text();
	let body: Envelope = {};
	try {
		body = JSON.parse(text) as Envelope;
	} catch {
		// not JSON: the status says enough
	}
	return { status: response.status, body, retryAfter: Number(response.headers.get('retry-after') ?? 60) };
}

export async function runNaiveSequential(options: NaiveOptions): Promise<NaiveResult> {
	const result: NaiveResult = {
		items: options.items,
		completed: 0,
		wallMs: 0,
		perItemMs: [],
		statusReads: 0,
		rateLimited: 0,
		pollEveryMs: options.pollEveryMs,
	};
	const started = performance.now();
	for (let index = 0; index < options.items; index++) {
		const itemStarted = performance.now();
		let taskId: string | undefined;
		for (;;) {
			const created = await call(`${options.simUrl}/v1/tasks`, options.apiKey, {
				method: 'POST',
				body: { model: options.model, input: options.input(index) },
			});
			if (created.status === 429) {
				result.rateLimited++;
				await sleep(created.retryAfter * 1000);
				continue;
			}
			taskId = created.body.data?.task_id;
			if (!taskId) throw new Error(`Naive create failed: HTTP ${created.status} ${JSON.stringify(created.body)}`);
			break;
		}
		for (;;) {
			await sleep(options.pollEveryMs); // the Wait node
			const read = await call(`${options.simUrl}/v1/tasks/${taskId}`, options.apiKey, { method: 'GET' });
			if (read.status === 429) {
				result.rateLimited++;
				await sleep(read.retryAfter * 1000);
				continue;
			}
			result.statusReads++;
			const status = read.body.data?.status;
			if (status === 'completed') {
				result.completed++;
				break;
			}
			if (status === 'failed' || read.status >= 400) break;
		}
		result.perItemMs.push(performance.now() - itemStarted);
	}
	result.wallMs = performance.now() - started;
	return result;
}

/** The baseline on `--naive-items` items in this process (mostly waiting), extrapolated to `--items`. */
export async function runNaive({ args, results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('naive', { taskLatencyMs: TASK_MS });
	log(`Naive sequential: ${args.naiveItems} items, poll every 1 s`);
	await runNaiveSequential({
		simUrl: recorded.sim.url,
		apiKey: 'sk-bench-naive',
		items: args.naiveItems,
		pollEveryMs: 1000,
		model: MODEL,
		input: (index) => ({ prompt: `Benchmark image ${index + 1}: a lighthouse at dusk`, aspect_ratio: '1:1' }),
	}).then((result) => {
		const mean = result.wallMs / result.items;
		results.naive = { ...result, extrapolatedMs: mean * args.items, extrapolatedTo: args.items };
		log(`Naive sequential: ${seconds(result.wallMs)} for ${result.items} items`);
	}, failed('Naive sequential'));
}

export function naiveRows(results: Results, args: Args): Row[] {
	const { throughput, naive } = results;
	if (!naive) return [];
	return [
		{
			section: throughput ? throughputSection(args) : 'Throughput',
			figure: `naive sequential measured: ${naive.items} items (create, read every ${naive.pollEveryMs / 1000} s)`,
			measured: `${seconds(naive.wallMs)} (${seconds(naive.wallMs / naive.items, 2)}/item, ${(naive.statusReads / naive.items).toFixed(1)} reads/task, ${naive.rateLimited} × 429)`,
			target: '— (info)',
		},
	];
}
