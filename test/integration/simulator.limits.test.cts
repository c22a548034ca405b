/**
 * The simulator over HTTP: its rate limit, callbacks and injected failures (support/simulatorClient.cts
 * has the shared helpers; tasks, prices and errors are in simulator.test.cts).
 */
import * as http from 'node:http';

import type { Simulator } from '../../simulator/server.cjs';
import {
	call,
	closeAll,
	create,
	expectErrorBody,
	freshKey,
	getTask,
	receiver,
	sim,
	sleep,
	type Reply,
	waitFor,
} from './support/simulatorClient.cjs';

afterAll(closeAll);

describe('simulator: rate limit', () => {
	it('can answer like a distant API: a random delay before a request is counted and another before its answer', async () => {
		const s = await sim({ requestDelayMs: [150, 150], answerDelayMs: [100, 200] });
		const key = freshKey();
		const body = { model: 'test/video', input: { prompt: 'x' }, dry_run: true };
		const started = Date.now();
		const reply = await create(s, key, body);
		const elapsed = Date.now() - started;
		expect(reply.status).toBe(200);
		expect(elapsed).toBeGreaterThanOrEqual(250);
		// Counted after the way in: the window's oldest request (this one) leaves it at the reset.
		expect(Number(reply.headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThanOrEqual(started + 150 + 1000);
		// Changeable while running, and checked.
		expect(s.configure({ requestDelayMs: [0, 0], answerDelayMs: [0, 0] }).answerDelayMs).toEqual([0, 0]);
		expect(() => s.configure({ answerDelayMs: [5, 1] })).toThrow('answerDelayMs must be [min, max] milliseconds');
		const quick = Date.now();
		await create(s, key, body);
		expect(Date.now() - quick).toBeLessThan(250);
	});

	it('bans a key after the 11th create within a second, separately from status reads', async () => {
		const s = await sim({ banSeconds: 2 });
		const key = freshKey();
		const body = { model: 'test/video', input: { prompt: 'x' }, dry_run: true };
		const started = Date.now();
		const replies: Reply[] = [];
		for (let i = 0; i < 10; i++) replies.push(await create(s, key, body));
		const eleventh = await create(s, key, body);
		expect(Date.now() - started).toBeLessThan(1000);
		expect(replies.map((reply) => reply.status)).toEqual(Array(10).fill(200));
		expect(replies[0].headers.get('x-ratelimit-limit')).toBe('10');
		expect(replies[0].headers.get('x-ratelimit-remaining')).toBe('9');
		expect(replies[9].headers.get('x-ratelimit-remaining')).toBe('0');
		expect(Number(replies[0].headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(started / 1000));
		expect(replies[0].headers.get('retry-after')).toBeNull();

		expect(eleventh.status).toBe(429);
		expect(eleventh.headers.get('retry-after')).toBe('2');
		expect(eleventh.body).toEqual({
			success: false,
			code: 429,
			data: { message: 'You have been ratelimited, this temporary restriction will be lifted in: 2 seconds', code: 'rate_limit_exceeded' },
		});

		// The ban holds for the next request, even after the sliding second has passed...
		await sleep(1100);
		const during = await create(s, key, body);
		expect(during.status).toBe(429);
		expect(during.headers.get('retry-after')).toBe('1');
		expect(during.body.data.message).toBe('You have been ratelimited, this temporary restriction will be lifted in: 1 seconds');
		// ...but not for status reads (another endpoint kind) nor for another key.
		expect((await getTask(s, key, 'unknown')).status).toBe(404);
		expect((await create(s, freshKey(), body)).status).toBe(200);

		await sleep(1000);
		expect((await create(s, key, body)).status).toBe(200);
		expect(s.stats().byKey[key].rateLimited).toBe(2);
		expect(s.stats().byKey[key].peakCreatesPerSecond).toBe(10);
	});

	const rateHeaders = (reply: Reply) => ({
		limit: reply.headers.get('x-ratelimit-limit'),
		remaining: reply.headers.get('x-ratelimit-remaining'),
		reset: reply.headers.get('x-ratelimit-reset'),
		retryAfter: reply.headers.get('retry-after'),
	});

	it('serves X-RateLimit-Limit/Remaining/Reset on every answer of /v1/tasks, errors included; Retry-After only on 429', async () => {
		const s = await sim({ banSeconds: 1 });
		const key = freshKey();
		const before = Math.floor(Date.now() / 1000);
		const replies = [
			await create(s, key, { model: 'test/video', input: { prompt: 'x' } }), // 200
			await create(s, key, { model: 'test/video', input: { prompt: 'x' }, dry_run: true }), // 200
			await create(s, key, { model: 'test/video', input: {} }), // 400
			await create(s, key, { model: 'acme/none', input: { prompt: 'x' } }), // 404
			await create(s, key, '{not json'), // 400
		];
		expect(replies.map((reply) => reply.status)).toEqual([200, 200, 400, 404, 400]);
		replies.forEach((reply, index) => {
			const headers = rateHeaders(reply);
			expect(headers.limit).toBe('10');
			expect(headers.remaining).toBe(String(9 - index));
			// Unix seconds: when the oldest counted request leaves the sliding second.
			expect(Number(headers.reset)).toBeGreaterThanOrEqual(before + 1);
			expect(Number(headers.reset)).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
			expect(headers.retryAfter).toBeNull();
		});
		// Status reads (another counter), 404 and 401 too.
		const read = await getTask(s, key, 'missing');
		expect(read.status).toBe(404);
		expect(rateHeaders(read)).toMatchObject({ limit: '10', remaining: '9', retryAfter: null });
		const unauthorized = await getTask(s, 'invalid-key', 'missing');
		expect(unauthorized.status).toBe(401);
		expect(rateHeaders(unauthorized)).toMatchObject({ limit: '10', remaining: '9', retryAfter: null });
		const broke = await create(s, 'broke-key', { model: 'test/video', input: { prompt: 'x' } });
		expect(broke.status).toBe(402);
		expect(rateHeaders(broke)).toMatchObject({ limit: '10', remaining: '9', retryAfter: null });
		// The 429: Remaining 0, Reset at the end of the ban, and Retry-After.
		for (let i = 0; i < 5; i++) await create(s, key, { model: 'test/video', input: { prompt: 'x' }, dry_run: true });
		const limited = await create(s, key, { model: 'test/video', input: { prompt: 'x' }, dry_run: true });
		expect(limited.status).toBe(429);
		expect(rateHeaders(limited)).toMatchObject({ limit: '10', remaining: '0', retryAfter: '1' });
		expect(Number(rateHeaders(limited).reset)).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
	});

	it('counts a key across all its clients (separate connections), as for the ban; per key and per kind', async () => {
		const s = await sim({ banSeconds: 1 });
		const key = freshKey();
		const dryRun = JSON.stringify({ model: 'test/image', input: { prompt: 'x' }, dry_run: true });
		/** Another client: a connection of its own (no keep-alive pool shared with fetch). */
		const otherClient = (method: string, path: string) =>
			new Promise<http.IncomingMessage>((resolve, reject) => {
				const request = http.request(
					`${s.url}${path}`,
					{ method, agent: false, headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' } },
					(response) => {
						response.resume();
						response.on('end', () => resolve(response));
					},
				);
				request.on('error', reject);
				request.end(method === 'POST' ? dryRun : undefined);
			});
		const remaining = (value: string | string[] | null | undefined) => Number(Array.isArray(value) ? value[0] : value);
		expect(remaining((await create(s, key, JSON.parse(dryRun))).headers.get('x-ratelimit-remaining'))).toBe(9);
		expect(remaining((await otherClient('POST', '/v1/tasks')).headers['x-ratelimit-remaining'])).toBe(8);
		expect(remaining((await otherClient('POST', '/v1/tasks')).headers['x-ratelimit-remaining'])).toBe(7);
		expect(remaining((await create(s, key, JSON.parse(dryRun))).headers.get('x-ratelimit-remaining'))).toBe(6);
		// Status reads have a counter of their own; another key too.
		expect(remaining((await otherClient('GET', '/v1/tasks/none')).headers['x-ratelimit-remaining'])).toBe(9);
		expect(remaining((await create(s, freshKey(), JSON.parse(dryRun))).headers.get('x-ratelimit-remaining'))).toBe(9);
		// The ban counts the same requests: 6 more creates from either client fill the second, the 11th is refused.
		for (let i = 0; i < 3; i++) await otherClient('POST', '/v1/tasks');
		for (let i = 0; i < 3; i++) await create(s, key, JSON.parse(dryRun));
		const eleventh = await otherClient('POST', '/v1/tasks');
		expect(eleventh.statusCode).toBe(429);
		expect(eleventh.headers['retry-after']).toBe('1');
		expect(s.stats().byKey[key].rateLimited).toBe(1);
	});

	it('can omit Retry-After and X-RateLimit-* headers', async () => {
		const s = await sim({ banSeconds: 1, omitRateLimitHeaders: true, rateLimit: 2 });
		const key = freshKey();
		const ok = await getTask(s, key, 'x');
		expect(ok.headers.get('x-ratelimit-limit')).toBeNull();
		await getTask(s, key, 'x');
		const limited = await getTask(s, key, 'x');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBeNull();
		expect(limited.headers.get('x-ratelimit-remaining')).toBeNull();
		expect(limited.body.data.code).toBe('rate_limit_exceeded');
	});

	it('does not rate limit file downloads or /__sim', async () => {
		const s = await sim({ rateLimit: 1, taskLatencyMs: 0 });
		const key = freshKey();
		const id = (await create(s, key, { model: 'test/image', input: { prompt: 'x' } })).body.data.task_id;
		await sleep(20);
		for (let i = 0; i < 5; i++) {
			expect((await fetch(`${s.url}/files/${id}/image.png`, { method: 'HEAD' })).status).toBe(200);
			expect((await fetch(`${s.url}/__sim/stats`)).status).toBe(200);
		}
	});
});

describe('simulator: callbacks', () => {
	it('posts wrapped and bare callbacks with the query string intact, recording the receiver status', async () => {
		const hook = await receiver((url) => (url.includes('reject') ? 409 : 200));
		const s = await sim({ taskLatencyMs: 50, callbackShape: 'alternate' });
		const key = freshKey();
		const a = (await create(s, key, { model: 'test/video', input: { prompt: 'x' }, callback_url: `${hook.base}/hook/a?token=s3cr%20t&x=1` }))
			.body.data.task_id;
		const b = (
			await create(s, key, {
				model: 'test/video',
				input: { prompt: 'x', sim_outcome: 'fail' },
				callback_url: `${hook.base}/hook/b?token=abc&reject=1`,
			})
		).body.data.task_id;
		await waitFor(() => (hook.received.length === 2 && s.stats().callbacks.every((c) => c.status !== null) ? true : undefined));

		const first = hook.received.find((entry) => entry.url.startsWith('/hook/a'))!;
		expect(first.url).toBe('/hook/a?token=s3cr%20t&x=1');
		expect(first.headers['content-type']).toBe('application/json');
		expect(first.body).toEqual({
			code: 200,
			success: true,
			data: { task_id: a, status: 'completed', output: { video_url: `${s.url}/files/${a}/video.mp4` }, model: 'test/video' },
		});
		const second = hook.received.find((entry) => entry.url.startsWith('/hook/b'))!;
		expect(second.url).toBe('/hook/b?token=abc&reject=1');
		expect(second.body).toEqual({ task_id: b, status: 'failed', error: expect.any(String), model: 'test/video' });

		const stats = s.stats();
		expect(stats.callbacksSent).toBe(2);
		expect(stats.callbackFailures).toBe(1);
		expect(stats.callbacks.find((c) => c.task_id === a)).toMatchObject({ status: 200, shape: 'wrapped' });
		expect(stats.callbacks.find((c) => c.task_id === b)).toMatchObject({ status: 409, shape: 'bare' });
		await hook.close();
	});

	it('sends bare callbacks when configured, and survives an unreachable receiver', async () => {
		const hook = await receiver();
		const s = await sim({ taskLatencyMs: 0, callbackShape: 'bare' });
		const key = freshKey();
		await create(s, key, { model: 'test/image', input: { prompt: 'x' }, callback_url: `${hook.base}/cb` });
		await waitFor(() => (s.stats().callbacks[0]?.status === 200 ? true : undefined));
		await hook.close();
		expect(hook.received[0].body).toMatchObject({ status: 'completed', model: 'test/image' });
		expect(hook.received[0].body.code).toBeUndefined();

		await create(s, key, { model: 'test/image', input: { prompt: 'x' }, callback_url: `${hook.base}/cb` });
		await waitFor(() => (s.stats().callbackFailures === 1 ? true : undefined));
		expect(s.stats().callbacks[1]).toMatchObject({ status: null, error: expect.any(String) });
		expect((await fetch(`${s.url}/__sim/health`)).status).toBe(200);
	});
});

describe('simulator: injected failures', () => {
	it('fails the next requests per endpoint, programmatically and over HTTP', async () => {
		const s = await sim({ taskLatencyMs: 0 });
		const key = freshKey();
		const body = { model: 'test/video', input: { prompt: 'x' } };

		s.failNext({ endpoint: 'create', status: 503, count: 2 });
		expect((await create(s, key, body)).status).toBe(503);
		const second = await create(s, key, body);
		expect(second.status).toBe(503);
		expectErrorBody(second.body, 503, 'service_unavailable');
		const created = await create(s, key, body);
		expect(created.status).toBe(200);
		expect(s.tasks.size).toBe(1);

		// A 500 after the task was created: the lost-response case.
		s.failNext({ endpoint: 'create', status: 500, afterCreate: true });
		expect((await create(s, key, body)).status).toBe(500);
		expect(s.tasks.size).toBe(2);
		expect(s.stats().creates).toBe(2);

		// dry runs are a separate endpoint; an injected 429 carries the documented body and Retry-After.
		const control = await call(s.url, 'POST', '/__sim/fail', undefined, [
			{ endpoint: 'dryRun', status: 429, retryAfterSeconds: 3 },
			{ endpoint: 'status', status: 502, body: '<html>Bad Gateway</html>' },
			{ endpoint: 'file', status: 500 },
		]);
		expect(control.status).toBe(200);
		const limited = await create(s, key, { ...body, dry_run: true });
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('3');
		expect(limited.body.data.message).toContain('lifted in: 3 seconds');
		expect((await create(s, key, { ...body, dry_run: true })).status).toBe(200);

		const id = created.body.data.task_id;
		const gateway = await getTask(s, key, id);
		expect(gateway.status).toBe(502);
		expect(gateway.body).toBe('<html>Bad Gateway</html>');
		expect((await getTask(s, key, id)).status).toBe(200);

		expect((await fetch(`${s.url}/files/${id}/video.mp4`)).status).toBe(500);
		expect((await fetch(`${s.url}/files/${id}/video.mp4`)).status).toBe(200);

		s.failNext({ endpoint: 'status', status: 0 });
		await expect(getTask(s, key, id)).rejects.toThrow();
		expect((await getTask(s, key, id)).status).toBe(200);

		const stats = (await call(s.url, 'GET', '/__sim/stats', undefined)).body;
		expect(stats.errors).toMatchObject({ '503': 2, '500': 2, '502': 1, '429': 1 });
		expect(stats.rateLimited).toBe(1);

		expect((await call(s.url, 'POST', '/__sim/fail', undefined, { endpoint: 'nope', status: 500 })).status).toBe(400);
		await call(s.url, 'POST', '/__sim/reset', undefined);
		expect(s.stats().creates).toBe(0);
	});

	/** Reads one task `reads` times, one after the other; returns each answer's status (0: connection dropped). */
	async function readMany(s: Simulator, key: string, id: string, reads: number): Promise<number[]> {
		const statuses: number[] = [];
		for (let index = 0; index < reads; index++) statuses.push(await getTask(s, key, id).then((reply) => reply.status, () => 0));
		return statuses;
	}

	it('fails a seeded share of an endpoint\'s requests (rate), a mix when several rules add up, reproducibly', async () => {
		// no rate limit in the way: only injected faults fail
		const s = await sim({ taskLatencyMs: 0, rateLimit: 100_000 });
		const key = freshKey();
		const id = (await create(s, key, { model: 'test/image', input: { prompt: 'x' } })).body.data.task_id;

		s.failNext([
			{ endpoint: 'status', rate: 0.2, status: 500, seed: 42 },
			{ endpoint: 'status', rate: 0.2, status: 502, body: '<html><body>502 Bad Gateway</body></html>' },
			{ endpoint: 'status', rate: 0.1, status: 0 },
		]);
		const first = await readMany(s, key, id, 200);
		const failed = first.filter((status) => status !== 200);
		// about half (binomial, n = 200, p = 0.5, sd ≈ 7: 70 to 130 is beyond any doubt), of each kind
		expect(failed.length).toBeGreaterThanOrEqual(70);
		expect(failed.length).toBeLessThanOrEqual(130);
		expect(new Set(failed)).toEqual(new Set([500, 502, 0]));
		expect(first.filter((status) => status === 200).length + failed.length).toBe(200);
		const stats = s.stats();
		expect(stats.errors['500']).toBe(first.filter((status) => status === 500).length);
		expect(stats.errors['502']).toBe(first.filter((status) => status === 502).length);
		// creates are not touched by status faults
		expect((await create(s, key, { model: 'test/image', input: { prompt: 'y' } })).status).toBe(200);
		// what a 502 rule answers: its raw page
		const page = await waitFor(async () => {
			const reply = await getTask(s, key, id).catch(() => undefined);
			return reply?.status === 502 ? reply : undefined;
		}, 0);
		expect(page.body).toBe('<html><body>502 Bad Gateway</body></html>');

		// the same seed again (over HTTP, as config faults): the same sequence of answers
		s.reset();
		const config = await call(s.url, 'POST', '/__sim/config', undefined, {
			faults: [
				{ endpoint: 'status', rate: 0.2, status: 500, seed: 42 },
				{ endpoint: 'status', rate: 0.2, status: 502, body: '<html><body>502 Bad Gateway</body></html>' },
				{ endpoint: 'status', rate: 0.1, status: 0 },
			],
		});
		expect(config.status).toBe(200);
		expect(config.body.faults).toHaveLength(3);
		expect((await call(s.url, 'GET', '/__sim/config', undefined)).body.faults).toHaveLength(3);
		expect(await readMany(s, key, id, 200)).toEqual(first);
		expect(s.stats().errors['429']).toBeUndefined();

		// another seed, other draws; `faults: []` clears them, as does reset
		s.configure({ faults: [{ endpoint: 'status', rate: 0.5, status: 500, seed: 7 }] });
		const other = await readMany(s, key, id, 200);
		expect(other.filter((status) => status === 500).length).toBeGreaterThanOrEqual(70);
		expect(other.filter((status) => status === 500).length).toBeLessThanOrEqual(130);
		expect(other.filter((status) => status !== 200 && status !== 500)).toEqual([]);
		s.configure({ faults: [] });
		expect(s.config.faults).toEqual([]);
		expect(await readMany(s, key, id, 5)).toEqual([200, 200, 200, 200, 200]);
		s.failNext({ endpoint: 'status', rate: 1, status: 503 });
		expect((await getTask(s, key, id)).status).toBe(503);
		s.reset();
		expect((await getTask(s, key, id)).status).toBe(200);

		// a count caps a rate rule; bad rates are refused
		s.failNext({ endpoint: 'status', rate: 1, status: 500, count: 2 });
		expect(await readMany(s, key, id, 3)).toEqual([500, 500, 200]);
		expect((await call(s.url, 'POST', '/__sim/fail', undefined, { endpoint: 'status', status: 500, rate: 2 })).status).toBe(400);
		expect((await call(s.url, 'POST', '/__sim/config', undefined, { faults: [{ endpoint: 'status', status: 500 }] })).status).toBe(400);
	});
});
