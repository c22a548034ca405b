/**
 * Files from the workflow as model inputs (Input Type: Binary File) and File → Upload, in n8n-core's
 * engine against the simulator over real HTTP: each binary field is uploaded to the credential's
 * Upload URL (streamed from n8n's binary store in filesystem mode, from the inline buffer in default
 * mode), its URL goes into the task's input, and every failure of an upload stops that item before
 * anything is created, naming the item and the field.
 */
import { createHash } from 'node:crypto';

import type { INodeParameters } from 'n8n-workflow';

import {
	API_KEY,
	NODE_NAME,
	patternBytes,
	receivedInput,
	runUnifically,
	tasksOfThisTest,
	uploadsOfThisTest,
	useRetryBackoff,
	useSimulator,
	type BinaryItemSpec,
} from './support/fixtures.cjs';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const photo = (seed: string, bytes = 50_000, fileName = `${seed}.png`) => ({ fileName, mimeType: 'image/png', seed, bytes });

/** Hailuo 2.3 Fast: image-to-video, its start image required. */
const imageToVideo = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'video',
	operation: 'generate',
	model: 'hailuo/minimax-2.3-fast',
	prompt: 'The cat walks',
	inputType: 'binary',
	startImageBinaryField: 'data',
	options: { download: false },
	...extra,
});

describe('Input Type: Binary File → uploaded, then created', () => {
	const sim = useSimulator({ taskLatencyMs: 200 });
	useRetryBackoff({ baseMs: 20, maxMs: 100 });

	for (const mode of ['default', 'filesystem'] as const) {
		it(`${mode} mode: the start image is uploaded once (bytes, name and type kept) and its URL is the task's start_image_url`, async () => {
			const items: BinaryItemSpec[] = [{ binary: { data: photo(`cat-${mode}`, 300_001, 'cat photo.png') } }];
			const result = await runUnifically(sim(), imageToVideo(), { binaryItems: items, binaryDataMode: mode });
			expect(result.error).toBeUndefined();
			const [item] = result.outputOf(NODE_NAME);
			expect(item.json.status).toBe('completed');
			const uploads = uploadsOfThisTest(sim());
			expect(uploads).toHaveLength(1);
			expect(uploads[0]).toMatchObject({ fileName: 'cat photo.png', contentType: 'image/png', size: 300_001 });
			expect(uploads[0].sha256).toBe(sha256(patternBytes(`cat-${mode}`, 300_001)));
			expect(receivedInput(sim(), item.json.task_id)).toEqual({ prompt: 'The cat walks', start_image_url: uploads[0].url });
		});
	}

	it('a list input takes several binary fields, in order (Nano Banana image_urls from "data, data_1")', async () => {
		const result = await runUnifically(
			sim(),
			{ resource: 'image', operation: 'create', model: 'google/nano-banana', prompt: 'Merge them', inputType: 'binary', additionalFields: { imageBinaryFields: 'data, data_1' } },
			{ binaryItems: [{ binary: { data: photo('first'), data_1: photo('second', 20_000, 'second.jpg') } }], binaryDataMode: 'filesystem' },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		const byName = new Map(uploadsOfThisTest(sim()).map((upload) => [upload.fileName, upload]));
		expect(receivedInput(sim(), item.json.task_id).image_urls).toEqual([byName.get('first.png')!.url, byName.get('second.jpg')!.url]);
		expect(byName.get('second.jpg')!.sha256).toBe(sha256(patternBytes('second', 20_000)));
	});

	it('the same binary field used twice in one item is uploaded once (Veo start and end frame)', async () => {
		const result = await runUnifically(
			sim(),
			{
				resource: 'video',
				operation: 'create',
				model: 'google/veo-3.1-fast',
				prompt: 'A loop',
				inputType: 'binary',
				additionalFields: { startImageBinaryField: 'data', endImageBinaryField: 'data' },
			},
			{ binaryItems: [{ binary: { data: photo('loop') } }] },
		);
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(uploadsOfThisTest(sim())).toHaveLength(1);
		const input = receivedInput(sim(), item.json.task_id);
		expect(input.start_image_url).toBe(uploadsOfThisTest(sim())[0].url);
		expect(input.end_image_url).toBe(uploadsOfThisTest(sim())[0].url);
	});

	it('a batch: each item its own file, at most 3 uploads at a time, every task with its own image', async () => {
		const items: BinaryItemSpec[] = Array.from({ length: 12 }, (_, index) => ({ binary: { data: photo(`frame-${index}`, 200_000) } }));
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: items, binaryDataMode: 'filesystem' });
		expect(result.error).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		expect(output).toHaveLength(12);
		const stats = sim().stats();
		expect(stats.uploads).toBe(12);
		expect(stats.peakUploadsInFlight).toBeLessThanOrEqual(3);
		const urlBySha = new Map(uploadsOfThisTest(sim()).map((upload) => [upload.sha256, upload.url]));
		output.forEach((item, index) => {
			expect(item.pairedItem).toEqual({ item: index });
			expect(receivedInput(sim(), item.json.task_id).start_image_url).toBe(urlBySha.get(sha256(patternBytes(`frame-${index}`, 200_000))));
		});
	});

	it('a model reading a URL on the upload host that was never uploaded fails its task', async () => {
		const result = await runUnifically(sim(), { ...imageToVideo(), inputType: 'url', startImageUrl: `${sim().url}/uploads/nope/missing.png` });
		const [item] = result.outputOf(NODE_NAME) ?? [];
		expect(result.error?.message ?? item?.json.error).toMatch(/failed/i);
		expect(sim().stats().creates).toBe(1);
	});

	it('Estimate Cost uploads nothing: the dry run names each file by a placeholder URL', async () => {
		const result = await runUnifically(sim(), { ...imageToVideo(), operation: 'estimateCost' }, { binaryItems: [{ binary: { data: photo('priced') } }] });
		expect(result.error).toBeUndefined();
		const [item] = result.outputOf(NODE_NAME);
		expect(typeof item.json.cost).toBe('number');
		expect(sim().stats().uploads).toBe(0);
		expect(sim().stats().dryRuns).toBe(1);
		expect(sim().stats().creates).toBe(0);
	});

	it('Max Total Cost prices before any upload: over the limit, nothing is uploaded or created', async () => {
		const result = await runUnifically(sim(), imageToVideo({ options: { maxTotalCost: 0.01 } }), { binaryItems: [{ binary: { data: photo('costly') } }] });
		expect(result.error?.message).toMatch(/over Max Total Cost/);
		expect(sim().stats().uploads).toBe(0);
		expect(sim().stats().creates).toBe(0);
	});
});

describe('Input Type: Binary File → bad input and failing uploads stop the item before any create', () => {
	const sim = useSimulator({ taskLatencyMs: 200 });
	useRetryBackoff({ baseMs: 20, maxMs: 100 });

	it('a missing binary field: an error naming the parameter, the field and the fields the item has; no request at all', async () => {
		const result = await runUnifically(sim(), imageToVideo({ startImageBinaryField: 'photo' }), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error?.message).toBe('Parameter "Start Image Binary Field" (startImageBinaryField): the item has no binary field "photo"');
		expect(String((result.error as { description?: string }).description)).toContain('Its binary fields: data');
		expect(sim().stats().requests).toBe(0);
	});

	it('an item without binary data says so; an empty file is refused before any request', async () => {
		const none = await runUnifically(sim(), imageToVideo(), { items: [{}] });
		expect(none.error?.message).toMatch(/no binary field "data"/);
		expect(String((none.error as { description?: string }).description)).toMatch(/carries no binary data/);
		const empty = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: { fileName: 'empty.png', mimeType: 'image/png', base64: '' } } }] });
		expect(empty.error?.message).toMatch(/empty file/);
		expect(sim().stats().requests).toBe(0);
	});

	it('a required binary field left empty is named; more files than the model takes are refused', async () => {
		// Left empty in the form, n8n itself refuses to run (the field carries n8n's `required`)…
		await expect(runUnifically(sim(), imageToVideo({ startImageBinaryField: '' }), { binaryItems: [{ binary: { data: photo('x') } }] })).rejects.toThrow(
			/Parameter "Start Image Binary Field" is required/,
		);
		// …and an expression that resolves to nothing is named by the node.
		const result = await runUnifically(sim(), imageToVideo({ startImageBinaryField: '={{ "" }}' }), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error?.message).toBe('Parameter "Start Image Binary Field" (startImageBinaryField) is required');
		const tooMany = await runUnifically(
			sim(),
			{ resource: 'image', operation: 'create', model: 'higgsfield-ai/cinematic-studio-image', prompt: 'x', inputType: 'binary', additionalFields: { imageBinaryFields: 'a,b,c,d,e' } },
			{ binaryItems: [{ binary: { a: photo('a'), b: photo('b'), c: photo('c'), d: photo('d'), e: photo('e') } }] },
		);
		expect(tooMany.error?.message).toMatch(/takes at most 4 files \(got 5\)/);
		expect(sim().stats().requests).toBe(0);
	});

	it('upload refused (401): the error names the item and the field, and nothing is created', async () => {
		sim().failNext({ endpoint: 'upload', status: 401, message: 'Invalid API key' });
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error?.message).toMatch(/^Item 0: uploading the binary field "data" \(startImageBinaryField\) failed: refused with HTTP 401: Invalid API key/);
		expect(sim().stats().creates).toBe(0);
	});

	it('upload refused with success:false: its message, no retry, no create', async () => {
		sim().failNext({ endpoint: 'upload', status: 200, message: 'Unsupported file type' });
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error?.message).toMatch(/refused: Unsupported file type/);
		expect(sim().stats().creates).toBe(0);
		expect(sim().stats().uploads).toBe(0);
	});

	it('413: refused as too large', async () => {
		sim().failNext({ endpoint: 'upload', status: 413, message: 'File too large' });
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error?.message).toMatch(/HTTP 413: File too large \(the file is too large/);
	});

	it('upload unavailable for a while (500, a gateway page, a dropped connection): retried, then created', async () => {
		sim().failNext([
			{ endpoint: 'upload', status: 500 },
			{ endpoint: 'upload', status: 502, body: '<html><body>Bad Gateway</body></html>' },
			{ endpoint: 'upload', status: 0 },
		]);
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: photo('retry', 100_000) } }], binaryDataMode: 'filesystem' });
		expect(result.error).toBeUndefined();
		expect(sim().stats().uploads).toBe(1);
		expect(uploadsOfThisTest(sim())[0].sha256).toBe(sha256(patternBytes('retry', 100_000)));
		expect(sim().stats().creates).toBe(1);
	});

	it('upload unavailable every time: a clear error after 6 attempts, nothing created', async () => {
		sim().failNext({ endpoint: 'upload', status: 503, body: '<html>Service Unavailable</html>', count: 6 });
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error?.message).toMatch(/the upload service is unavailable \(HTTP 503: <html>Service Unavailable<\/html>\) after 6 attempts/);
		expect(sim().stats().creates).toBe(0);
	});

	it("a 429 is waited out for its Retry-After, then the upload goes through", async () => {
		sim().failNext({ endpoint: 'upload', status: 429, retryAfterSeconds: 1 });
		const started = Date.now();
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: [{ binary: { data: photo('x') } }] });
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
		expect(sim().stats().uploads).toBe(1);
	});

	it('Continue On Fail: the item whose upload failed comes out with its error, the others are created', async () => {
		const items: BinaryItemSpec[] = [{ binary: { data: photo('a') } }, { binary: { other: photo('b') } }, { binary: { data: photo('c') } }];
		const result = await runUnifically(sim(), imageToVideo(), { binaryItems: items, continueOnFail: true });
		expect(result.error).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.json.status ?? 'error')).toEqual(['completed', 'error', 'completed']);
		expect(output[1].json.error).toMatch(/no binary field "data"/);
		expect(tasksOfThisTest(sim())).toHaveLength(2);
	});

	it('the key goes to the upload URL as a bearer token (a wrong key is refused there)', async () => {
		// Check Balance First off: the upload is the first request, so the upload URL judges the key.
		const result = await runUnifically(sim(), imageToVideo({ options: { download: false, checkBalance: false } }), {
			binaryItems: [{ binary: { data: photo('x') } }],
			apiKey: 'invalid-key',
		});
		expect(result.error?.message).toMatch(/HTTP 401/);
		expect(sim().stats().uploads).toBe(0);
		expect(API_KEY).not.toBe('invalid-key');
	});
});

describe('File → Upload', () => {
	const sim = useSimulator({ taskLatencyMs: 200 });

	it('uploads each item\'s file and returns file_url, file_name, mime_type and size', async () => {
		const items: BinaryItemSpec[] = [{ binary: { data: photo('one', 1234, 'one.png') } }, { binary: { data: { fileName: 'two.mp3', mimeType: 'audio/mpeg', seed: 'two', bytes: 4321 } } }];
		const result = await runUnifically(sim(), { resource: 'file', operation: 'upload', binaryPropertyName: 'data' }, { binaryItems: items, binaryDataMode: 'filesystem' });
		expect(result.error).toBeUndefined();
		const output = result.outputOf(NODE_NAME);
		const uploads = new Map(uploadsOfThisTest(sim()).map((upload) => [upload.fileName, upload]));
		expect(output.map((item) => item.json)).toEqual([
			{ file_url: uploads.get('one.png')!.url, file_name: 'one.png', mime_type: 'image/png', size: 1234 },
			{ file_url: uploads.get('two.mp3')!.url, file_name: 'two.mp3', mime_type: 'audio/mpeg', size: 4321 },
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(uploads.get('two.mp3')!.sha256).toBe(sha256(patternBytes('two', 4321)));
	});

	it('a missing field fails the item (Continue On Fail: an error item, the others uploaded)', async () => {
		const items: BinaryItemSpec[] = [{ binary: { other: photo('x') } }, { binary: { data: photo('y') } }];
		const result = await runUnifically(sim(), { resource: 'file', operation: 'upload', binaryPropertyName: 'data' }, { binaryItems: items, continueOnFail: true });
		const output = result.outputOf(NODE_NAME);
		expect(output[0].json.error).toMatch(/data/);
		expect(output[1].json.file_url).toBe(uploadsOfThisTest(sim())[0].url);
	});
});
