/**
 * A virtual clock for the rate limiter (its `Clock`): time moves only when every piece of work
 * waiting on the clock has run, straight to the next timer. A minute of several processes sharing
 * a key runs in milliseconds, and the same seed gives the same run.
 */
import type { Clock } from '../../../nodes/shared/transport/RateLimiter';

interface Timer {
	at: number;
	seq: number;
	resolve: () => void;
}

/** Lets every promise chain that can run now run (a macrotask runs after all pending microtasks). */
const settle = async () => await new Promise<void>((resolve) => setImmediate(resolve));

export class VirtualClock implements Clock {
	private time: number;

	private seq = 0;

	private readonly timers: Timer[] = [];

	constructor(start = 1_800_000_000_000) {
		this.time = start;
	}

	now(): number {
		return this.time;
	}

	async sleep(ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			this.push({ at: this.time + Math.max(0, ms), seq: this.seq++, resolve });
		});
	}

	/** Runs until `done()` holds (checked whenever nothing more can run at the current time), or fails past `limitMs`. */
	async runUntil(done: () => boolean, limitMs = 3_600_000): Promise<void> {
		const end = this.time + limitMs;
		for (;;) {
			await settle();
			if (done()) return;
			const next = this.pop();
			if (!next) throw new Error('virtual clock: nothing left to run, and not done');
			if (next.at > end) throw new Error(`virtual clock: not done within ${limitMs} ms`);
			this.time = Math.max(this.time, next.at);
			next.resolve();
			// Every timer due at the same moment fires before the work they start runs.
			while (this.timers.length && this.timers[0].at <= this.time) this.pop()!.resolve();
		}
	}

	/** Runs for `ms` of virtual time. */
	async advance(ms: number): Promise<void> {
		const until = this.time + ms;
		void this.sleep(ms);
		await this.runUntil(() => this.time >= until);
	}

	// A binary heap ordered by time, then by order of creation.
	private push(timer: Timer) {
		const heap = this.timers;
		heap.push(timer);
		for (let index = heap.length - 1; index > 0; ) {
			const parent = (index - 1) >> 1;
			if (!before(heap[index], heap[parent])) break;
			[heap[index], heap[parent]] = [heap[parent], heap[index]];
			index = parent;
		}
	}

	private pop(): Timer | undefined {
		const heap = this.timers;
		if (heap.length === 0) return undefined;
		const top = heap[0];
		const last = heap.pop()!;
		if (heap.length > 0) {
			heap[0] = last;
			for (let index = 0; ; ) {
				const left = 2 * index + 1;
				const right = left + 1;
				let smallest = index;
				if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
				if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
				if (smallest === index) break;
				[heap[index], heap[smallest]] = [heap[smallest], heap[index]];
				index = smallest;
			}
		}
		return top;
	}
}

const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
