/**
 * When Generate reads its tasks (helpers/polling.ts): each worker learns how long a model's tasks
 * take from the reads that saw them finish, and aims the next tasks' first reads there. A read that
 * had to wait for the key (a ban's Retry-After) saw its task finish late: learned, it aimed every
 * later batch of that model as late (issue #31: a key banned once left the next batch's reads 33 s
 * after its tasks had finished, in real n8n queue mode).
 */
import { NODE_NAME, prompts, runUnifically, tasksOfThisTest, useSimulator } from './support/fixtures.cjs';
import { flux } from './support/readFaults.cjs';

describe('Unifically → Generate: when the first read of a task comes', () => {
	const sim = useSimulator({ taskLatencyMs: 500 });
	// A model no other test of this file runs: its reads start from nothing learned.
	const model = 'black-forest-labs/flux.2-flex';

	it('a batch whose reads waited out a ban does not make the next batch read late', async () => {
		// The first status read is refused (429, Retry-After 3 s): every read of the key waits 3 s.
		sim().failNext({ endpoint: 'status', status: 429, retryAfterSeconds: 3, count: 1 });
		const banned = await runUnifically(sim(), flux({ model }), { items: prompts(3, 'banned') });
		expect(banned.outputOf(NODE_NAME).map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		const bannedTasks = tasksOfThisTest(sim());
		// Each task was first seen finished only after the ban, 5 s or more after its create.
		for (const task of bannedTasks) expect(task.readsAt.at(-1)! - task.createdAt).toBeGreaterThanOrEqual(4500);

		const next = await runUnifically(sim(), flux({ model }), { items: prompts(3, 'after the ban') });
		expect(next.outputOf(NODE_NAME).map((item) => item.json.status)).toEqual(['completed', 'completed', 'completed']);
		const nextTasks = tasksOfThisTest(sim()).filter((task) => !bannedTasks.includes(task));
		expect(nextTasks).toHaveLength(3);
		// Nothing learned from the late reads: one task scouts again (first read 2 s after its create)
		// instead of every task waiting ~3.8 s (0.75 of the 5 s the late reads saw).
		const firstReadAges = nextTasks.map((task) => task.readsAt[0] - task.createdAt);
		expect(Math.max(...firstReadAges)).toBeLessThan(3200);
		// And a read on time teaches it: the batch after that reads at about 0.75 × 2 s.
		const third = await runUnifically(sim(), flux({ model }), { items: prompts(3, 'learned') });
		expect(third.status).toBe('success');
		const thirdTasks = tasksOfThisTest(sim()).filter((task) => !bannedTasks.includes(task) && !nextTasks.includes(task));
		for (const task of thirdTasks) expect(task.readsAt[0] - task.createdAt).toBeLessThan(2000);
	});
});
