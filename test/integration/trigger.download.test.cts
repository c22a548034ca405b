/**
 * The Unifically Trigger through n8n-core: its webhook() runs in n8n's real WebhookContext behind a
 * real local HTTP endpoint (harness/webhook.cts), and the callbacks come from the simulator, which
 * records the HTTP status each one got (test/integration/support/trigger.cts). Checks docs/SPEC.md
 * "Node unificallyTrigger" and "Outputs". This file: downloading the output files (options.download),
 * with Verify With API off or on.
 */
import { sleep } from 'n8n-workflow';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { fileBytes } from '../../simulator/files.cjs';
import { NO_CREDENTIAL, notDownloaded } from '../../nodes/UnificallyTrigger/trust';
import { sim, logged, useTriggerSimulator, credentials, trigger, createTask, settledCallback, taskFinished, post, completedTask } from './support/trigger.cjs';

useTriggerSimulator();

describe('options.download', () => {
	test('emits the file as binary data, and answers the callback before downloading', async () => {
		const SIZE = 300_000;
		const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl, { sim_output_bytes: SIZE });
		// The file server answers the first download slowly, with a 503: the node retries, so the
		// download takes seconds, while the API's callback must be answered at once.
		sim.failNext({ endpoint: 'file', status: 503, delayMs: 1500 });

		const record = await settledCallback(taskId);
		const call = await hook.nextCall();

		expect(record.status).toBe(200);
		expect(call.response).toMatchObject({ status: 200, sentBy: 'node', body: { received: true } });
		// Ordering: the response was complete, and the simulator had its answer, before the
		// download (awaited inside webhook()) finished.
		expect(call.response.finishedAt).toBeDefined();
		expect(call.webhookSettledAt).toBeDefined();
		expect(call.response.finishedAt!).toBeLessThan(call.webhookSettledAt!);
		expect(record.at + record.durationMs).toBeLessThanOrEqual(call.webhookSettledAt!);
		expect(record.durationMs).toBeLessThan(call.webhookSettledAt! - call.receivedAt);
		expect(sim.stats().errors['503']).toBe(1); // the slow first attempt really happened
		expect(sim.stats().filesServed).toBe(1);

		const [item] = call.items;
		const { model: _postedModel, ...asTheApiReportsIt } = completedTask(taskId);
		expect(item.json).toEqual(asTheApiReportsIt);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		const binary = item.binary!.data;
		expect(binary.mimeType).toBe('image/png');
		expect(binary.fileName).toBe(`${taskId}_image.png`);
		const bytes = await hook.binaryOf(item, 'data');
		expect(bytes.length).toBe(SIZE);
		expect(bytes.equals(fileBytes(taskId, 'image.png', SIZE))).toBe(true);
	});

	test('binaryPropertyName puts the file in that field; filesystem mode stores it on disk', async () => {
		const hook = await trigger(
			{ verifyWithApi: true, options: { download: true, binaryPropertyName: 'image' } },
			{ binaryDataMode: 'filesystem', credentials: credentials() },
		);
		const taskId = await createTask(hook.webhookUrl, { sim_output_bytes: 4096 });

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		const [item] = call.items;
		expect(Object.keys(item.binary ?? {})).toEqual(['image']);
		expect(item.binary!.image.id).toMatch(/^filesystem/);
		expect((await hook.binaryOf(item, 'image')).equals(fileBytes(taskId, 'image.png', 4096))).toBe(true);
	});

	test('a failed task is emitted without downloading anything', async () => {
		const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl, { sim_outcome: 'fail' });

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		expect(call.items).toHaveLength(1);
		expect(call.items[0].json.status).toBe('failed');
		expect(call.items[0].binary).toBeUndefined();
		expect(sim.stats().filesServed).toBe(0);
	});

	test('a download that keeps failing still emits the task, with download_error', async () => {
		const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
		const taskId = await createTask(hook.webhookUrl);
		sim.failNext({ endpoint: 'file', status: 500, count: 3 });

		expect((await settledCallback(taskId)).status).toBe(200);
		const call = await hook.nextCall();
		expect(call.items).toHaveLength(1);
		expect(call.items[0].json).toMatchObject({ task_id: taskId, status: 'completed' });
		expect(String(call.items[0].json.download_error)).toContain(taskId);
		expect(call.items[0].binary).toBeUndefined();
	});
});

describe('download, with Verify With API off or on', () => {
	/** A server of the user's network that a forged callback names: it counts every request. */
	async function internalServer() {
		const requests: string[] = [];
		const server = http.createServer((req, res) => {
			requests.push(`${req.method} ${req.url}`);
			res.writeHead(200, { 'Content-Type': 'image/png' }).end('secret');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return { url, requests, close: async () => await new Promise((resolve) => server.close(resolve)) };
	}

	test('Download just works with Verify off: the files of the task as the API reports it, never the posted URLs', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ options: { download: true } }, { credentials: credentials() });
			const taskId = await createTask(undefined);
			await taskFinished(taskId);
			const answer = await post(
				hook.webhookUrl,
				JSON.stringify({ task_id: taskId, status: 'completed', output: { image_url: `${internal.url}/x.png` } }),
			);
			const call = await hook.nextCall();

			expect(answer).toEqual({ status: 200, body: { received: true, emitted: true } });
			expect(call.items).toHaveLength(1);
			expect(call.items[0].binary?.data.fileName).toBe(`${taskId}_image.png`);
			expect(call.items[0].json.download_error).toBeUndefined();
			// The emitted task is the API's, the one the file belongs to: not the posted URL.
			expect(call.items[0].json.output).toEqual(completedTask(taskId).output);
			expect(internal.requests).toEqual([]);
		} finally {
			await internal.close();
		}
	});

	test('a forged callback naming an internal URL makes no request to it; the task says why nothing was downloaded', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ options: { download: true } }, { credentials: credentials() });
			const answer = await post(
				hook.webhookUrl,
				JSON.stringify({ task_id: 'forged-0001', status: 'completed', output: { image_url: `${internal.url}/admin/secret.png` } }),
			);
			const call = await hook.nextCall();

			expect(answer.status).toBe(200);
			expect(call.items).toHaveLength(1);
			expect(call.items[0].binary).toBeUndefined();
			expect(String(call.items[0].json.download_error)).toMatch(/^Not downloaded: the task could not be read from the API/);
			await sleep(200);
			expect(internal.requests).toEqual([]);
			expect(logged.some((line) => line.startsWith('warn') && line.includes('forged-0001'))).toBe(true);
		} finally {
			await internal.close();
		}
	});

	test('without a credential nothing is fetched and the task says to select one', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ options: { download: true } });
			await post(
				hook.webhookUrl,
				JSON.stringify({ task_id: 'forged-0002', status: 'completed', output: { image_url: `${internal.url}/x.png` } }),
			);
			const call = await hook.nextCall();
			expect(call.items[0].json.download_error).toBe(notDownloaded(NO_CREDENTIAL));
			await sleep(200);
			expect(internal.requests).toEqual([]);
		} finally {
			await internal.close();
		}
	});

	test('with Verify With API the files of the task as the API reports it are downloaded, not the posted URLs', async () => {
		const internal = await internalServer();
		try {
			const hook = await trigger({ verifyWithApi: true, options: { download: true } }, { credentials: credentials() });
			const taskId = await createTask(undefined);
			await taskFinished(taskId);
			await post(hook.webhookUrl, JSON.stringify({ task_id: taskId, status: 'completed', output: { image_url: `${internal.url}/x.png` } }));
			const call = await hook.nextCall();

			expect(call.items[0].binary?.data.fileName).toBe(`${taskId}_image.png`);
			expect(internal.requests).toEqual([]);
		} finally {
			await internal.close();
		}
	});
});

