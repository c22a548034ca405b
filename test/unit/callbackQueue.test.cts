/**
 * The trigger's leader queue (nodes/UnificallyTrigger/callbackQueue.ts): a callback whose work throws
 * was already acknowledged to the API, so the queue must say so (the trigger logs it with the task id)
 * and still emit the others.
 */
import { inQueue } from '../../nodes/UnificallyTrigger/callbackQueue';

describe('callback queue', () => {
	it('a job that throws is reported with its own job and error; the jobs beside it are still emitted', async () => {
		const lost: Array<[string, string]> = [];
		const work = async (taskId: string) => {
			if (taskId === 'b') throw new Error('disk full');
			return `item ${taskId}`;
		};
		const report = (taskId: string, error: Error) => lost.push([taskId, error.message]);
		// The first call leads; the others join its queue while it is at work and return undefined.
		const leader = inQueue('node-1', 'a', work, report);
		const joined = await Promise.all([inQueue('node-1', 'b', work, report), inQueue('node-1', 'c', work, report)]);
		expect(joined).toEqual([undefined, undefined]);
		expect((await leader)?.sort()).toEqual(['item a', 'item c']);
		expect(lost).toEqual([['b', 'disk full']]);
	});

	it('a thrown non-Error is reported as an Error', async () => {
		const lost: string[] = [];
		const ready = await inQueue('node-2', 'x', async () => Promise.reject('plain text'), (_job, error) => lost.push(error.message));
		expect(ready).toEqual([]);
		expect(lost).toEqual(['plain text']);
	});
});
