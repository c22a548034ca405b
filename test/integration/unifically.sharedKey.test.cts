/**
 * Two n8n processes sharing one API key (n8n's queue mode: several workers), against one simulator
 * that counts the key's requests across all its clients and bans it for the 11th in a second.
 *
 * A process's rate limiter lives in the node's module (one per key per process). To get two
 * processes' worth of limiter state in one Jest process, the second "process" loads its own copy of
 * the node with `jest.isolateModules`: nothing is shared between the two but the API — exactly the
 * situation of two workers. Counts only: the benchmark ("two processes, one key") judges speed.
 */
import type { INodeType } from 'n8n-workflow';

import { UNIFICALLY, runConcurrently, type RunWorkflowOptions } from '../../harness/engine.cjs';
import { API_KEY, NODE_NAME, credentialsFor, prompts, runUnifically, unificallyWorkflow, useSimulator } from './support/fixtures.cjs';

const generate = {
	resource: 'image',
	operation: 'generate',
	model: 'google/nano-banana',
	prompt: '={{ $json.prompt }}',
	aspectRatio: '16:9',
};

/** The Unifically node as another process would load it: its own module state (rate limiters included). */
function nodeOfAnotherProcess(): INodeType {
	let type: INodeType | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { Unifically } = require('../../nodes/Unifically/Unifically.node') as { Unifically: new () => INodeType };
		type = new Unifically();
	});
	return type!;
}

describe('Unifically → two processes sharing one API key', () => {
	// A short ban, so that a mistake shows as 429s in the counts rather than as a timeout.
	const sim = useSimulator({ taskLatencyMs: 1000, rateLimit: 10, banSeconds: 3 });
	const otherProcess = nodeOfAnotherProcess();

	beforeAll(async () => {
		// Module loading in both "processes", on other keys.
		await runUnifically(sim(), { ...generate, operation: 'estimateCost' }, { items: prompts(1), apiKey: `${API_KEY}-warm-up-a` });
		await runConcurrently([
			{
				...unificallyWorkflow({ ...generate, operation: 'estimateCost' }, { items: prompts(1) }),
				credentials: credentialsFor(sim(), `${API_KEY}-warm-up-b`),
				nodeTypes: { [UNIFICALLY]: otherProcess },
			},
		]);
	});

	function run(apiKey: string, items: number, inOtherProcess: boolean, credentials = {}): RunWorkflowOptions {
		return {
			...unificallyWorkflow(generate, { items: prompts(items, inOtherProcess ? 'b' : 'a') }),
			credentials: credentialsFor(sim(), apiKey, credentials),
			nodeTypes: inOtherProcess ? { [UNIFICALLY]: otherProcess } : undefined,
			timeoutMs: 90_000,
		};
	}

	it('default credential (10/s each), 40 items each at once: every item completes and the key is never banned', async () => {
		const apiKey = `${API_KEY}-shared-default`;
		const results = await runConcurrently([run(apiKey, 40, false), run(apiKey, 40, true)]);
		for (const result of results) {
			expect(result.status).toBe('success');
			const output = result.outputOf(NODE_NAME);
			expect(output).toHaveLength(40);
			expect(output.every((item) => item.json.status === 'completed')).toBe(true);
		}
		const stats = sim().stats().byKey[apiKey];
		expect(stats.creates).toBe(80);
		expect(stats.rateLimited).toBe(0);
		expect(stats.errors).toEqual({});
		expect(stats.peakCreatesPerSecond).toBeLessThanOrEqual(10);
		expect(stats.peakStatusReadsPerSecond).toBeLessThanOrEqual(10);
	});

	it('without rate-limit headers, a budget split by hand on the credential (5/s each) still holds', async () => {
		sim().configure({ omitRateLimitHeaders: true });
		try {
			const apiKey = `${API_KEY}-shared-split`;
			const results = await runConcurrently([
				run(apiKey, 20, false, { requestsPerSecond: 5 }),
				run(apiKey, 20, true, { requestsPerSecond: 5 }),
			]);
			for (const result of results) {
				expect(result.status).toBe('success');
				expect(result.outputOf(NODE_NAME).filter((item) => item.json.status === 'completed')).toHaveLength(20);
			}
			const stats = sim().stats().byKey[apiKey];
			expect(stats.rateLimited).toBe(0);
			expect(stats.peakCreatesPerSecond).toBeLessThanOrEqual(10);
		} finally {
			sim().configure({ omitRateLimitHeaders: false });
		}
	});
});
