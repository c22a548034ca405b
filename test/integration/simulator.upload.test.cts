/**
 * The simulator's storage upload over real HTTP (`PUT /upload`, the files under `/uploads/`): multipart
 * (streamed to disk) and JSON base64 bodies, the answers, its faults and size limit, its counters, the
 * memory a large upload takes, and tasks whose input names a file that was never uploaded.
 * The multipart parser cut at every offset: test/unit/simulatorMultipart.test.cts.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

import { SIM_MODELS } from '../../simulator/models.cjs';
import type { Simulator } from '../../simulator/server.cjs';
import { call, closeAll, create, freshKey, sim, sleep, waitFor, waitForStatus } from './support/simulatorClient.cjs';

afterAll(closeAll);

const MiB = 1024 * 1024;
const BOUNDARY = '----n8nUploadBoundary7MA4YWxkTrZu0gW';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	body: any;
}

/**
 * One request with node:http, its body written piece by piece with a pause between (so the server
 * reads them as separate chunks); chunked unless `contentLength`. Resolves with the answer once read
 * (a write that fails after the answer came is ignored: the server may answer before the body).
 */
function send(
	url: string,
	options: { method?: string; headers?: Record<string, string>; pieces?: Buffer[]; pauseMs?: number; contentLength?: boolean },
): Promise<Answer> {
	const pieces = options.pieces ?? [];
	const headers = { ...options.headers };
	if (options.contentLength) headers['Content-Length'] = String(pieces.reduce((sum, piece) => sum + piece.length, 0));
	return new Promise((resolve, reject) => {
		const request = http.request(url, { method: options.method ?? 'PUT', headers });
		let answered = false;
		request.on('response', (response) => {
			answered = true;
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let body: unknown = text;
				try {
					body = JSON.parse(text);
				} catch {
					// keep text
				}
				resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
			});
			response.on('error', reject);
		});
		request.on('error', (error) => {
			if (!answered) reject(error);
		});
		void (async () => {
			for (const piece of pieces) {
				if (answered || request.destroyed) break;
				request.write(piece);
				if (options.pauseMs) await sleep(options.pauseMs);
			}
			if (!request.destroyed) request.end();
		})();
	});
}

function multipart(file: Buffer, fileName: string, contentType: string, extra = true): Buffer {
	return Buffer.concat([
		Buffer.from(
			(extra ? `--${BOUNDARY}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nvideo input\r\n` : '') +
				`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
		),
		file,
		Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
	]);
}

const multipartHeaders = (key: string) => ({ Authorization: `Bearer ${key}`, 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` });

/** Cuts `body` at every occurrence of `marks` (in their middle) and every `size` bytes. */
function cut(body: Buffer, marks: string[], size: number): Buffer[] {
	const offsets = new Set<number>();
	for (const mark of marks)
		for (let at = body.indexOf(mark); at >= 0; at = body.indexOf(mark, at + 1)) offsets.add(at + Math.floor(mark.length / 2));
	for (let at = size; at < body.length; at += size) offsets.add(at);
	const sorted = [0, ...[...offsets].sort((a, b) => a - b), body.length];
	return sorted.slice(1).map((end, index) => body.subarray(sorted[index], end)).filter((piece) => piece.length > 0);
}

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(2000)]);

async function uploadJson(s: Simulator, key: string, body: unknown) {
	return call(s.url, 'PUT', '/upload', key, body);
}

async function download(url: string) {
	const response = await fetch(url);
	return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('simulator: storage upload (PUT /upload)', () => {
	it('stores a chunked multipart upload whose delimiters arrive split across writes, and serves it back', async () => {
		const s = await sim();
		const key = freshKey();
		// The file holds a near-delimiter (last character differs) that must not end the part.
		const file = Buffer.concat([randomBytes(150_000), Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}Z`), randomBytes(150_000)]);
		const body = multipart(file, 'photo one.png', 'image/png');
		const pieces = cut(body, [`\r\n--${BOUNDARY}`, '\r\n\r\n'], 64 * 1024 + 7);
		expect(pieces.length).toBeGreaterThan(8);

		const answer = await send(`${s.url}/upload`, { headers: multipartHeaders(key), pieces, pauseMs: 3 });
		expect(answer.status).toBe(200);
		expect(answer.body).toEqual({ success: true, file_url: expect.stringMatching(new RegExp(`^${s.url}/uploads/[0-9a-f]{24}/photo%20one\\.png$`)) });
		const url = answer.body.file_url as string;
		const id = url.split('/')[4];

		const { response, bytes } = await download(url);
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('image/png');
		expect(response.headers.get('content-length')).toBe(String(file.length));
		expect(sha256(bytes)).toBe(sha256(file));
		const head = await fetch(url, { method: 'HEAD' });
		expect([head.status, head.headers.get('content-type'), head.headers.get('content-length')]).toEqual([200, 'image/png', String(file.length)]);

		const info = { id, fileName: 'photo one.png', contentType: 'image/png', size: file.length, sha256: sha256(file), url };
		expect(s.uploads()).toEqual([info]);
		expect((await call(s.url, 'GET', '/__sim/uploads', undefined)).body).toEqual([info]);

		// A Content-Length body, without the extra field.
		const again = await send(`${s.url}/upload`, { headers: multipartHeaders(key), pieces: [multipart(PNG, 'a.png', 'image/png', false)], contentLength: true });
		expect(again.status).toBe(200);
		expect(sha256((await download(again.body.file_url)).bytes)).toBe(sha256(PNG));
	});

	it('stores JSON base64 uploads: raw base64 and data: URIs, named or not', async () => {
		const s = await sim();
		const key = freshKey();
		const named = await uploadJson(s, key, { base64: PNG.toString('base64'), filename: 'frame.png' });
		expect(named.status).toBe(200);
		expect(named.body).toEqual({ success: true, file_url: expect.stringMatching(/\/uploads\/[0-9a-f]{24}\/frame\.png$/) });

		const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(500)]);
		const uri = await uploadJson(s, key, { base64: `data:image/jpeg;base64,${jpeg.toString('base64')}` });
		expect(uri.status).toBe(200);
		expect(uri.body.file_url).toMatch(/\/file\.jpg$/);

		const sniffed = await uploadJson(s, key, { base64: PNG.toString('base64'), name: 'x/y/../clip.png' });
		expect(sniffed.body.file_url).toMatch(/\/clip\.png$/);
		const bare = await uploadJson(s, key, { base64: PNG.toString('base64') });
		expect(bare.body.file_url).toMatch(/\/file\.png$/); // sniffed from its bytes

		for (const [reply, bytes, type] of [
			[named, PNG, 'image/png'],
			[uri, jpeg, 'image/jpeg'],
			[bare, PNG, 'image/png'],
		] as const) {
			const { response, bytes: served } = await download(reply.body.file_url);
			expect([response.headers.get('content-type'), sha256(served)]).toEqual([type, sha256(bytes)]);
		}
		expect(s.uploads().map((upload) => upload.fileName)).toEqual(['frame.png', 'file.jpg', 'clip.png', 'file.png']);
	});

	it('answers 400 to a body without a file, 401 without a valid key, 405 to other methods, 404 for unknown files', async () => {
		const s = await sim({ apiKeys: { 'good-key': { balance: 1 } } });
		const bad = await uploadJson(s, 'not-a-key', { base64: PNG.toString('base64') });
		expect([bad.status, bad.body]).toEqual([401, { success: false, message: 'Invalid API key' }]);
		const none = await call(s.url, 'PUT', '/upload', undefined, { base64: 'AAAA' });
		expect([none.status, none.body]).toEqual([401, { success: false, message: 'Invalid API key' }]);

		const get = await call(s.url, 'GET', '/upload', 'good-key');
		expect([get.status, get.headers.get('allow'), get.body.success]).toEqual([405, 'PUT', false]);
		const post = await call(s.url, 'POST', '/upload', 'good-key', { base64: 'AAAA' });
		expect([post.status, post.headers.get('allow')]).toEqual([405, 'PUT']);

		for (const body of [{}, { base64: '' }, { base64: 'not base64!' }, 'not json'])
			expect((await uploadJson(s, 'good-key', body)).status).toBe(400);
		const noFilePart = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc\r\n--${BOUNDARY}--\r\n`);
		const missing = await send(`${s.url}/upload`, { headers: multipartHeaders('good-key'), pieces: [noFilePart] });
		expect([missing.status, missing.body.success]).toEqual([400, false]);
		const truncated = await send(`${s.url}/upload`, { headers: multipartHeaders('good-key'), pieces: [multipart(PNG, 'a.png', 'image/png').subarray(0, 500)] });
		expect(truncated.status).toBe(400);

		expect((await fetch(`${s.url}/uploads/0123456789abcdef01234567/a.png`)).status).toBe(404);
		const stored = await uploadJson(s, 'good-key', { base64: PNG.toString('base64'), filename: 'a.png' });
		expect((await fetch(stored.body.file_url.replace(/a\.png$/, 'b.png'))).status).toBe(404);
		expect(s.uploads()).toHaveLength(1);
	});

	it('fails the way failNext asks: 500, an HTML 502, 429 with Retry-After, 413, a dropped connection, 200 with success: false', async () => {
		const s = await sim();
		const key = freshKey();
		const body = { base64: PNG.toString('base64'), filename: 'a.png' };
		const next = async (rule: Record<string, unknown>) => {
			s.failNext({ endpoint: 'upload', ...rule } as never);
			return uploadJson(s, key, body);
		};

		expect(await next({ status: 500 })).toMatchObject({ status: 500, body: { success: false, message: 'Internal Server Error (simulated)' } });
		const html = '<html><body><h1>502 Bad Gateway</h1></body></html>';
		const gateway = await next({ status: 502, body: html });
		expect([gateway.status, gateway.headers.get('content-type'), gateway.body]).toEqual([502, 'text/html; charset=utf-8', html]);
		const limited = await next({ status: 429, retryAfterSeconds: 7, message: 'Slow down' });
		expect([limited.status, limited.headers.get('retry-after'), limited.body]).toEqual([429, '7', { success: false, message: 'Slow down' }]);
		expect(await next({ status: 413 })).toMatchObject({ status: 413, body: { success: false, message: 'File too large (simulated)' } });
		await expect(next({ status: 0 })).rejects.toThrow();
		const soft = await next({ status: 200, message: 'Storage quota exceeded' });
		expect([soft.status, soft.body]).toEqual([200, { success: false, message: 'Storage quota exceeded' }]);
		expect(s.uploads()).toHaveLength(0);

		// Over the control route, a count, then a standing rate rule; then uploads work again.
		expect((await call(s.url, 'POST', '/__sim/fail', undefined, { endpoint: 'upload', status: 503, count: 2 })).status).toBe(200);
		expect((await uploadJson(s, key, body)).status).toBe(503);
		expect((await uploadJson(s, key, body)).status).toBe(503);
		expect((await uploadJson(s, key, body)).status).toBe(200);
		s.configure({ faults: [{ endpoint: 'upload', status: 502, rate: 1, count: 1 }] });
		expect((await uploadJson(s, key, body)).status).toBe(502);
		expect((await uploadJson(s, key, body)).status).toBe(200);

		// An early 413 answer to a multipart body still being written, on a connection that stays usable.
		s.failNext({ endpoint: 'upload', status: 413 });
		const early = await send(`${s.url}/upload`, {
			headers: multipartHeaders(key),
			pieces: cut(multipart(randomBytes(MiB), 'a.bin', 'application/octet-stream'), [], 64 * 1024),
			pauseMs: 1,
		});
		expect([early.status, early.body.success]).toEqual([413, false]);
		expect((await uploadJson(s, key, body)).status).toBe(200);

		const stats = s.stats();
		expect(stats.uploads).toBe(3);
		expect(stats.errors).toMatchObject({ '0': 1, '200': 1, '413': 2, '429': 1, '500': 1, '502': 2, '503': 2 });
		expect([stats.creates, stats.statusReads]).toEqual([0, 0]);
	});

	it('refuses files over maxUploadBytes with 413 "File too large" (multipart and base64), storing nothing', async () => {
		const s = await sim({ maxUploadBytes: 1000 });
		const key = freshKey();
		const big = randomBytes(1001);
		const multi = await send(`${s.url}/upload`, { headers: multipartHeaders(key), pieces: cut(multipart(big, 'a.bin', 'application/octet-stream'), [], 300) });
		expect([multi.status, multi.body]).toEqual([413, { success: false, message: 'File too large' }]);
		const json = await uploadJson(s, key, { base64: big.toString('base64') });
		expect([json.status, json.body]).toEqual([413, { success: false, message: 'File too large' }]);
		expect((await uploadJson(s, key, { base64: big.subarray(0, 1000).toString('base64') })).status).toBe(200);
		expect(s.uploads().map((upload) => upload.size)).toEqual([1000]);

		expect(s.configure({ maxUploadBytes: null }).maxUploadBytes).toBeNull();
		expect((await uploadJson(s, key, { base64: big.toString('base64') })).status).toBe(200);
	});

	it('is not rate limited, and counts uploads, their bytes and the most at once', async () => {
		const s = await sim({ rateLimit: 2 });
		const key = freshKey();
		const file = randomBytes(200_000);
		const answers = await Promise.all(
			Array.from({ length: 12 }, () =>
				send(`${s.url}/upload`, { headers: multipartHeaders(key), pieces: cut(multipart(file, 'a.bin', 'application/octet-stream'), [], 20_000), pauseMs: 2 }),
			),
		);
		expect(answers.map((answer) => answer.status)).toEqual(Array(12).fill(200));
		await waitFor(() => (s.stats().uploadsInFlight === 0 ? true : undefined));
		const stats = s.stats();
		expect(stats).toMatchObject({ uploads: 12, uploadBytes: 12 * file.length, uploadsInFlight: 0, creates: 0, statusReads: 0, rateLimited: 0 });
		expect(stats.peakUploadsInFlight).toBeGreaterThan(1);
		expect(stats.peakUploadsInFlight).toBeLessThanOrEqual(12);
		expect(stats.byKey[key]).toMatchObject({ creates: 0, statusReads: 0, peakCreatesPerSecond: 0, peakStatusReadsPerSecond: 0 });

		s.resetStats();
		expect(s.stats()).toMatchObject({ uploads: 0, uploadBytes: 0, uploadsInFlight: 0, peakUploadsInFlight: 0 });
		expect(s.uploads()).toHaveLength(12); // the files stay
	});

	it('streams a 50 MiB multipart upload to disk: the process grows far less than the file', async () => {
		const s = await sim();
		const key = freshKey();
		const size = 50 * MiB;
		const block = randomBytes(MiB);
		const head = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n`);
		const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
		const expected = createHash('sha256');

		// What the process holds, not the garbage V8 has yet to collect: the socket's 64 KiB reads add up
		// to the file's size, and V8 may leave up to 64 MiB of them before a full collection. So each
		// sample first runs a minor collection (a millisecond; `gc` without --expose-gc: the flag is set
		// at run time and read in a new context). Holding the file's chunks fails this (tried: +46 MiB).
		v8.setFlagsFromString('--expose-gc');
		const gc = vm.runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;
		gc();
		const before = process.memoryUsage();
		const peak = { rss: before.rss, arrayBuffers: before.arrayBuffers };
		const sample = () => {
			gc({ type: 'minor' });
			const now = process.memoryUsage();
			peak.rss = Math.max(peak.rss, now.rss);
			peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
		};
		const sampler = setInterval(sample, 5);
		const answer = await new Promise<Answer>((resolve, reject) => {
			const request = http.request(`${s.url}/upload`, {
				method: 'PUT',
				headers: { ...multipartHeaders(key), 'Content-Length': String(head.length + size + tail.length) },
			});
			request.on('error', reject);
			request.on('response', (response) => {
				let text = '';
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body: JSON.parse(text) }));
			});
			void (async () => {
				request.write(head);
				for (let written = 0; written < size; written += block.length) {
					expected.update(block);
					if (!request.write(block)) await new Promise((drained) => request.once('drain', drained));
				}
				request.end(tail);
			})();
		});
		clearInterval(sampler);
		sample();

		expect(answer.status).toBe(200);
		const growth = { rss: peak.rss - before.rss, arrayBuffers: peak.arrayBuffers - before.arrayBuffers };
		expect(growth.rss).toBeLessThan(32 * MiB);
		expect(growth.arrayBuffers).toBeLessThan(32 * MiB);
		const [upload] = s.uploads();
		expect(upload).toMatchObject({ fileName: 'big.mp4', contentType: 'video/mp4', size, sha256: expected.digest('hex') });

		// Served back from disk, streamed too.
		const response = await fetch(answer.body.file_url);
		expect(response.headers.get('content-length')).toBe(String(size));
		const served = createHash('sha256');
		for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) served.update(chunk);
		expect(served.digest('hex')).toBe(upload.sha256);
	});

	it('keeps the files in a temporary directory of its own, removed on close', async () => {
		const listing = () => new Set(fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('unifically-sim-uploads-')));
		const earlier = listing();
		const s = await sim();
		expect((await uploadJson(s, freshKey(), { base64: PNG.toString('base64') })).status).toBe(200);
		const made = [...listing()].filter((name) => !earlier.has(name));
		expect(made).toHaveLength(1);
		await s.close();
		expect(fs.existsSync(`${os.tmpdir()}/${made[0]}`)).toBe(false);
	});
});

describe('simulator: tasks whose input files cannot be downloaded', () => {
	const MODEL = 'hailuo/minimax-2.3-fast'; // start_image_url is required

	it('fails a task naming an /uploads/ file never uploaded (or uploaded with another key), after charging it', async () => {
		const s = await sim({ models: SIM_MODELS, taskLatencyMs: 200 });
		const key = freshKey();
		const other = freshKey();
		const uploaded = (await uploadJson(s, key, { base64: PNG.toString('base64'), filename: 'start.png' })).body.file_url as string;

		const createWith = async (apiKey: string, startImage: string) => {
			const created = await create(s, apiKey, { model: MODEL, input: { prompt: 'a cat walks', start_image_url: startImage } });
			expect(created.body).toEqual({ code: 200, success: true, data: { task_id: expect.any(String), status: 'pending' } });
			return created.body.data.task_id as string;
		};
		const good = await createWith(key, uploaded);
		const never = await createWith(key, `${s.url}/uploads/0123456789abcdef01234567/start.png`);
		const wrongName = await createWith(key, uploaded.replace(/start\.png$/, 'other.png'));
		const elsewhere = await createWith(key, 'https://example.com/start.png'); // other hosts: not fetched
		const foreign = await createWith(other, uploaded);

		expect((await waitForStatus(s, key, good, 'completed', 'failed')).body.data).toEqual({ task_id: good, status: 'completed', output: { video_url: expect.any(String) } });
		for (const id of [never, wrongName])
			expect((await waitForStatus(s, key, id, 'completed', 'failed')).body.data).toEqual({
				task_id: id,
				status: 'failed',
				error: 'Could not download input start_image_url: 404 (file not found)',
			});
		expect((await waitForStatus(s, key, elsewhere, 'completed', 'failed')).body.data.status).toBe('completed');
		expect((await waitForStatus(s, other, foreign, 'completed', 'failed')).body.data.status).toBe('failed');

		const stats = s.stats();
		expect(stats.creates).toBe(5);
		expect(stats.spentUsd).toBeCloseTo(5 * 0.11, 6);
		expect(stats.tasksFailed).toBe(3);
		expect(stats.tasksCompleted).toBe(2);
	});

	it('looks inside arrays and objects of the input', async () => {
		const s = await sim({ taskLatencyMs: 100 });
		const key = freshKey();
		const id = (
			await create(s, key, { model: 'test/image', input: { prompt: 'x', refs: ['https://example.com/a.png', `${s.url}/uploads/ffffffffffffffffffffffff/b.png`] } })
		).body.data.task_id;
		expect((await waitForStatus(s, key, id, 'completed', 'failed')).body.data.error).toBe('Could not download input refs[1]: 404 (file not found)');
	});

	it('with fetchInputUrls, fails a task whose input URL on another host cannot be fetched', async () => {
		const origin = http.createServer((req, res) => {
			if (req.url === '/ok.png') res.writeHead(200, { 'Content-Type': 'image/png' });
			else if (req.url === '/no-head.png') res.writeHead(req.method === 'HEAD' ? 405 : 200);
			else res.writeHead(404);
			res.end();
		});
		await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
		const base = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
		try {
			const s = await sim({ models: SIM_MODELS, taskLatencyMs: 100, fetchInputUrls: true });
			const key = freshKey();
			const run = async (startImage: string) => {
				const id = (await create(s, key, { model: MODEL, input: { prompt: 'x', start_image_url: startImage } })).body.data.task_id;
				return (await waitForStatus(s, key, id, 'completed', 'failed')).body.data;
			};
			expect((await run(`${base}/ok.png`)).status).toBe('completed');
			expect((await run(`${base}/no-head.png`)).status).toBe('completed');
			expect(await run(`${base}/gone.png`)).toMatchObject({ status: 'failed', error: 'Could not download input start_image_url: 404 (Not Found)' });
			expect(await run('http://127.0.0.1:1/a.png')).toMatchObject({ status: 'failed', error: expect.stringMatching(/^Could not download input start_image_url: .*ECONNREFUSED/) });
		} finally {
			await new Promise<void>((resolve) => origin.close(() => resolve()));
		}
	});
});
