/**
 * The example workflows (examples/*.json), run in a real n8n 2.x against the simulator, with this
 * package installed from its `npm pack` tarball into a fresh user folder (`npm install --omit=dev`).
 * Headless: `n8n execute` for the manual ones, `n8n start` for the published trigger. The examples
 * that chain into S3 and Telegram (generate-to-s3, scheduled-batch-to-s3, generate-to-telegram) need
 * those servers: test/e2e/chains.test.cts runs them against local ones; here they are only imported.
 * The two binary-input examples (local-picture-to-video, image-to-video-chain) run here: what was
 * uploaded to the simulator's storage is checked byte for byte against the file it came from.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	EXAMPLES_DIR,
	N8n,
	UNIFICALLY_NODE,
	UNIFICALLY_TRIGGER,
	ensureN8n,
	executionError,
	listExamples,
	loadExample,
	nodeItems,
	nodeError,
	nodeJson,
	packPackage,
	waitFor,
	webhookPathOf,
} from '../../harness/n8n/index.cjs';
import { fileBytes } from '../../simulator/files.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';
import { checkPackageNodes, loadPackageNodeTypes } from './support/workflows.cjs';

const SETUP_TIMEOUT = 20 * 60_000; // the first run installs n8n (minutes); later runs take seconds
const RUN_TIMEOUT = 4 * 60_000;

const TRIGGER_WORKFLOW = 'unifExCbTrigger1';
const CREATE_WORKFLOW = 'unifExCbCreate01';
/**
 * The picture examples/local-picture-to-video.json reads, by a path relative to n8n's working folder
 * (where `npm start` copies it too; N8N_RESTRICT_FILE_ACCESS_TO is that folder).
 */
const PICTURE = 'unifically-picture.png';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('example workflows in a real n8n', () => {
	let tarball: string;
	let sim: Simulator;
	let n8n: N8n;

	beforeAll(async () => {
		await ensureN8n();
		tarball = await packPackage();
		sim = await startTestSimulator();
		n8n = await N8n.create({ tarball, name: 'unifically-examples' });
		await n8n.importUnificallyCredential({ baseUrl: sim.url, apiKey: 'sim-e2e-key' });
		for (const file of listExamples()) await n8n.importWorkflow(loadExample(file));
		await n8n.publishWorkflow(TRIGGER_WORKFLOW);
		fs.copyFileSync(path.join(EXAMPLES_DIR, PICTURE), path.join(n8n.workDir, PICTURE));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
		await sim?.close();
	}, 60_000);

	test('the examples are the ones the README promises', () => {
		expect(listExamples()).toEqual([
			'batch-images.json',
			'callback-create-tasks.json',
			'callback-trigger.json',
			'estimate-cost.json',
			'generate-to-s3.json',
			'generate-to-telegram.json',
			'generate-video.json',
			'image-to-video-chain.json',
			'local-picture-to-video.json',
			'scheduled-batch-to-s3.json',
		]);
	});

	test.each(listExamples())('%s: every parameter is one the node (typeVersion 1) shows', (file) => {
		const workflow = loadExample(file);
		expect(checkPackageNodes(workflow, loadPackageNodeTypes())).toEqual([]);
		for (const node of workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-unifically.'))) {
			if (node.type === UNIFICALLY_NODE || node.parameters.verifyWithApi === true) {
				expect(node.credentials?.unificallyApi).toEqual({ id: 'unifSimulator001', name: 'Unifically (simulator)' });
			}
		}
	});

	test('the callback URL of "Create Tasks" is the trigger\'s production URL', () => {
		const trigger = loadExample('callback-trigger').nodes.find((node) => node.type === UNIFICALLY_TRIGGER)!;
		const [hook] = loadPackageNodeTypes()[UNIFICALLY_TRIGGER].webhooks!;
		const token = String(trigger.parameters.secretToken);
		expect(token).not.toBe('');
		const expected = `http://localhost:5678/webhook/${webhookPathOf(trigger.webhookId!, String(hook.path), hook.isFullPath === true)}?token=${token}`;
		const create = loadExample('callback-create-tasks').nodes.find((node) => node.name === 'Create Tasks')!;
		expect((create.parameters.options as { callbackUrl: string }).callbackUrl).toBe(expected);
	});

	test('npm install --omit=dev puts the package alone into .n8n/nodes', () => {
		// As n8n installs a community package. (No runtime dependencies: package.json's, test/integration/publishing.test.cts.)
		expect(n8n.installedModules()).toEqual(['n8n-nodes-unifically']);
	});

	test('Estimate Cost: prices with a dry run, creates nothing', async () => {
		sim.resetStats();
		const result = await n8n.execute('unifExEstimate01', { timeoutMs: RUN_TIMEOUT });
		expect(executionError(result.run!) ?? result.error).toBeUndefined();
		const priced = nodeJson(result.run!, 'Estimate Cost');
		expect(priced).toHaveLength(1);
		expect(priced[0]).toMatchObject({ model: 'google/veo-3.1-fast', cost: 0.4 });
		expect(sim.stats()).toMatchObject({ dryRuns: 1, creates: 0, spentUsd: 0 });
	}, RUN_TIMEOUT);

	test('Generate Video: waits for the task and downloads the video into binary data', async () => {
		sim.resetStats();
		const result = await n8n.execute('unifExGenVideo01', { timeoutMs: RUN_TIMEOUT });
		expect(result.error).toBeUndefined();
		const [item, ...rest] = nodeItems(result.run!, 'Generate Video');
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({ status: 'completed', model: 'google/veo-3.1-fast' });
		expect(typeof item.json.task_id).toBe('string');
		const binary = item.binary?.data;
		expect(binary?.mimeType).toMatch(/^video\//);
		expect(n8n.readBinary(binary!).length).toBe(sim.config.outputBytes);
		expect(sim.stats()).toMatchObject({ creates: 1, tasksCompleted: 1 });
		expect(sim.stats().spentUsd).toBeCloseTo(0.3, 5);
	}, RUN_TIMEOUT);

	test('batch of images: one image per prompt, each paired with its prompt', async () => {
		sim.resetStats();
		const result = await n8n.execute('unifExImgBatch01', { timeoutMs: RUN_TIMEOUT });
		expect(result.error).toBeUndefined();
		const prompts = nodeJson(result.run!, 'One Item per Prompt').map((json) => json.prompt);
		expect(prompts).toHaveLength(4);
		const items = nodeItems(result.run!, 'Generate Images');
		expect(items).toHaveLength(4);
		items.forEach((item, index) => {
			expect(item.json.status).toBe('completed');
			expect(item.pairedItem).toMatchObject({ item: index });
			expect(item.binary?.data?.mimeType).toMatch(/^image\//);
			expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		});
		expect(new Set(items.map((item) => item.json.task_id)).size).toBe(4);
		expect(sim.stats()).toMatchObject({ creates: 4, tasksCompleted: 4 });
	}, RUN_TIMEOUT);

	test('a picture from disk into a video: Read/Write Files reads it, its exact bytes are uploaded and are the start frame', async () => {
		sim.resetStats();
		const before = new Set(sim.uploads().map((upload) => upload.id));
		const picture = fs.readFileSync(path.join(EXAMPLES_DIR, PICTURE));
		const result = await n8n.execute('unifExLocalPic01', { timeoutMs: RUN_TIMEOUT });
		expect(result.error).toBeUndefined();

		const [read] = nodeItems(result.run!, 'Read Picture');
		expect(read.binary?.data).toMatchObject({ fileName: PICTURE, mimeType: 'image/png' });

		const uploads = sim.uploads().filter((upload) => !before.has(upload.id));
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ fileName: PICTURE, contentType: 'image/png', size: picture.length, sha256: sha256(picture) });

		const [item, ...rest] = nodeItems(result.run!, 'Generate Video');
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({ status: 'completed', model: 'hailuo/minimax-2.3-fast' });
		const task = sim.tasks.get(String(item.json.task_id));
		expect(task?.input).toMatchObject({ start_image_url: uploads[0].url });
		expect(item.binary?.data?.mimeType).toMatch(/^video\//);
		expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		expect(sim.stats()).toMatchObject({ creates: 1, tasksCompleted: 1, uploads: 1 });
	}, RUN_TIMEOUT);

	test('image → video, no URL typed: the generated image, uploaded as it was downloaded, is the video\'s start frame', async () => {
		sim.resetStats();
		const before = new Set(sim.uploads().map((upload) => upload.id));
		const result = await n8n.execute('unifExImgToVid01', { timeoutMs: RUN_TIMEOUT });
		expect(result.error).toBeUndefined();

		const [image, ...moreImages] = nodeItems(result.run!, 'Generate Image');
		expect(moreImages).toHaveLength(0);
		expect(image.json).toMatchObject({ status: 'completed', model: 'google/nano-banana' });
		expect(image.binary?.data?.mimeType).toBe('image/png');
		// The file the simulator served for the image task, as its bytes are generated (simulator/files.cts).
		const imageTask = sim.tasks.get(String(image.json.task_id))!;
		const [served, ...moreFiles] = [...imageTask.planned.files.values()];
		expect(moreFiles).toHaveLength(0);
		const servedSha = sha256(fileBytes(imageTask.id, served.name, served.size));
		expect(sha256(n8n.readBinary(image.binary!.data))).toBe(servedSha);

		const uploads = sim.uploads().filter((upload) => !before.has(upload.id));
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ contentType: 'image/png', size: served.size, sha256: servedSha });

		const [video, ...moreVideos] = nodeItems(result.run!, 'Generate Video');
		expect(moreVideos).toHaveLength(0);
		expect(video.json).toMatchObject({ status: 'completed', model: 'hailuo/minimax-2.3-fast' });
		expect(sim.tasks.get(String(video.json.task_id))?.input).toMatchObject({ start_image_url: uploads[0].url });
		expect(video.binary?.data?.mimeType).toMatch(/^video\//);
		expect(n8n.readBinary(video.binary!.data).length).toBe(sim.config.outputBytes);
		expect(sim.stats()).toMatchObject({ creates: 2, tasksCompleted: 2, uploads: 1 });
	}, RUN_TIMEOUT);

	test('a bad API key: the execution stops with the API\'s message, and the key is nowhere', async () => {
		const credential = await n8n.importUnificallyCredential({
			id: 'unifBadKeyCred01',
			name: 'Unifically (bad key)',
			baseUrl: sim.url,
			apiKey: 'invalid-key',
		});
		const workflow = loadExample('estimate-cost');
		workflow.name += ' (bad key)';
		workflow.nodes.find((node) => node.name === 'Estimate Cost')!.credentials = { unificallyApi: credential };
		const id = await n8n.importWorkflow(workflow, { id: 'unifExBadKey0001' });

		const result = await n8n.execute(id, { timeoutMs: RUN_TIMEOUT });
		expect(result.ok).toBe(false);
		expect(result.code).not.toBe(0);
		const error = nodeError(result.run!, 'Estimate Cost');
		expect(error).toBeDefined();
		expect(`${error!.message} ${error!.description ?? ''}`).toMatch(/invalid api key/i);
		expect(result.stdout + result.stderr).not.toContain('invalid-key');
	}, RUN_TIMEOUT);

	describe('under `n8n start`', () => {
		beforeAll(async () => {
			await n8n.start();
		}, SETUP_TIMEOUT);

		test('n8n lists both Unifically nodes and the credential type', async () => {
			const names = (await n8n.nodeTypes()).map((type) => type.name);
			expect(names).toEqual(expect.arrayContaining([UNIFICALLY_NODE, UNIFICALLY_TRIGGER]));
			const credentials = (await n8n.credentialTypes()).map((type) => type.name);
			expect(credentials).toContain('unificallyApi');
		}, RUN_TIMEOUT);

		test('create-with-callback + published trigger: every result arrives and is saved', async () => {
			const hooks = await n8n.waitForWebhooks(TRIGGER_WORKFLOW);
			expect(hooks.map((hook) => [hook.method, hook.url])).toEqual([
				['POST', `${n8n.baseUrl}/webhook/6505168e-2020-4b35-ba55-7f02e6be4a2f/callback`],
			]);
			sim.resetStats();

			const result = await n8n.execute(CREATE_WORKFLOW, { timeoutMs: RUN_TIMEOUT });
			expect(result.error).toBeUndefined();
			const created = nodeJson(result.run!, 'Create Tasks');
			expect(created).toHaveLength(3);
			for (const task of created) expect(task).toEqual({ task_id: expect.any(String), status: expect.any(String), model: 'google/nano-banana' });

			// Callbacks arriving together come out as the items of one execution (README: The Unifically Trigger).
			const ended = (status: string) => !['new', 'running', 'waiting', 'unknown'].includes(status);
			const executions = await waitFor(
				'the 3 tasks out of the trigger',
				() => {
					const done = n8n.executions({ workflowId: TRIGGER_WORKFLOW, includeData: true }).filter((execution) => ended(execution.status));
					return done.flatMap((execution) => nodeJson(execution.run!, 'Unifically Trigger')).length >= 3 ? done : undefined;
				},
				{ timeoutMs: 90_000, intervalMs: 500 },
			);
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			const received = executions.flatMap((execution) => nodeJson(execution.run!, 'Unifically Trigger'));
			expect(received.map((task) => task.task_id).sort()).toEqual(created.map((task) => task.task_id).sort());
			for (const task of received) expect(task.status).toBe('completed');

			const saved = executions.flatMap((execution) => nodeJson(execution.run!, 'Save Output File'));
			expect(saved).toHaveLength(3);
			for (const { fileName } of saved) expect(fs.statSync(path.join(n8n.workDir, String(fileName))).size).toBe(sim.config.outputBytes);
			expect(sim.stats().callbacks.map((callback) => callback.status)).toEqual([200, 200, 200]);
		}, RUN_TIMEOUT);

		test('the trigger stays published across an n8n restart', async () => {
			await n8n.restart();
			const hooks = await n8n.waitForWebhooks(TRIGGER_WORKFLOW);
			expect(hooks).toHaveLength(1);
			const before = n8n.executions({ workflowId: TRIGGER_WORKFLOW }).length;
			// A failed task the API knows (the trigger verifies each callback with the API).
			const createdTask = await fetch(`${sim.url}/v1/tasks`, {
				method: 'POST',
				headers: { Authorization: 'Bearer sim-e2e-key', 'Content-Type': 'application/json' },
				body: JSON.stringify({ model: 'google/nano-banana', input: { prompt: 'x', aspect_ratio: '1:1', sim_outcome: 'fail', sim_latency_ms: 200 } }),
			});
			const taskId = ((await createdTask.json()) as { data: { task_id: string } }).data.task_id;
			await waitFor('the task to fail', () => sim.tasks.get(taskId)?.status === 'failed', { timeoutMs: 10_000 });
			const failedTask = JSON.stringify({ task_id: taskId, status: 'failed', error: 'simulated failure' });
			// Without the trigger's Secret Token, or with a wrong one: 401, and no execution starts.
			for (const url of [hooks[0].url, `${hooks[0].url}?token=wrong-token`]) {
				const refused = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: failedTask });
				expect(refused.status).toBe(401);
			}
			const response = await fetch(`${hooks[0].url}?token=demo-callback-token`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: failedTask,
			});
			expect(response.status).toBe(200);
			const executions = await n8n.waitForExecutions(TRIGGER_WORKFLOW, before + 1, { timeoutMs: 60_000 });
			expect(executions).toHaveLength(before + 1);
			const last = executions[executions.length - 1];
			expect(nodeJson(last.run!, 'Failed Task')).toEqual([expect.objectContaining({ failed_task_id: taskId, status: 'failed' })]);
		}, RUN_TIMEOUT);
	});
});
