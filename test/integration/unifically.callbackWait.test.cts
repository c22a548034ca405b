/**
 * Until Callback: a failed task comes out the same way whether it finished before the execution went
 * to wait (the check after creating) or its callback resumed the execution: an item with its task_id,
 * status "failed" and the error (docs/until-callback.md). The resumed path runs in real n8n
 * (test/e2e/callback-wait.test.cts); this is the path that never waits.
 */
import { NODE_NAME, runUnifically, tasksOfThisTest, useSimulator } from './support/fixtures.cjs';
import { flux } from './support/readFaults.cjs';

describe('Unifically → Generate, Wait Mode "Until Callback": tasks finished before the wait', () => {
	// Tasks finish at once, so the check after creating finds every one settled and nothing waits.
	const sim = useSimulator({ taskLatencyMs: 0 });

	it('a failed task is an item with its task_id and the error, beside the completed ones; the node does not fail', async () => {
		const items = [
			{ prompt: 'fine 0', extra: '{}' },
			{ prompt: 'blocked', extra: '{"sim_outcome": "fail", "sim_error_message": "Generation failed: simulated moderation block"}' },
			{ prompt: 'fine 2', extra: '{}' },
		];
		const result = await runUnifically(
			sim(),
			flux({ additionalFields: { extraInput: '={{ $json.extra }}' }, options: { download: false, waitMode: 'callback', timeout: 600 } }),
			{ items },
		);
		expect(result.error?.message).toBeUndefined();
		expect(result.status).toBe('success');
		const tasks = tasksOfThisTest(sim());
		expect(tasks).toHaveLength(3);
		const output = result.outputOf(NODE_NAME).map((item) => item.json);
		expect(output.map((json) => [json.task_id, json.status])).toEqual([
			[tasks[0].id, 'completed'],
			[tasks[1].id, 'failed'],
			[tasks[2].id, 'completed'],
		]);
		expect(output[1].error).toMatch(/simulated moderation block/);
		expect(output[0].error).toBeUndefined();
	});
});
