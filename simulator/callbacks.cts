/**
 * The callback of a finished task: one POST to its `callback_url`, wrapped (`{code, success, data}`)
 * or bare, recorded in the stats (status, answer, duration). One attempt, no retry.
 */
import * as http from 'node:http';
import * as https from 'node:https';

import type { SimContext } from './state.cjs';
import type { SimTask } from './tasks.cjs';
import type { CallbackRecord } from './types.cjs';

export const MAX_CALLBACK_LOG = 2000;

export function sendCallback(sim: SimContext, task: SimTask, callbackUrl: string) {
	const status = task.outcome === 'fail' ? 'failed' : 'completed';
	const data: Record<string, unknown> = { task_id: task.id, status };
	if (status === 'completed') data.output = task.planned.output;
	else data.error = task.errorMessage;
	data.model = task.model;
	const payload = task.callbackShape === 'wrapped' ? { code: 200, success: true, data } : data;
	const body = JSON.stringify(payload);
	const started = Date.now();
	const record: CallbackRecord = {
		task_id: task.id,
		url: callbackUrl,
		shape: task.callbackShape,
		status: null,
		at: started,
		durationMs: 0,
	};
	task.callback = record;
	sim.stats.callbacksSent++;
	sim.stats.callbacks.push(record);
	if (sim.stats.callbacks.length > MAX_CALLBACK_LOG) sim.stats.callbacks.shift();
	let settled = false;
	const settle = (statusCode: number | null, error?: string, responseBody?: string) => {
		if (settled) return;
		settled = true;
		record.status = statusCode;
		record.durationMs = Date.now() - started;
		if (error) record.error = error;
		if (responseBody !== undefined) record.responseBody = responseBody;
		if (statusCode === null || statusCode < 200 || statusCode >= 300) sim.stats.callbackFailures++;
	};
	let request: http.ClientRequest;
	try {
		const url = new URL(callbackUrl);
		const client = url.protocol === 'https:' ? https : http;
		request = client.request(url, {
			method: 'POST',
			agent: false, // one connection per callback: no keep-alive socket outlives it
			timeout: sim.config.callbackTimeoutMs,
			headers: {
				'Content-Type': 'application/json',
				'Content-Length': String(Buffer.byteLength(body)),
				'User-Agent': 'Unifically-Simulator/1.0',
			},
		});
	} catch (error) {
		settle(null, (error as Error).message);
		return;
	}
	sim.callbackRequests.add(request);
	request.on('response', (response) => {
		let text = '';
		response.setEncoding('utf8');
		response.on('data', (chunk: string) => {
			if (text.length < 500) text += chunk;
		});
		response.on('end', () => settle(response.statusCode ?? null, undefined, text.slice(0, 500)));
		response.on('error', () => settle(response.statusCode ?? null, undefined, text.slice(0, 500)));
	});
	request.on('timeout', () => {
		settle(null, `timed out after ${sim.config.callbackTimeoutMs} ms`);
		request.destroy();
	});
	request.on('error', (error) => settle(null, error.message));
	request.on('close', () => {
		sim.callbackRequests.delete(request);
		settle(null, 'connection closed');
	});
	request.end(body);
}
