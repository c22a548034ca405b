/**
 * Reading a simulator's request log (bench/recorder.cts): the per-task timeline of a batch, the
 * accepted requests per second, and a summary of each simulator's 429s for the report.
 */
import type { RecordedSimulator, RequestRecord } from './recorder.cjs';
import { quantiles } from './report.cjs';

export const TASK_PATH = /^\/v1\/tasks\/([^/?]+)/;

export interface ThroughputTimeline {
	firstCreateMs: number;
	lastCreateMs: number;
	firstReadMs: number;
	lastReadMs: number;
	readsPerTask: Record<string, number>;
	firstReadAfterCreateMs: ReturnType<typeof quantiles>;
	/** From the moment the task finished on the simulator to the read that saw it finished. */
	detectionDelayMs: ReturnType<typeof quantiles>;
	/** Reads that found the task still pending/processing. */
	earlyReads: number;
	/** Per task, in creation order: ms after the batch started of its create, finish and reads. */
	tasks: Array<{ createdMs: number; finishedMs: number; readsMs: number[] }>;
}

export function throughputTimeline(recorded: RecordedSimulator, apiKey: string, startedAt: number): ThroughputTimeline {
	const tasks = [...recorded.sim.tasks.values()].filter((task) => task.owner === apiKey);
	tasks.sort((a, b) => a.createdAt - b.createdAt);
	const readsById = new Map<string, RequestRecord[]>();
	for (const record of recorded.log) {
		const match = record.method === 'GET' ? TASK_PATH.exec(record.path) : null;
		if (!match || record.status !== 200) continue;
		const id = decodeURIComponent(match[1]);
		readsById.set(id, [...(readsById.get(id) ?? []), record]);
	}
	const histogram: Record<string, number> = {};
	const firstRead: number[] = [];
	const detection: number[] = [];
	let earlyReads = 0;
	const allReads: number[] = [];
	const perTask = tasks.map((task) => {
		const reads = readsById.get(task.id) ?? [];
		histogram[reads.length] = (histogram[reads.length] ?? 0) + 1;
		if (reads[0]) firstRead.push(reads[0].at - task.createdAt);
		const seen = reads.find((read) => read.at >= task.finishesAt);
		if (seen) detection.push(seen.at - task.finishesAt);
		earlyReads += reads.filter((read) => read.at < task.finishesAt).length;
		allReads.push(...reads.map((read) => read.at));
		return {
			createdMs: task.createdAt - startedAt,
			finishedMs: task.finishesAt - startedAt,
			readsMs: reads.map((read) => read.at - startedAt),
		};
	});
	return {
		firstCreateMs: (tasks[0]?.createdAt ?? NaN) - startedAt,
		lastCreateMs: (tasks.at(-1)?.createdAt ?? NaN) - startedAt,
		firstReadMs: Math.min(...allReads) - startedAt,
		lastReadMs: Math.max(...allReads) - startedAt,
		readsPerTask: histogram,
		firstReadAfterCreateMs: quantiles(firstRead),
		detectionDelayMs: quantiles(detection),
		earlyReads,
		tasks: perTask,
	};
}

export function perSecond(recorded: RecordedSimulator, startedAt: number) {
	const buckets: Array<{ second: number; creates: number; reads: number }> = [];
	for (const record of recorded.log) {
		const kind = kindOf(record);
		if (record.status === 429 || kind === 'other' || record.key.endsWith('-warmup')) continue;
		const second = Math.floor((record.at - startedAt) / 1000);
		if (second < 0) continue;
		while (buckets.length <= second) buckets.push({ second: buckets.length, creates: 0, reads: 0 });
		if (kind === 'create') buckets[second].creates++;
		else buckets[second].reads++;
	}
	return buckets;
}

export interface SimulatorSummary {
	requests: number;
	creates: number;
	dryRuns: number;
	statusReads: number;
	rateLimited: number;
	peakCreatesPerSecond: number;
	peakStatusReadsPerSecond: number;
	/**
	 * Each 429: when (ms after the bench started), for which kind of request, and how long before it
	 * the accepted requests of that kind in the second before it arrived (to tell a client that sent
	 * too fast from requests bunched up on the way).
	 */
	rateLimitEvents: Array<{ atMs: number; kind: string; acceptedInPrecedingSecondMsAgo: number[] }>;
	/** Fewest ms spanned by 11 consecutive accepted requests of one kind and key (≤ 1000: over the limit). */
	minSpanOf11: Record<string, number>;
}

export const kindOf = (record: RequestRecord) =>
	record.method === 'POST' && /^\/v1\/tasks\/?(\?|$)/.test(record.path)
		? 'create'
		: record.method === 'GET' && TASK_PATH.test(record.path)
			? 'status'
			: 'other';

export function minSpanOf11(records: RequestRecord[]): Record<string, number> {
	const times = new Map<string, number[]>();
	for (const record of records) {
		const kind = kindOf(record);
		if (record.status === 429 || kind === 'other') continue;
		const key = `${kind}`;
		const list = times.get(`${key} ${record.key}`) ?? [];
		list.push(record.doneAt);
		times.set(`${key} ${record.key}`, list);
	}
	const spans: Record<string, number> = {};
	for (const [name, list] of times) {
		const kind = name.split(' ')[0];
		list.sort((a, b) => a - b);
		for (let index = 10; index < list.length; index++) {
			spans[kind] = Math.min(spans[kind] ?? Infinity, list[index] - list[index - 10]);
		}
	}
	return spans;
}

export function simulatorSummary(recorded: RecordedSimulator, began: number): SimulatorSummary {
	const stats = recorded.sim.stats();
	const events = recorded.log
		.filter((record) => record.status === 429)
		.slice(0, 20)
		.map((limited) => {
			const kind = kindOf(limited);
			const accepted = recorded.log.filter(
				(record) =>
					record.status !== 429 &&
					record.key === limited.key &&
					kindOf(record) === kind &&
					record.doneAt <= limited.doneAt &&
					record.doneAt > limited.doneAt - 1000,
			);
			return {
				atMs: limited.doneAt - began,
				kind,
				acceptedInPrecedingSecondMsAgo: accepted.map((record) => limited.doneAt - record.doneAt),
			};
		});
	return {
		requests: stats.requests,
		creates: stats.creates,
		dryRuns: stats.dryRuns,
		statusReads: stats.statusReads,
		rateLimited: stats.rateLimited,
		peakCreatesPerSecond: stats.peakCreatesPerSecond,
		peakStatusReadsPerSecond: stats.peakStatusReadsPerSecond,
		rateLimitEvents: events,
		minSpanOf11: minSpanOf11(recorded.log),
	};
}
