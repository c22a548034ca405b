/**
 * `--only callbacks`, callback bursts: how fast Unifically Trigger answers 100 callbacks that
 * arrive together (each sent twice: the second delivery is a duplicate), without and with Verify
 * With API. The trigger runs in n8n-core's real WebhookContext behind a real local HTTP endpoint
 * (harness/webhook.cts), in this process; the tasks are on a simulator with the API's 10 reads/s limit and 60 s ban.
 *
 * Figures: answer latency (median, p99, max) of the 200 requests, measured by the sender; the time
 * until the last task was emitted; tasks emitted; status reads and 429s.
 */
import { sleep } from 'n8n-workflow';

import { startTriggerWebhook } from '../../harness/webhook.cjs';
import type { RecordedSimulator } from '../recorder.cjs';
import type { BenchContext } from '../results.cjs';
import { log } from '../settings.cjs';
import { seconds, type Row } from '../report.cjs';

const BURST = 100;
const TARGET_MAX_ANSWER_MS = 2000;

export interface CallbackBurstResult {
	verify: boolean;
	requests: number;
	answerMs: { median: number; p99: number; max: number };
	non200: number;
	duplicatesAnswered: number;
	emitted: number;
	distinctEmitted: number;
	lastEmitMs: number;
	statusReads: number;
	rateLimited: number;
}

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function createFinishedTasks(simUrl: string, apiKey: string, count: number): Promise<string[]> {
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const response = await fetch(`${simUrl}/v1/tasks`, {
			method: 'POST',
			headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
			body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: `callback burst ${index}`, aspect_ratio: '1:1', sim_latency_ms: 200 } }),
		});
		if (response.status !== 200) throw new Error(`creating a task: HTTP ${response.status} ${await response.text()}`);
		ids.push(((await response.json()) as { data: { task_id: string } }).data.task_id);
		await sleep(110); // the simulator's 10 creates/s
	}
	await sleep(500);
	return ids;
}

/** One burst: 100 callbacks and their 100 repeats, all in flight together. */
export async function runCallbackBurst(recorded: RecordedSimulator, apiKey: string, verify: boolean): Promise<CallbackBurstResult> {
	const ids = verify
		? await createFinishedTasks(recorded.sim.url, apiKey, BURST)
		: Array.from({ length: BURST }, (_, index) => `bench-callback-${index}-${Date.now()}`);
	const hook = await startTriggerWebhook({
		parameters: { secretToken: 'bench-token', verifyWithApi: verify },
		credentials: verify ? { unificallyApi: { apiKey, baseUrl: recorded.sim.url, requestsPerSecond: 10 } } : undefined,
	});
	try {
		const url = `${hook.webhookUrl}?token=bench-token`;
		const bodies = ids.map((task_id) => JSON.stringify({ code: 200, success: true, data: { task_id, status: 'completed', output: { image_url: 'https://files.example/x.png' } } }));
		const readsBefore = recorded.sim.stats().byKey[apiKey]?.statusReads ?? 0;
		const limitedBefore = recorded.sim.stats().byKey[apiKey]?.rateLimited ?? 0;
		const began = Date.now();
		const answers = await Promise.all(
			[...bodies, ...bodies].map(async (body) => {
				const sent = performance.now();
				const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
				const parsed = (await response.json().catch(() => ({}))) as { duplicate?: boolean };
				return { status: response.status, ms: performance.now() - sent, duplicate: parsed.duplicate === true };
			}),
		);
		const calls = await Promise.all(answers.map(async (_, index) => await hook.call(index, 120_000)));
		const emitted = calls.flatMap((call) => call.items.map((item) => String(item.json.task_id)));
		const ms = answers.map((answer) => answer.ms);
		const stats = recorded.sim.stats().byKey[apiKey];
		return {
			verify,
			requests: answers.length,
			answerMs: { median: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms) },
			non200: answers.filter((answer) => answer.status !== 200).length,
			duplicatesAnswered: answers.filter((answer) => answer.duplicate).length,
			emitted: emitted.length,
			distinctEmitted: new Set(emitted).size,
			lastEmitMs: Math.max(...calls.map((call) => call.webhookSettledAt ?? began)) - began,
			statusReads: (stats?.statusReads ?? 0) - readsBefore,
			rateLimited: (stats?.rateLimited ?? 0) - limitedBefore,
		};
	} finally {
		await hook.close();
	}
}

export async function runCallbackBursts(recorded: RecordedSimulator): Promise<CallbackBurstResult[]> {
	return [await runCallbackBurst(recorded, 'sk-bench-callbacks-plain', false), await runCallbackBurst(recorded, 'sk-bench-callbacks-verify', true)];
}

export function callbackRows(results: CallbackBurstResult[] | undefined): Row[] {
	if (!results) return [];
	const section = `Callbacks: a burst of ${BURST} callbacks, each delivered twice, to Unifically Trigger (n8n-core webhook context, in process)`;
	return results.flatMap((result) => {
		const label = result.verify ? 'with Verify With API' : 'without verification';
		const ok = result.non200 === 0 && result.distinctEmitted === BURST && result.emitted === BURST;
		return [
			{
				section,
				figure: `${label}: answer latency of ${result.requests} requests (median / p99 / max)`,
				measured: `${Math.round(result.answerMs.median)} / ${Math.round(result.answerMs.p99)} / ${Math.round(result.answerMs.max)} ms`,
				target: `max ≤ ${TARGET_MAX_ANSWER_MS} ms`,
				met: result.answerMs.max <= TARGET_MAX_ANSWER_MS,
			},
			{
				section,
				figure: `${label}: tasks emitted (once each), duplicates answered as such`,
				measured: `${result.distinctEmitted} distinct in ${result.emitted} items, ${result.duplicatesAnswered} duplicates, last emitted after ${seconds(result.lastEmitMs, 1)}`,
				target: `${BURST} once each`,
				met: ok,
			},
			{
				section,
				figure: `${label}: status reads, 429s`,
				measured: `${result.statusReads} reads, ${result.rateLimited} × 429`,
				target: result.verify ? `${BURST} reads, 0 × 429` : '0 reads, 0 × 429',
				met: result.rateLimited === 0 && result.statusReads === (result.verify ? BURST : 0),
			},
		];
	});
}

/** Last in a run: it loads n8n-core into the bench's own process. */
export async function runCallbacks({ results, newSimulator, failed }: BenchContext) {
	const recorded = await newSimulator('callbacks', { taskLatencyMs: 200 });
	log(`Callbacks: bursts of 100 callbacks (each twice) to Unifically Trigger, without and with Verify With API`);
	results.callbacks = await runCallbackBursts(recorded).catch(failed('Callback bursts'));
}
