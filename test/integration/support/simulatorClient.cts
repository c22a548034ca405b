/**
 * What the simulator's integration tests share (simulator.test.cts, simulator.limits.test.cts): test
 * models typed by the simulator's own model types, a simulator per test with `sim()`, a fresh API key
 * per test, HTTP helpers and a callback receiver.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { SimModel } from '../../../simulator/models.cjs';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../simulator/server.cjs';

/** Test-only models, so these tests do not depend on the simulator's model table. */
export const TEST_MODELS: SimModel[] = [
	{
		id: 'test/video',
		resource: 'video',
		source: 'apiDoc',
		inputs: {
			prompt: { type: 'string', required: true, maxLength: 50 },
			resolution: { type: 'string', options: ['720p', '1080p', '4k'], default: '720p' },
			duration: { type: 'integer', options: [5, 10] },
			count: { type: 'integer', min: 1, max: 4 },
		},
		price: { kind: 'table', by: ['resolution'], table: { '720p': 0.3, '1080p': 0.4, '4k': 0.5 } },
	},
	{
		id: 'test/image',
		resource: 'image',
		source: 'apiDoc',
		inputs: { prompt: { type: 'string', required: true }, n: { type: 'integer', min: 1, max: 4 } },
		price: { kind: 'flat', usd: 0.02 },
	},
	{
		id: 'suno-ai/music',
		resource: 'audio',
		source: 'apiDoc',
		inputs: { mv: { type: 'string', required: true } },
		price: { kind: 'flat', usd: 0.06 },
	},
	{
		id: 'suno-ai/lyrics',
		resource: 'audio',
		source: 'apiDoc',
		inputs: { prompt: { type: 'string', required: true } },
		price: { kind: 'flat', usd: 0.012 },
	},
];

const running: Simulator[] = [];
export async function sim(options: SimulatorOptions = {}): Promise<Simulator> {
	const simulator = await startSimulator({ models: TEST_MODELS, taskLatencyMs: 300, ...options });
	running.push(simulator);
	return simulator;
}
/** Closes every simulator `sim()` started; each test file calls it in its `afterAll`. */
export async function closeAll(): Promise<void> {
	await Promise.all(running.splice(0).map((simulator) => simulator.close()));
}

let keyCounter = 0;
/** A fresh key per test, so rate-limit windows never interfere. */
export const freshKey = () => `test-key-${process.pid}-${++keyCounter}`;

export interface Reply {
	status: number;
	headers: Headers;
	body: any;
}

export async function call(base: string, method: string, path: string, key: string | undefined, body?: unknown): Promise<Reply> {
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

export const create = (s: Simulator, key: string, body: unknown) => call(s.url, 'POST', '/v1/tasks', key, body);
export const getTask = (s: Simulator, key: string, id: string) => call(s.url, 'GET', `/v1/tasks/${id}`, key);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Probes until it returns a value; `intervalMs` ≥ 100 when probing /v1/tasks (10 req/s limit). */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, intervalMs = 20, timeoutMs = 5000): Promise<T> {
	const until = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > until) throw new Error('waitFor timed out');
		await sleep(intervalMs);
	}
}

/** Polls a task (within the rate limit) until it has one of `statuses`. */
export async function waitForStatus(s: Simulator, key: string, id: string, ...statuses: string[]): Promise<Reply> {
	return waitFor(async () => {
		const reply = await getTask(s, key, id);
		if (reply.status !== 200) throw new Error(`status read answered ${reply.status}`);
		return statuses.includes(reply.body.data.status) ? reply : undefined;
	}, 110);
}

export function expectErrorBody(body: any, code: number, errorCode: string) {
	expect(body).toEqual({
		success: false,
		code,
		data: { message: expect.any(String), code: errorCode, request_id: expect.any(String) },
	});
}

/** A local receiver of callbacks. */
export async function receiver(answer: (url: string) => number = () => 200) {
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
