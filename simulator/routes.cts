/**
 * The API's routes: `POST /v1/tasks` (create and dry_run), `GET /v1/tasks/:id`, `GET /v1/account`
 * (and `GET /account`), the output files under `/files/`, and the dispatch of every request (the
 * control routes are in control.cts, the storage upload and its files in uploads.cts, the account's
 * answer and restriction in accounts.cts).
 */
import type * as http from 'node:http';

import { accountAnswer, refuseRestricted } from './accounts.cjs';
import { handleControl } from './control.cjs';
import { isListPath, listAnswer } from './lists.cjs';
import { fileStream } from './files.cjs';
import { takeFailure } from './faults.cjs';
import { priceOf, roundUsd } from './pricing.cjs';
import { checkRate } from './rateLimit.cjs';
import { bearerToken, readBody, sendError, sendFailure, sendJson, sendRateLimited } from './responses.cjs';
import { accountOf, countError, isPlainObject, keyState, type SimContext } from './state.cjs';
import { createTask, delay } from './tasks.cjs';
import { handleUpload, handleUploadedFile } from './uploads.cjs';
import { inputProblems, isHttpUrl } from './validate.cjs';

/**
 * What every API request goes through first, creates, status and account reads alike (the account
 * read is a GET: kind `status`): the way in, the rate count of its kind, the way back, then 429 (rate
 * limited or banned) or 401 (no valid key) answered here. Returns the key's state, the rate-limit headers and the account when the request may go on.
 */
async function admit(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, kind: 'create' | 'status') {
	const token = bearerToken(req.headers.authorization);
	const state = keyState(sim, token ?? '(none)');
	await delay(sim, sim.config.requestDelayMs);
	const rate = checkRate(sim, state, kind, Date.now());
	await delay(sim, sim.config.answerDelayMs);
	if (!rate.allowed) return void sendRateLimited(sim, res, state, rate.retryAfter, rate.headers);
	const headers = rate.headers;
	const account = token ? accountOf(sim, token) : undefined;
	if (!token || !account || !account.valid) return void sendError(sim, res, state, 401, 'Invalid API key', 'unauthorized', headers);
	return { token, state, headers, account };
}

export async function handleCreate(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse) {
	const raw = await readBody(req);
	const admitted = await admit(sim, req, res, 'create');
	if (!admitted) return;
	const { token, state, headers, account } = admitted;
	if (raw === undefined) return sendError(sim, res, state, 413, undefined, undefined, headers);
	// A restricted account can neither create nor price tasks (checked like the key, before any fault).
	if (refuseRestricted(sim, res, state, account, headers)) return;

	let body: unknown;
	try {
		body = JSON.parse(raw.toString('utf8'));
	} catch {
		const failure = takeFailure(sim, 'create');
		if (failure) return sendFailure(sim, req, res, state, failure, headers);
		return sendError(sim, res, state, 400, 'Request body is not valid JSON', 'invalid_parameters', headers);
	}
	const dryRun = isPlainObject(body) && body.dry_run === true;
	const failure = takeFailure(sim, dryRun ? 'dryRun' : 'create');
	if (failure && !(failure.afterCreate && !dryRun)) return sendFailure(sim, req, res, state, failure, headers);

	if (!isPlainObject(body)) return sendError(sim, res, state, 400, 'Request body must be a JSON object', 'invalid_parameters', headers);
	const modelId = body.model;
	if (modelId === undefined || modelId === null || modelId === '')
		return sendError(sim, res, state, 400, 'Invalid parameters: model is required', 'invalid_parameters', headers);
	if (typeof modelId !== 'string')
		return sendError(sim, res, state, 400, 'Invalid parameters: model must be a string', 'invalid_parameters', headers);
	const model = sim.models.get(modelId);
	if (!model) return sendError(sim, res, state, 404, `Model not found: ${modelId}`, 'model_not_found', headers);
	if (body.input === undefined || body.input === null)
		return sendError(sim, res, state, 400, 'Invalid parameters: input is required', 'invalid_parameters', headers);
	if (!isPlainObject(body.input))
		return sendError(sim, res, state, 400, 'Invalid parameters: input must be an object', 'invalid_parameters', headers);
	const input = body.input;
	const problems = inputProblems(model, input);
	if (body.callback_url !== undefined && body.callback_url !== null && !isHttpUrl(body.callback_url))
		problems.push({ key: 'callback_url', message: 'must be an http(s) URL' });
	if (body.dry_run !== undefined && typeof body.dry_run !== 'boolean')
		problems.push({ key: 'dry_run', message: 'must be true or false' });
	if (problems.length)
		return sendError(sim, 
			res,
			state,
			400,
			`Invalid parameters: ${problems.map((problem) => `${problem.key} ${problem.message}`).join('; ')}`,
			'invalid_parameters',
			headers,
		);

	const cost = priceOf(model, input);
	if (dryRun) {
		state.stats.dryRuns++;
		sim.stats.dryRuns++;
		return sendJson(res, 200, { code: 200, success: true, data: { cost } }, headers);
	}
	if (account.balance < cost) return sendError(sim, res, state, 402, 'Insufficient balance', 'insufficient_balance', headers);

	account.balance = roundUsd(account.balance - cost);
	account.updatedAt = Math.floor(Date.now() / 1000);
	state.stats.creates++;
	state.stats.spentUsd = roundUsd(state.stats.spentUsd + cost);
	sim.stats.creates++;
	sim.stats.spentUsd = roundUsd(sim.stats.spentUsd + cost);

	const task = createTask(sim, model, input, token as string, cost, body.callback_url as string | undefined);
	if (failure) return sendFailure(sim, req, res, state, failure, headers);
	sendJson(res, 200, { code: 200, success: true, data: { task_id: task.id, status: 'pending' } }, headers);
}

export async function handleStatus(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, taskId: string) {
	await readBody(req);
	const admitted = await admit(sim, req, res, 'status');
	if (!admitted) return;
	const { token, state, headers } = admitted;
	state.stats.statusReads++;
	sim.stats.statusReads++;
	const failure = takeFailure(sim, 'status');
	if (failure) return sendFailure(sim, req, res, state, failure, headers);
	const task = sim.tasks.get(taskId);
	if (!task || task.owner !== token)
		return sendError(sim, res, state, 404, `Task not found: ${taskId}`, 'task_not_found', headers);
	task.readsAt.push(Date.now());
	sendJson(res, 200, { code: 200, success: true, data: task.view() }, headers);
}

/** `GET /v1/account` (and the docs' `GET /account`): the key's account, counted as a GET. */
export async function handleAccount(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse) {
	await readBody(req);
	const admitted = await admit(sim, req, res, 'status');
	if (!admitted) return;
	const { token, state, headers, account } = admitted;
	state.stats.accountReads++;
	sim.stats.accountReads++;
	const failure = takeFailure(sim, 'account');
	if (failure) return sendFailure(sim, req, res, state, failure, headers);
	sendJson(res, 200, accountAnswer(sim, token, account), headers);
}

/** A list the node's pickers read (lists.cts): counted as a GET, with its own fault endpoint `list`. */
export async function handleList(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
	await readBody(req);
	const admitted = await admit(sim, req, res, 'status');
	if (!admitted) return;
	const { state, headers } = admitted;
	state.stats.listReads++;
	sim.stats.listReads++;
	const failure = takeFailure(sim, 'list');
	if (failure) return sendFailure(sim, req, res, state, failure, headers);
	sendJson(res, 200, listAnswer(sim, url), headers);
}

export async function handleFile(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, taskId: string, name: string) {
	await readBody(req);
	if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(sim, res, undefined, 405, undefined, undefined, { Allow: 'GET, HEAD' });
	const failure = takeFailure(sim, 'file');
	if (failure) return sendFailure(sim, req, res, undefined, failure, {});
	const task = sim.tasks.get(taskId);
	const file = task?.planned.files.get(name);
	if (!task || !file || task.status !== 'completed') return sendError(sim, res, undefined, 404, 'File not found', 'file_not_found');

	const size = file.size;
	if (sim.config.minimalFileHeaders) {
		res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
		if (req.method === 'HEAD') {
			sim.stats.fileHeads++;
			res.end();
			return;
		}
		return streamFile(sim, res, task.id, name, size, 0, size);
	}
	let start = 0;
	let end = size; // exclusive
	let status = 200;
	const headers: Record<string, string> = {
		'Content-Type': file.contentType,
		'Accept-Ranges': 'bytes',
		'Cache-Control': 'public, max-age=86400',
		ETag: `"${task.id}-${name}-${size}"`,
	};
	const range = req.headers.range;
	if (range) {
		const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
		let valid = !!match && (match[1] !== '' || match[2] !== '');
		if (valid && match) {
			if (match[1] === '') {
				start = Math.max(0, size - Number(match[2]));
			} else {
				start = Number(match[1]);
				if (match[2] !== '') end = Math.min(size, Number(match[2]) + 1);
			}
			valid = start < end && start < size;
		}
		if (!valid) {
			res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
			res.end();
			countError(sim, undefined, 416);
			return;
		}
		status = 206;
		headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`;
	}
	headers['Content-Length'] = String(end - start);
	res.writeHead(status, headers);
	if (req.method === 'HEAD') {
		sim.stats.fileHeads++;
		res.end();
		return;
	}
	streamFile(sim, res, task.id, name, size, start, end);
}

export function streamFile(sim: SimContext, res: http.ServerResponse, taskId: string, name: string, size: number, start: number, end: number) {
	const stream = fileStream(taskId, name, size, start, end);
	stream.on('data', (chunk: Buffer) => {
		sim.stats.bytesServed += chunk.length;
	});
	res.on('close', () => stream.destroy());
	stream.on('end', () => {
		sim.stats.filesServed++;
	});
	stream.pipe(res);
}

export async function handle(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse) {
	sim.stats.requests++;
	const url = new URL(req.url ?? '/', 'http://simulator.invalid');
	const path = url.pathname;
	const method = req.method ?? 'GET';
	if (path.startsWith('/__sim/')) return handleControl(sim, req, res, path);
	const fileMatch = /^\/files\/([^/]+)\/([^/]+)$/.exec(path);
	if (fileMatch) return handleFile(sim, req, res, decodeURIComponent(fileMatch[1]), decodeURIComponent(fileMatch[2]));
	// The storage upload is another host for the real service (files.storagecdn.online): same server here.
	if (path === '/upload' || path === '/upload/') return handleUpload(sim, req, res);
	const uploadMatch = /^\/uploads\/([^/]+)\/([^/]+)$/.exec(path);
	if (uploadMatch) return handleUploadedFile(sim, req, res, uploadMatch[1], uploadMatch[2]);
	if (path === '/v1/tasks' || path === '/v1/tasks/') {
		if (method === 'POST') return handleCreate(sim, req, res);
		await readBody(req);
		return sendError(sim, res, undefined, 405, undefined, undefined, { Allow: 'POST' });
	}
	const statusMatch = /^\/v1\/tasks\/([^/]+)\/?$/.exec(path);
	if (statusMatch) {
		if (method === 'GET') return handleStatus(sim, req, res, decodeURIComponent(statusMatch[1]));
		await readBody(req);
		return sendError(sim, res, undefined, 405, undefined, undefined, { Allow: 'GET' });
	}
	if (/^(?:\/v1)?\/account\/?$/.test(path)) {
		if (method === 'GET') return handleAccount(sim, req, res);
		await readBody(req);
		return sendError(sim, res, undefined, 405, undefined, undefined, { Allow: 'GET' });
	}
	if (isListPath(path)) {
		if (method === 'GET') return handleList(sim, req, res, url);
		await readBody(req);
		return sendError(sim, res, undefined, 405, undefined, undefined, { Allow: 'GET' });
	}
	await readBody(req);
	return sendError(sim, res, undefined, 404, `Not found: ${method} ${path}`, 'not_found');
}
