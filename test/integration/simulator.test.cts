import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { findModel } from '../../nodes/Unifically/catalog/index';
import type { ModelSpec } from '../../nodes/Unifically/catalog/types';
import { fileBytes } from '../../simulator/files.cjs';
import { evaluatePrice } from '../../simulator/pricing.cjs';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../simulator/server.cjs';

// ---- fixtures ------------------------------------------------------------------------------

/** Test-only models, so these tests do not depend on the catalog's contents. */
const TEST_MODELS: ModelSpec[] = [
	{
		id: 'test/video',
		resource: 'video',
		name: 'Test Video',
		label: 'Test Video',
		description: 'test',
		documented: true,
		inputs: [
			{ key: 'prompt', type: 'string', required: true, description: 'p', maxLength: 50 },
			{ key: 'resolution', type: 'string', options: ['720p', '1080p', '4k'], default: '720p', description: 'r' },
			{ key: 'duration', type: 'integer', options: [5, 10], description: 'd' },
			{ key: 'count', type: 'integer', min: 1, max: 4, description: 'c' },
		],
		price: { kind: 'table', by: ['resolution'], table: { '720p': 0.3, '1080p': 0.4, '4k': 0.5 } },
	},
	{
		id: 'test/image',
		resource: 'image',
		name: 'Test Image',
		label: 'Test Image',
		description: 'test',
		documented: true,
		inputs: [
			{ key: 'prompt', type: 'string', required: true, description: 'p' },
			{ key: 'n', type: 'integer', min: 1, max: 4, description: 'n' },
		],
		price: { kind: 'flat', usd: 0.02 },
	},
	{
		id: 'suno-ai/music',
		resource: 'audio',
		name: 'Suno',
		label: 'Suno',
		description: 'test',
		documented: true,
		inputs: [{ key: 'mv', type: 'string', required: true, description: 'mv' }],
		price: { kind: 'flat', usd: 0.06 },
	},
	{
		id: 'suno-ai/lyrics',
		resource: 'audio',
		name: 'Lyrics',
		label: 'Lyrics',
		description: 'test',
		documented: true,
		inputs: [{ key: 'prompt', type: 'string', required: true, description: 'p' }],
		price: { kind: 'flat', usd: 0.012 },
	},
];

const running: Simulator[] = [];
async function sim(options: SimulatorOptions = {}): Promise<Simulator> {
	const simulator = await startSimulator({ models: TEST_MODELS, taskLatencyMs: 300, ...options });
	running.push(simulator);
	return simulator;
}
afterAll(async () => {
	await Promise.all(running.map((simulator) => simulator.close()));
});

let keyCounter = 0;
/** A fresh key per test, so rate-limit windows never interfere. */
const freshKey = () => `test-key-${process.pid}-${++keyCounter}`;

interface Reply {
	status: number;
	headers: Headers;
	body: any;
}

async function call(base: string, method: string, path: string, key: string | undefined, body?: unknown): Promise<Reply> {
	const headers: Record<string, string> = {};
	if (key !== undefined) headers.Authorization = `Bearer ${key}`;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(base + path, {
		method,
		headers,
		body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// keep text
	}
	return { status: response.status, headers: response.headers, body: parsed };
}

const create = (s: Simulator, key: string, body: unknown) => call(s.url, 'POST', '/v1/tasks', key, body);
const getTask = (s: Simulator, key: string, id: string) => call(s.url, 'GET', `/v1/tasks/${id}`, key);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Probes until it returns a value; `intervalMs` ≥ 100 when probing /v1/tasks (10 req/s limit). */
async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, intervalMs = 20, timeoutMs = 5000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error('waitFor timed out');
		await sleep(intervalMs);
	}
}

/** Polls a task (within the rate limit) until it has one of `statuses`. */
async function waitForStatus(s: Simulator, key: string, id: string, ...statuses: string[]): Promise<Reply> {
	return waitFor(async () => {
		const reply = await getTask(s, key, id);
		if (reply.status !== 200) throw new Error(`status read answered ${reply.status}`);
		return statuses.includes(reply.body.data.status) ? reply : undefined;
	}, 110);
}

function expectErrorBody(body: any, code: number, errorCode: string) {
	expect(body).toEqual({
		success: false,
		code,
		data: { message: expect.any(String), code: errorCode, request_id: expect.any(String) },
	});
}

/** A local receiver of callbacks. */
async function receiver(answer: (url: string) => number = () => 200) {
	const received: Array<{ url: string; body: any; headers: http.IncomingHttpHeaders }> = [];
	const server = http.createServer((req, res) => {
		let text = '';
		req.on('data', (chunk) => (text += chunk));
		req.on('end', () => {
			received.push({ url: req.url ?? '', body: JSON.parse(text), headers: req.headers });
			res.writeHead(answer(req.url ?? ''), { 'Content-Type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	return { base, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

// ---- tests ---------------------------------------------------------------------------------

describe('simulator: tasks', () => {
	it('creates a task that goes pending → processing → completed with a downloadable output', async () => {
		const s = await sim({ taskLatencyMs: 600, outputBytes: 100_000 });
		const key = freshKey();
		const created = await create(s, key, { model: 'test/video', input: { prompt: 'a cat' } });
		expect(created.status).toBe(200);
		expect(created.body).toEqual({ code: 200, success: true, data: { task_id: expect.any(String), status: 'pending' } });
		const id = created.body.data.task_id as string;

		const first = await getTask(s, key, id);
		expect(first.body).toEqual({ code: 200, success: true, data: { task_id: id, status: 'pending' } });
		await waitForStatus(s, key, id, 'processing');
		const done = await waitForStatus(s, key, id, 'completed');
		expect(done.body.data).toEqual({ task_id: id, status: 'completed', output: { video_url: expect.any(String) } });

		const fileUrl = done.body.data.output.video_url as string;
		expect(fileUrl).toBe(`${s.url}/files/${id}/video.mp4`);
		const head = await fetch(fileUrl, { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.headers.get('content-type')).toBe('video/mp4');
		expect(head.headers.get('content-length')).toBe('100000');

		const download = await fetch(fileUrl);
		expect(download.headers.get('content-type')).toBe('video/mp4');
		const bytes = Buffer.from(await download.arrayBuffer());
		expect(bytes.length).toBe(100_000);
		expect(bytes.equals(fileBytes(id, 'video.mp4', 100_000))).toBe(true);
		expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');

		const ranged = await fetch(fileUrl, { headers: { Range: 'bytes=10-19' } });
		expect(ranged.status).toBe(206);
		expect(ranged.headers.get('content-range')).toBe('bytes 10-19/100000');
		expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);

		const stats = s.stats();
		expect(stats.creates).toBe(1);
		expect(stats.filesServed).toBe(2);
		expect(stats.bytesServed).toBe(100_010);
		expect(stats.byKey[key].creates).toBe(1);
		expect(stats.byKey[key].statusReads).toBeGreaterThanOrEqual(3);
		expect(s.tasks.get(id)?.status).toBe('completed');
	});

	it('streams a large output file without holding it (8 MiB, via sim_output_bytes)', async () => {
		const s = await sim({ taskLatencyMs: 0 });
		const key = freshKey();
		const size = 8 * 1024 * 1024;
		const created = await create(s, key, { model: 'test/image', input: { prompt: 'x', sim_output_bytes: size } });
		const id = created.body.data.task_id;
		const done = await waitForStatus(s, key, id, 'completed');
		const response = await fetch(done.body.data.output.image_url);
		expect(response.headers.get('content-type')).toBe('image/png');
		expect(response.headers.get('content-length')).toBe(String(size));
		let total = 0;
		let head: Buffer | undefined;
		let tail: Buffer = Buffer.alloc(0);
		for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
			if (!head) head = Buffer.from(chunk.subarray(0, 16));
			total += chunk.length;
			tail = Buffer.from(chunk.subarray(Math.max(0, chunk.length - 16)));
		}
		expect(total).toBe(size);
		expect(head?.equals(fileBytes(id, 'image.png', size, 0, 16))).toBe(true);
		expect(head?.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(tail.equals(fileBytes(id, 'image.png', size, size - 16, size))).toBe(true);
	});

	it('can serve files with minimal headers (octet-stream, chunked), still sniffable', async () => {
		const s = await sim({ taskLatencyMs: 0, minimalFileHeaders: true, outputBytes: 5000 });
		const key = freshKey();
		const id = (await create(s, key, { model: 'suno-ai/music', input: { mv: 'chirp-v4' } })).body.data.task_id;
		const output = (await waitForStatus(s, key, id, 'completed')).body.data.output;
		const response = await fetch(output.audio_urls[0]);
		expect(response.headers.get('content-type')).toBe('application/octet-stream');
		expect(response.headers.get('content-length')).toBeNull();
		expect(response.headers.get('transfer-encoding')).toBe('chunked');
		const bytes = Buffer.from(await response.arrayBuffer());
		expect(bytes.length).toBe(5000);
		expect(bytes.subarray(0, 3).toString('latin1')).toBe('ID3');
	});

	it('varies the output shape: several images, Suno clips, lyrics text', async () => {
		const s = await sim({ taskLatencyMs: 0 });
		const key = freshKey();
		const result = async (body: unknown) => {
			const id = (await create(s, key, body)).body.data.task_id;
			return (await waitForStatus(s, key, id, 'completed')).body.data.output;
		};
		const images = await result({ model: 'test/image', input: { prompt: 'x', n: 3 } });
		expect(images.image_urls).toHaveLength(3);
		const videos = await result({ model: 'test/video', input: { prompt: 'x', count: 2 } });
		expect(videos.video_urls).toHaveLength(2);
		const music = await result({ model: 'suno-ai/music', input: { mv: 'chirp-v4' } });
		expect(music.audio_urls).toHaveLength(2);
		const clip = await fetch(music.audio_urls[1]);
		expect(clip.headers.get('content-type')).toBe('audio/mpeg');
		const lyrics = await result({ model: 'suno-ai/lyrics', input: { prompt: 'love' } });
		expect(typeof lyrics.text).toBe('string');
		expect(JSON.stringify(lyrics)).not.toMatch(/https?:/);
	});

	it('fails a task on sim_outcome "fail" with its message, and serves no file for it', async () => {
		const s = await sim({ taskLatencyMs: 100 });
		const key = freshKey();
		const id = (await create(s, key, { model: 'test/video', input: { prompt: 'x', sim_outcome: 'fail', sim_error_message: 'Bad prompt' } }))
			.body.data.task_id;
		const failed = await waitForStatus(s, key, id, 'failed');
		expect(failed.status).toBe(200);
		expect(failed.body.data).toEqual({ task_id: id, status: 'failed', error: 'Bad prompt' });
		expect((await fetch(`${s.url}/files/${id}/video.mp4`)).status).toBe(404);
		expect(s.stats().tasksFailed).toBe(1);
	});

	it('honours sim_latency_ms per task', async () => {
		const s = await sim({ taskLatencyMs: 60_000 });
		const key = freshKey();
		const id = (await create(s, key, { model: 'test/video', input: { prompt: 'x', sim_latency_ms: 50 } })).body.data.task_id;
		await sleep(80);
		expect((await getTask(s, key, id)).body.data.status).toBe('completed');
	});
});

describe('simulator: dry_run prices', () => {
	it('prices test models by their rule', async () => {
		const s = await sim();
		const key = freshKey();
		const cost = async (model: string, input: Record<string, unknown>) =>
			(await create(s, key, { model, input, dry_run: true })).body;
		expect(await cost('test/video', { prompt: 'x', resolution: '1080p' })).toEqual({ code: 200, success: true, data: { cost: 0.4 } });
		expect((await cost('test/video', { prompt: 'x' })).data.cost).toBe(0.3); // catalog default 720p
		expect((await cost('test/image', { prompt: 'x' })).data.cost).toBe(0.02);
		expect(s.stats().dryRuns).toBe(3);
		expect(s.stats().creates).toBe(0);
		expect(s.tasks.size).toBe(0);
	});

	it('evaluates every rule kind, rounding to 4 decimals', () => {
		expect(evaluatePrice({ kind: 'flat', usd: 0.06 }, {})).toBe(0.06);
		expect(evaluatePrice({ kind: 'perSecond', usd: 0.032, defaultSeconds: 5 }, { duration: 10 })).toBe(0.32);
		expect(evaluatePrice({ kind: 'perSecond', usd: 0.032, defaultSeconds: 5 }, {})).toBe(0.16);
		const table = {
			kind: 'table' as const,
			by: ['mode', 'duration'],
			table: { 'std|5': 0.13, 'std|10': 0.27, 'pro|5': 0.27, 'pro|10': 0.53 },
			defaults: { mode: 'std', duration: 5 },
		};
		expect(evaluatePrice(table, { mode: 'pro', duration: 10 })).toBe(0.53);
		expect(evaluatePrice(table, {})).toBe(0.13);
		expect(evaluatePrice({ kind: 'table', by: ['mode'], table: { std: 0.0533 }, perSecond: true, defaultSeconds: 5 }, { duration: 3 })).toBe(0.1599);
		expect(evaluatePrice({ kind: 'table', by: ['quality'], table: { '1K': 0.02, '2K': 0.03 } }, { quality: '2k' })).toBe(0.03);
	});

	const catalogCases: Array<[string, Record<string, unknown>, number]> = [
		['google/veo-3.1-fast', { prompt: 'x', resolution: '1080p' }, 0.4],
		['google/veo-3.1-fast', { prompt: 'x' }, 0.3],
		['google/veo-3.1-quality', { prompt: 'x', resolution: '4k' }, 0.8],
		['kuaishou/kling-2.6', { prompt: 'x', duration: 10 }, 0.32],
		['kuaishou/kling-2.1', { start_image_url: 'https://example.com/a.png', mode: 'pro', duration: 10 }, 0.53],
		['openai/gpt-image-1', { prompt: 'x', quality: 'high' }, 0.04],
		['openai/gpt-image-1.5', { prompt: 'x', quality: 'low' }, 0.02],
		['hailuo/minimax-2.3-fast', { start_image_url: 'https://example.com/a.png' }, 0.11],
		['suno-ai/stems-all', { clip_id: 'abc' }, 0.2],
		['suno-ai/lyrics', { prompt: 'x', mv: 'default' }, 0.012],
	];
	it.each(catalogCases)('prices catalog model %s %j as SPEC says', async (id, input, expected) => {
		if (!findModel(id)) return; // catalog entry not written yet
		const s = await sim({ models: undefined });
		const reply = await create(s, freshKey(), { model: id, input, dry_run: true });
		expect(reply.body).toEqual({ code: 200, success: true, data: { cost: expected } });
	});
});

describe('simulator: errors', () => {
	it('answers 400 naming the key, for missing or invalid inputs and malformed bodies', async () => {
		const s = await sim();
		const key = freshKey();
		const missing = await create(s, key, { model: 'test/video', input: {} });
		expect(missing.status).toBe(400);
		expectErrorBody(missing.body, 400, 'invalid_parameters');
		expect(missing.body.data.message).toContain('prompt');

		const badOption = await create(s, key, { model: 'test/video', input: { prompt: 'x', resolution: '8k' } });
		expect(badOption.status).toBe(400);
		expect(badOption.body.data.message).toContain('resolution');

		const tooLong = await create(s, key, { model: 'test/video', input: { prompt: 'x'.repeat(51) }, dry_run: true });
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.data.message).toContain('prompt');

		const noModel = await create(s, key, { input: { prompt: 'x' } });
		expect(noModel.status).toBe(400);
		expect(noModel.body.data.message).toContain('model');

		const noInput = await create(s, key, { model: 'test/video' });
		expect(noInput.status).toBe(400);
		expect(noInput.body.data.message).toContain('input');

		const badCallback = await create(s, key, { model: 'test/video', input: { prompt: 'x' }, callback_url: 'not a url' });
		expect(badCallback.status).toBe(400);
		expect(badCallback.body.data.message).toContain('callback_url');

		const malformed = await create(s, key, '{"model": ');
		expect(malformed.status).toBe(400);
		expectErrorBody(malformed.body, 400, 'invalid_parameters');
		expect(s.tasks.size).toBe(0);
		expect(s.stats().errors['400']).toBe(7);
	});

	it('answers 401 for a missing, malformed or invalid key', async () => {
		const s = await sim();
		const body = { model: 'test/video', input: { prompt: 'x' } };
		for (const reply of [
			await create(s, 'invalid-key', body),
			await call(s.url, 'POST', '/v1/tasks', undefined, body),
			await getTask(s, 'invalid-key', 'abc'),
		]) {
			expect(reply.status).toBe(401);
			expectErrorBody(reply.body, 401, 'unauthorized');
			expect(reply.body.data.message).toBe('Invalid API key');
		}
		const malformed = await fetch(`${s.url}/v1/tasks`, {
			method: 'POST',
			headers: { Authorization: 'Token abc', 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(malformed.status).toBe(401);
	});

	it('only accepts the configured keys when apiKeys is given, and charges their balance', async () => {
		const s = await sim({ apiKeys: { 'rich-key': { balance: 0.5 } } });
		expect((await create(s, 'someone-else', { model: 'test/video', input: { prompt: 'x' } })).status).toBe(401);
		expect((await create(s, 'rich-key', { model: 'test/video', input: { prompt: 'x', resolution: '1080p' } })).status).toBe(200);
		const second = await create(s, 'rich-key', { model: 'test/video', input: { prompt: 'x', resolution: '1080p' } });
		expect(second.status).toBe(402);
		expect(s.stats().byKey['rich-key'].spentUsd).toBe(0.4);
	});

	it('answers 402 for broke-key on a real create, while its dry_run works', async () => {
		const s = await sim();
		const body = { model: 'test/video', input: { prompt: 'x' } };
		const dry = await create(s, 'broke-key', { ...body, dry_run: true });
		expect(dry.body).toEqual({ code: 200, success: true, data: { cost: 0.3 } });
		const real = await create(s, 'broke-key', body);
		expect(real.status).toBe(402);
		expectErrorBody(real.body, 402, 'insufficient_balance');
		expect(real.body.data.message).toBe('Insufficient balance');
		expect(s.tasks.size).toBe(0);
	});

	it('answers 404 for an unknown task (or another key\'s) and an unknown model', async () => {
		const s = await sim();
		const key = freshKey();
		const task = await getTask(s, key, 'nope123');
		expect(task.status).toBe(404);
		expectErrorBody(task.body, 404, 'task_not_found');
		const model = await create(s, key, { model: 'acme/nothing', input: { prompt: 'x' } });
		expect(model.status).toBe(404);
		expectErrorBody(model.body, 404, 'model_not_found');
		expect(model.body.data.message).toContain('acme/nothing');
		const id = (await create(s, key, { model: 'test/video', input: { prompt: 'x' } })).body.data.task_id;
		expect((await getTask(s, freshKey(), id)).status).toBe(404);
		expect((await getTask(s, key, id)).status).toBe(200);
	});
});

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

/** The real catalog: the simulator validates the models typed from the public pages, and Suno's modes, as the node does. */
describe('simulator: the catalog’s public-page models and Suno modes', () => {
	async function catalogSim(): Promise<Simulator> {
		const simulator = await startSimulator({ taskLatencyMs: 300 });
		running.push(simulator);
		return simulator;
	}

	it.each<[string, Record<string, unknown>, string]>([
		['elevenlabs/sound-effect', { duration: 5 }, 'text'],
		['elevenlabs/sound-effect', { text: 'rain', prompt_influence: 2 }, 'prompt_influence'],
		['elevenlabs/speech-to-text', { audio_url: 'https://example.com/a.mp3', timestamps_granularity: 'sentence' }, 'timestamps_granularity'],
		['elevenlabs/text-to-dialogue', { language_code: 'en' }, 'dialogue'],
		['kuaishou/kling-3.0-motion-control', { prompt: 'dance', image_url: 'https://example.com/a.png' }, 'video_url'],
		['kuaishou/kling-o1-image', { prompt: 'a cat', resolution: '4K' }, 'resolution'],
		['suno-ai/music', { mv: 'chirp-v4', custom: false }, 'gpt_description_prompt'],
	])('%s %j → 400 naming %s', async (model, input, key) => {
		const s = await catalogSim();
		const reply = await create(s, freshKey(), { model, input });
		expect(reply.status).toBe(400);
		expect(reply.body.data.message).toContain(key);
		expect(s.tasks.size).toBe(0);
	});

	it.each<[string, Record<string, unknown>]>([
		['elevenlabs/sound-effect', { text: 'Heavy rain on a tin roof', duration: 5, loop: true }],
		['elevenlabs/speech-to-text', { audio_url: 'https://example.com/a.mp3', diarize: true, num_speakers: 2, keyterms: ['Unifically'] }],
		['elevenlabs/text-to-dialogue', { dialogue: [{ text: '[excitedly] Hi!', voice: 'v1' }], stability: 0.5 }],
		['kuaishou/kling-3.0-motion-control', { prompt: 'dance', image_url: 'https://example.com/a.png', video_url: 'https://example.com/m.mp4', mode: 'pro' }],
		['kuaishou/kling-3.0-omni-image', { prompt: 'a cat', resolution: '4K', image_urls: ['https://example.com/a.png'] }],
		['suno-ai/music', { mv: 'chirp-v4', custom: true, make_instrumental: true }],
	])('%s %j → created', async (model, input) => {
		const s = await catalogSim();
		const reply = await create(s, freshKey(), { model, input });
		expect([reply.status, reply.body.data?.status]).toEqual([200, 'pending']);
	});
});
