/**
 * Outputs chained into storage and social nodes, in a real n8n with the packed package: the example
 * workflows examples/generate-to-s3.json, scheduled-batch-to-s3.json and generate-to-telegram.json,
 * run as a user imports them, with their S3 and Telegram credentials pointed at local servers
 * (test/e2e/support/s3.cts: S3-compatible, SigV4-verified; support/telegram.ts: a Bot API recorder
 * that parses the multipart upload). Every file that arrives is compared byte for byte with the
 * simulator's, with its file name and content type.
 *
 * n8n 2.41.1 (filesystem binary data, as the other suites), including a 200 MiB video through the
 * S3 chain; then the S3 chain on n8n 1.123.81. Queue mode's database mode with a large file is a
 * scene of test/e2e/queue-mode.test.cts (one cluster per run).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { fileBytes, fileStream } from '../../simulator/files.cjs';
import {
	EXAMPLES_DIR,
	N8N_LEGACY_VERSION,
	N8n,
	ensureN8n,
	loadExample,
	nodeError,
	nodeItems,
	packPackage,
	type ExecuteResult,
	type Item,
	type WorkflowJson,
} from '../../harness/n8n/index.cjs';
import { startS3Server, type S3Server } from './support/s3.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';
import { startTelegramRecorder, type TelegramRecorder } from './support/telegram.cjs';
import { checkPackageNodes } from './support/workflows.cjs';

const SETUP_TIMEOUT = 20 * 60_000;
const RUN_TIMEOUT = 5 * 60_000;
const BUCKET = 'unifically-outputs';
/** The large output: at least 200 MiB (issue 21). */
const LARGE_BYTES = 200 * 1024 * 1024;
const PROMPTS_CSV = 'unifically-prompts.csv';

/** Import the credentials the examples name (ids and names as in examples/*.json), pointed at the local servers. */
async function importChainCredentials(n8n: N8n, sim: Simulator, s3: S3Server, telegram?: TelegramRecorder): Promise<void> {
	await n8n.importUnificallyCredential({ baseUrl: sim.url });
	await n8n.importCredentials([
		{
			id: 'unifExampleS3001',
			name: 'S3 (your bucket)',
			type: 's3',
			data: { endpoint: s3.url, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true },
		},
		...(telegram
			? [{ id: 'unifExampleTgm01', name: 'Telegram bot', type: 'telegramApi', data: { accessToken: telegram.token, baseUrl: telegram.url } }]
			: []),
	]);
}

function expectOk(result: ExecuteResult): void {
	if (!result.ok) throw new Error(`execution failed: ${JSON.stringify(result.error)}\n${result.stderr.slice(-3000)}`);
}

/** What the simulator served for a task's output file, the way the node names it. */
function expectedFile(item: Item, fileName: string, size: number) {
	const taskId = String(item.json.task_id);
	return { taskId, fileName: `${taskId}_${fileName}`, bytes: fileBytes(taskId, fileName, size) };
}

/** The S3 chain: Generate Video → Upload to S3; the object is the simulator's file, name and type kept. */
async function runS3Chain(n8n: N8n, sim: Simulator, s3: S3Server): Promise<void> {
	s3.reset();
	sim.resetStats();
	const result = await n8n.execute('unifExGenToS3001', { timeoutMs: RUN_TIMEOUT });
	expectOk(result);
	const [generated] = nodeItems(result.run!, 'Generate Video');
	expect(generated.json).toMatchObject({ status: 'completed', model: 'google/veo-3.1-fast' });
	expect(nodeItems(result.run!, 'Upload to S3').map((item) => item.json)).toEqual([{ success: true }]);
	const expected = expectedFile(generated, 'video.mp4', sim.config.outputBytes);
	expect(generated.binary?.data).toMatchObject({ fileName: expected.fileName, mimeType: 'video/mp4' });
	expect([...s3.objects.keys()]).toEqual([`${BUCKET}/unifically/${expected.fileName}`]);
	const object = s3.object(BUCKET, `unifically/${expected.fileName}`)!;
	expect(object.contentType).toBe('video/mp4');
	expect(s3.readObject(BUCKET, object.key).equals(expected.bytes)).toBe(true);
	// Every request n8n sent was signed with the credential's keys (the server verifies SigV4).
	expect(s3.requests.filter((request) => request.status >= 400)).toEqual([]);
	expect(s3.requests.map((request) => request.method)).toEqual(['GET', 'PUT']); // GetBucketLocation, PutObject
	expect(sim.stats()).toMatchObject({ creates: 1, filesServed: 1 });
}

describe('chains in a real n8n 2.41.1: Unifically → S3, Telegram (examples/, local servers)', () => {
	let sim: Simulator;
	let s3: S3Server;
	let telegram: TelegramRecorder;
	let n8n: N8n;

	beforeAll(async () => {
		await ensureN8n();
		const tarball = await packPackage();
		[sim, s3, telegram] = await Promise.all([startTestSimulator(), startS3Server({ buckets: [BUCKET] }), startTelegramRecorder()]);
		n8n = await N8n.create({ tarball, name: 'unifically-chains' });
		await importChainCredentials(n8n, sim, s3, telegram);
		// The scheduled batch reads its prompts from n8n's working folder, as `npm start` puts them in .demo/.
		fs.copyFileSync(path.join(EXAMPLES_DIR, PROMPTS_CSV), path.join(n8n.workDir, PROMPTS_CSV));
		const examples = ['generate-to-s3', 'scheduled-batch-to-s3', 'generate-to-telegram'].map((name) => loadExample(name));
		expect(examples.flatMap((workflow) => checkPackageNodes(workflow))).toEqual([]);
		// Variants: the batch with a guard its cost exceeds, and the S3 chain with a 200 MiB video.
		const guarded = variant(examples[1], 'unifExSchedBat02', 'Generate Images', (parameters) => {
			(parameters.options as Record<string, unknown>).maxTotalCost = 0.05;
		});
		const large = variant(examples[0], 'unifExGenToS3Big', 'Generate Video', (parameters) => {
			parameters.additionalFields = { ...(parameters.additionalFields as object | undefined), extraInput: JSON.stringify({ sim_output_bytes: LARGE_BYTES }) };
		});
		expect(checkPackageNodes(large)).toEqual([]);
		// The batch on its Schedule Trigger, every 5 s instead of at 06:00, for the published run.
		const scheduled = variant(examples[1], 'unifExSchedBat03', 'Every Morning', (parameters) => {
			parameters.rule = { interval: [{ field: 'seconds', secondsInterval: 5 }] };
		});
		await n8n.importWorkflows([...examples, guarded, large, scheduled]);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
		await Promise.all([sim?.close(), s3?.close(), telegram?.close()]);
	}, 60_000);

	function variant(workflow: WorkflowJson, id: string, nodeName: string, change: (parameters: Record<string, unknown>) => void): WorkflowJson {
		const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
		copy.id = id;
		copy.name = `${copy.name} (${id})`;
		change(copy.nodes.find((node) => node.name === nodeName)!.parameters);
		return copy;
	}

	test('generate → S3 (examples/generate-to-s3.json): the object is the simulator\'s file, with its name and content type', async () => {
		await runS3Chain(n8n, sim, s3);
	}, RUN_TIMEOUT);

	test('the local servers check what they are sent: S3 refuses a wrong signature or body, Telegram a wrong token', async () => {
		// Signed as n8n's S3 node signs (aws4, the copy n8n ships), with the right and a wrong secret.
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const aws4 = require(path.join(n8n.installDir, 'node_modules/aws4')) as {
			sign: (request: Record<string, unknown>, credentials: { accessKeyId: string; secretAccessKey: string }) => { headers: Record<string, string> };
		};
		const put = async (secretAccessKey: string, body: string, sentBody = body) => {
			const host = new URL(s3.url).host;
			const signed = aws4.sign({ host, method: 'PUT', path: `/${BUCKET}/probe.txt`, service: 's3', region: s3.region, body, headers: { 'Content-Type': 'text/plain' } }, { accessKeyId: s3.accessKeyId, secretAccessKey });
			const headers = { ...signed.headers };
			delete headers.Host;
			delete headers['Content-Length'];
			const response = await fetch(`${s3.url}/${BUCKET}/probe.txt`, { method: 'PUT', headers, body: sentBody });
			return { status: response.status, text: await response.text() };
		};
		s3.reset();
		expect(await put(s3.secretAccessKey, 'hello')).toEqual({ status: 200, text: '' });
		expect(s3.readObject(BUCKET, 'probe.txt').toString()).toBe('hello');
		const wrongSecret = await put('not-the-secret', 'hello');
		expect(wrongSecret.status).toBe(403);
		expect(wrongSecret.text).toContain('SignatureDoesNotMatch');
		const otherBody = await put(s3.secretAccessKey, 'hello', 'HELLO');
		expect(otherBody.status).toBe(400);
		expect(otherBody.text).toContain('XAmzContentSHA256Mismatch');
		s3.reset();

		const refusedBefore = telegram.refused.length;
		const wrongToken = await fetch(`${telegram.url}/bot123:wrong/sendMessage`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ chat_id: 1, text: 'x' }),
		});
		expect(wrongToken.status).toBe(401);
		expect(telegram.refused.slice(refusedBefore)).toEqual(['wrong token on sendMessage']);
		telegram.refused.length = 0;
	});

	test('scheduled batch (examples/scheduled-batch-to-s3.json): prompts from the CSV file → one image each → S3; over the spending guard nothing is created', async () => {
		s3.reset();
		sim.resetStats();
		const prompts = fs.readFileSync(path.join(EXAMPLES_DIR, PROMPTS_CSV), 'utf8').trim().split('\n').slice(1).map((line) => line.replace(/^"|"$/g, ''));
		expect(prompts.length).toBeGreaterThanOrEqual(3);
		const result = await n8n.execute('unifExSchedBat01', { timeoutMs: RUN_TIMEOUT });
		expectOk(result);
		const generated = nodeItems(result.run!, 'Generate Images');
		expect(generated.map((item) => sim.tasks.get(String(item.json.task_id))?.input.prompt)).toEqual(prompts);
		expect(nodeItems(result.run!, 'Upload to S3')).toHaveLength(prompts.length);
		for (const item of generated) {
			const expected = expectedFile(item, 'image.png', sim.config.outputBytes);
			const object = s3.object(BUCKET, `batch/${expected.fileName}`);
			expect(object?.contentType).toBe('image/png');
			expect(s3.readObject(BUCKET, `batch/${expected.fileName}`).equals(expected.bytes)).toBe(true);
		}
		expect(s3.objects.size).toBe(prompts.length);
		// Priced with free dry runs first (the guard is on), then created.
		expect(sim.stats()).toMatchObject({ dryRuns: prompts.length, creates: prompts.length });
		const spent = sim.stats().spentUsd;
		expect(spent).toBeGreaterThan(0.05);
		expect(spent).toBeLessThanOrEqual(1);

		// The same batch with Max Total Cost below its price: the node stops before creating anything.
		s3.reset();
		sim.resetStats();
		const guarded = await n8n.execute('unifExSchedBat02', { timeoutMs: RUN_TIMEOUT });
		expect(guarded.ok).toBe(false);
		const error = nodeError(guarded.run!, 'Generate Images');
		expect(`${error?.message} ${error?.description ?? ''}`).toMatch(/0\.05/);
		expect(sim.stats()).toMatchObject({ creates: 0, spentUsd: 0 });
		expect(s3.objects.size).toBe(0);
	}, RUN_TIMEOUT);

	test('generate → Telegram (examples/generate-to-telegram.json): send video, photo and audio upload the simulator\'s files with name and type', async () => {
		telegram.calls.length = 0;
		telegram.refused.length = 0;
		sim.resetStats();
		const result = await n8n.execute('unifExGenToTgm01', { timeoutMs: RUN_TIMEOUT });
		expectOk(result);
		expect(telegram.refused).toEqual([]);
		const cases = [
			{ generate: 'Generate Video', send: 'Send Video', method: 'sendVideo', field: 'video', file: 'video.mp4', type: 'video/mp4' },
			{ generate: 'Generate Image', send: 'Send Photo', method: 'sendPhoto', field: 'photo', file: 'image.png', type: 'image/png' },
			{ generate: 'Generate Voice-over', send: 'Send Audio', method: 'sendAudio', field: 'audio', file: 'audio.mp3', type: 'audio/mpeg' },
		];
		expect(telegram.calls.map((call) => call.method).sort()).toEqual(cases.map((entry) => entry.method).sort());
		for (const entry of cases) {
			const [generated] = nodeItems(result.run!, entry.generate);
			const expected = expectedFile(generated, entry.file, sim.config.outputBytes);
			const call = telegram.calls.find((candidate) => candidate.method === entry.method)!;
			expect(call.contentType).toMatch(/^multipart\/form-data; boundary=/);
			expect(call.fields.chat_id).toBe('123456789');
			expect(call.file).toMatchObject({ field: entry.field, fileName: expected.fileName, contentType: entry.type });
			expect(call.file!.bytes.equals(expected.bytes)).toBe(true);
			// The node got the Bot API's answer (the message it sent).
			const [sent] = nodeItems(result.run!, entry.send);
			expect(sent.json).toMatchObject({ ok: true, result: { chat: { id: 123456789 } } });
		}
	}, RUN_TIMEOUT);

	test('the scheduled batch published: its Schedule Trigger starts the same run (CSV → images → S3) under `n8n start`', async () => {
		s3.reset();
		sim.resetStats();
		await n8n.start();
		try {
			await n8n.activateWorkflow('unifExSchedBat03');
			const [execution] = await n8n.waitForExecutions('unifExSchedBat03', 1, { timeoutMs: 90_000 });
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('trigger');
			expect(execution.run!.data.resultData.runData['Every Morning']).toHaveLength(1);
			const generated = nodeItems(execution.run!, 'Generate Images');
			expect(generated).toHaveLength(3);
			for (const item of generated) {
				const expected = expectedFile(item, 'image.png', sim.config.outputBytes);
				expect(s3.readObject(BUCKET, `batch/${expected.fileName}`).equals(expected.bytes)).toBe(true);
			}
		} finally {
			await n8n.stop();
		}
	}, RUN_TIMEOUT);

	test(`a ${LARGE_BYTES / 1024 / 1024} MiB video through the S3 chain, binary data in filesystem mode: the same bytes arrive`, async () => {
		s3.reset();
		sim.resetStats();
		const result = await n8n.execute('unifExGenToS3Big', { timeoutMs: RUN_TIMEOUT });
		expectOk(result);
		const [generated] = nodeItems(result.run!, 'Generate Video');
		const taskId = String(generated.json.task_id);
		expect(generated.binary?.data?.id).toMatch(/^filesystem/);
		expect(generated.binary?.data).toMatchObject({ fileName: `${taskId}_video.mp4`, mimeType: 'video/mp4' });
		const object = s3.object(BUCKET, `unifically/${taskId}_video.mp4`);
		expect(object).toMatchObject({ size: LARGE_BYTES, contentType: 'video/mp4' });
		const expectedHash = createHash('sha256');
		for await (const chunk of fileStream(taskId, 'video.mp4', LARGE_BYTES)) expectedHash.update(chunk as Buffer);
		expect(object!.sha256).toBe(expectedHash.digest('hex'));
		expect(sim.stats()).toMatchObject({ creates: 1, filesServed: 1 });
	}, RUN_TIMEOUT);
});

describe(`chains in n8n ${N8N_LEGACY_VERSION}: Unifically → S3`, () => {
	let sim: Simulator;
	let s3: S3Server;
	let n8n: N8n;

	beforeAll(async () => {
		await ensureN8n(N8N_LEGACY_VERSION);
		const tarball = await packPackage();
		[sim, s3] = await Promise.all([startTestSimulator(), startS3Server({ buckets: [BUCKET] })]);
		n8n = await N8n.create({ version: N8N_LEGACY_VERSION, tarball, name: 'unifically-chains-1x' });
		await importChainCredentials(n8n, sim, s3);
		await n8n.importWorkflow(loadExample('generate-to-s3'));
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
		await Promise.all([sim?.close(), s3?.close()]);
	}, 60_000);

	test('generate → S3 (examples/generate-to-s3.json): the object is the simulator\'s file, with its name and content type', async () => {
		await runS3Chain(n8n, sim, s3);
	}, RUN_TIMEOUT);
});
