/**
 * The simulator over HTTP: tasks and their outputs, dry_run prices, the API doc's errors, and the
 * models of its own table (rate limit, callbacks and injected failures: simulator.limits.test.cts).
 */
import { fileBytes } from '../../simulator/files.cjs';
import { LISTED_ONLY_MODELS } from '../../simulator/lists.cjs';
import { SIM_MODELS, type SimModel } from '../../simulator/models.cjs';
import { evaluatePrice, priceOf } from '../../simulator/pricing.cjs';
import {
	call,
	closeAll,
	create,
	expectErrorBody,
	freshKey,
	getTask,
	sim,
	sleep,
	waitForStatus,
} from './support/simulatorClient.cjs';

afterAll(closeAll);

/** The smallest input the model table accepts: each required input, and the first of each `oneOf`. */
function validInput(model: SimModel): Record<string, unknown> {
	const input: Record<string, unknown> = {};
	const value = (key: string) => {
		const spec = model.inputs[key];
		if (spec.options) return spec.options[0];
		if (spec.type === 'boolean') return false;
		if (spec.type === 'object[]') return [{ text: 'x', voice: 'v' }];
		if (spec.type === 'string[]') return ['https://example.com/a.png'];
		if (spec.type === 'integer' || spec.type === 'number') return spec.min ?? 1;
		return spec.url ? 'https://example.com/a.png' : 'x';
	};
	for (const [key, spec] of Object.entries(model.inputs)) if (spec.required) input[key] = value(key);
	for (const rule of model.rules ?? []) if (rule.kind === 'oneOf') input[rule.keys[0]] = value(rule.keys[0]);
	return input;
}

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

	// The prices themselves are checked against the API doc once, in test/unit/simulatorModels.test.cts.
	it('answers dry_run with the price rule of its own model table, for every model', async () => {
		const s = await sim({ models: undefined });
		for (const model of SIM_MODELS) {
			const input = validInput(model);
			const reply = await create(s, freshKey(), { model: model.id, input, dry_run: true });
			expect([model.id, reply.body]).toEqual([model.id, { code: 200, success: true, data: { cost: priceOf(model, input) } }]);
		}
		expect(s.stats().dryRuns).toBe(SIM_MODELS.length);
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

/** Its own model table: the models typed from the public pages, and Suno's modes as the API doc gives them. */
describe('simulator: its model table’s public-page models and Suno modes', () => {
	const catalogSim = () => sim({ models: undefined });

	it.each<[string, Record<string, unknown>, string]>([
		['elevenlabs/sound-effect', { duration: 5 }, 'text'],
		['elevenlabs/sound-effect', { text: 'rain', prompt_influence: 2 }, 'prompt_influence'],
		['elevenlabs/speech-to-text', { audio_url: 'https://example.com/a.mp3', timestamps_granularity: 'sentence' }, 'timestamps_granularity'],
		['elevenlabs/text-to-dialogue', { language_code: 'en' }, 'dialogue'],
		['kuaishou/kling-3.0-motion-control', { prompt: 'dance', image_url: 'https://example.com/a.png' }, 'video_url'],
		['kuaishou/kling-o1-image', { prompt: 'a cat', resolution: '4K' }, 'resolution'],
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
		// The API doc marks gpt_description_prompt "No": the simulator accepts simple mode without it (the
		// node asks for it before sending; docs/api-doc-differences.md).
		['suno-ai/music', { mv: 'chirp-v4', custom: false }],
	])('%s %j → created', async (model, input) => {
		const s = await catalogSim();
		const reply = await create(s, freshKey(), { model, input });
		expect([reply.status, reply.body.data?.status]).toEqual([200, 'pending']);
	});
});

describe('simulator: the lists the pickers read', () => {
	it('GET /v1/models: every model served, OpenAI-style, by category; the listed-only ones can be created', async () => {
		const s = await sim({ models: undefined }); // the default table, not the test models
		const key = freshKey();
		const all = await call(s.url, 'GET', '/v1/models', key);
		expect(all.status).toBe(200);
		const data = (all.body as { object: string; data: Array<Record<string, string>> }).data;
		expect(data).toHaveLength(SIM_MODELS.length + LISTED_ONLY_MODELS.length);
		expect(data.find((model) => model.id === 'bytedance/seedance-2.0-fast')).toEqual({
			id: 'bytedance/seedance-2.0-fast',
			object: 'model',
			display_name: 'Seedance 2.0 Fast',
			owned_by: 'bytedance',
			provider_display: 'ByteDance',
			category: 'video',
		});
		const images = (await call(s.url, 'GET', '/v1/models?category=image', key)).body as { data: Array<{ category: string }> };
		expect(new Set(images.data.map((model) => model.category))).toEqual(new Set(['image']));
		const created = await create(s, key, { model: 'kuaishou/kling-2.6-video', input: { prompt: 'x', anything: [1, 2] } });
		expect(created.status).toBe(200);
	});

	it('the voice and motion lists need the key, answer GET only, and fail on request (endpoint "list")', async () => {
		const s = await sim();
		expect((await call(s.url, 'GET', '/v1/resources/elevenlabs/voices', undefined)).status).toBe(401);
		expect((await call(s.url, 'POST', '/higgsfield/voices', freshKey(), {})).status).toBe(405);
		const page = (await call(s.url, 'GET', '/higgsfield/motions?size=30&preset_family=higgsfield&cursor=30', freshKey())).body as {
			data: Array<{ id: string }>;
			next_cursor?: string;
		};
		expect([page.data.length, page.next_cursor]).toEqual([10, undefined]);
		s.failNext({ endpoint: 'list', status: 502 });
		expect((await call(s.url, 'GET', '/higgsfield/voices', freshKey())).status).toBe(502);
		expect((await call(s.url, 'GET', '/higgsfield/voices', freshKey())).status).toBe(200);
		expect(s.stats().listReads).toBe(3);
	});
});
