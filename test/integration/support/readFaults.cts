/**
 * Shared pieces of the failing-status-read suites (test/integration/unifically.readFaults*.test.cts):
 * the simulator's fault mix, the Flux Generate workflow, the shorter read backoff, and the seeded
 * batches. The forty seeded batches are split over four files of ten (30 % and 50 %, seeds 1–10 and
 * 11–20) so that Jest's workers run them side by side: they wait on real time, not on the CPU.
 */
import type { INodeParameters } from 'n8n-workflow';

import type { FailRule, Simulator } from '../../../simulator/server.cjs';
import { API_KEY, NODE_NAME, prompts, receivedInput, runUnifically, useRetryBackoff, useSimulator } from './fixtures.cjs';

export const GATEWAY_PAGE = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

/** A share `rate` of status reads fails: half the API's 500 JSON, a quarter a 502 HTML page, a quarter dropped. */
export const statusFaults = (rate: number, seed: number): FailRule[] => [
	{ endpoint: 'status', rate: rate / 2, status: 500, seed },
	{ endpoint: 'status', rate: rate / 4, status: 502, body: GATEWAY_PAGE },
	{ endpoint: 'status', rate: rate / 4, status: 0 },
];

export const flux = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	model: 'black-forest-labs/flux.2-pro',
	prompt: '={{ $json.prompt }}',
	options: { download: false },
	...extra,
});

const injectedErrors = (sim: Simulator) =>
	Object.entries(sim.stats().errors)
		.filter(([status]) => ['0', '500', '502'].includes(status))
		.reduce((sum, [, count]) => sum + count, 0);

/** Shorter backoff for the fault runs: the production code path, another schedule. */
export function useShortReadBackoff() {
	useRetryBackoff({ baseMs: 50, maxMs: 800, untilDeadlineMaxMs: 1000 });
}

/**
 * Seeded batches (`seeds`: first and last seed) of 10 Flux images with a share `rate` of status
 * reads failing: every task completes, each created once, in input order, and the faults happened
 * (more than `minFaults` in all).
 */
export function describeSeededBatches(rate: number, seeds: [number, number], minFaults: number, title: string) {
	describe('Unifically → Generate with failing status reads', () => {
		const sim = useSimulator({ taskLatencyMs: 300 });
		useShortReadBackoff();
		const figures: string[] = [];
		afterAll(() => process.stderr.write(`[read faults] ${figures.join('\n  ')}\n`));

		async function generateWithFaults(seed: number, itemCount = 10) {
			sim().reset(); // counters and fault rules of this run only
			const before = new Set(sim().tasks.keys());
			sim().failNext(statusFaults(rate, seed));
			const items = prompts(itemCount, `seed ${seed}`);
			// a key of its own per run: each batch starts with a fresh rate limiter
			const started = Date.now();
			const result = await runUnifically(sim(), flux({ options: { download: false, timeout: 60 } }), {
				items,
				apiKey: `${API_KEY}-faults-${rate}-${seed}`,
				timeoutMs: 90_000,
			});
			const stats = sim().stats();
			figures.push(
				`${rate * 100} % seed ${seed}: ${result.status}, ${Date.now() - started} ms, ${stats.statusReads} reads, errors ${JSON.stringify(stats.errors)}`,
			);
			expect(result.error?.message).toBeUndefined();
			expect(result.status).toBe('success');
			const output = result.outputOf(NODE_NAME);
			expect(output).toHaveLength(itemCount);
			expect(output.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
			expect(output.map((item) => item.json.status)).toEqual(items.map(() => 'completed'));
			expect(output.map((item) => receivedInput(sim(), item.json.task_id).prompt)).toEqual(items.map((item) => item.prompt));
			// each item created once: no create was retried, none lost
			expect(stats.creates).toBe(itemCount);
			expect([...sim().tasks.keys()].filter((id) => !before.has(id))).toHaveLength(itemCount);
			expect(stats.rateLimited).toBe(0);
			return injectedErrors(sim());
		}

		it(title, async () => {
			let faults = 0;
			for (let seed = seeds[0]; seed <= seeds[1]; seed++) faults += await generateWithFaults(seed);
			expect(faults).toBeGreaterThan(minFaults);
		}, 600_000);
	});
}
