/**
 * `options.download`: every output file lands in n8n binary data — the exact bytes the simulator
 * serves, its MIME type, a file name with an extension — under `data`, `data_1` … (or a custom
 * property), inline (default mode) and on disk (filesystem mode); on Generate, Task Get and Task Wait.
 */
import type { IBinaryData, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { fileBytes } from '../../simulator/files.cjs';
import type { Simulator } from '../../simulator/server.cjs';
import type { WorkflowRunResult } from '../../harness/engine.cjs';
import { NODE_NAME, runUnifically, simTask, useSimulator } from './support/fixtures.cjs';

/** Checks `item.binary[property]` holds exactly the simulator's file `name` of the item's task. */
function expectFile(
	sim: Simulator,
	result: WorkflowRunResult,
	item: INodeExecutionData,
	property: string,
	name: string,
	mimeType: string,
	extension: string,
): IBinaryData {
	const taskId = item.json.task_id as string;
	const file = simTask(sim, taskId).planned.files.get(name);
	expect(file).toBeDefined();
	const binary = item.binary?.[property];
	expect(binary).toBeDefined();
	expect(binary!.mimeType).toBe(mimeType);
	expect(binary!.fileName).toMatch(new RegExp(`\\.${extension}$`));
	expect(binary!.fileExtension).toBe(extension);
	const bytes = result.binaryOf(item, property);
	expect(bytes.length).toBe(file!.size);
	expect(bytes.equals(fileBytes(taskId, name, file!.size))).toBe(true);
	return binary!;
}

const nanoBanana = (options: INodeParameters, outputBytes = 100_000): INodeParameters => ({
	resource: 'image',
	operation: 'generate',
	model: 'google/nano-banana',
	prompt: 'A lemon',
	aspectRatio: '1:1',
	additionalFields: { extraInput: JSON.stringify({ sim_output_bytes: outputBytes }) },
	options,
});

describe('Unifically → download outputs into binary data', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	it('Generate with download: one image in `data`, bytes identical, image/png, a .png file name; json unchanged', async () => {
		const result = await runUnifically(sim(), nanoBanana({ download: true }, 100_003));
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(Object.keys(item.binary ?? {})).toEqual(['data']);
		expectFile(sim(), result, item, 'data', 'image.png', 'image/png', 'png');
		expect(item.json).toStrictEqual({
			task_id: item.json.task_id,
			status: 'completed',
			output: simTask(sim(), item.json.task_id).view().output,
			model: 'google/nano-banana',
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(sim().stats().filesServed).toBe(1);
	});

	it('several outputs (Suno: two clips) go to data and data_1, each with its own bytes', async () => {
		const result = await runUnifically(sim(), {
			resource: 'audio',
			operation: 'generate',
			model: 'suno-ai/music',
			mv: 'chirp-v4',
			custom: false,
			prompt: 'a short jingle', // the Song Description in simple mode
			additionalFields: { extraInput: '{"sim_output_bytes": 40000}' },
			options: { download: true },
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['data', 'data_1']);
		const first = expectFile(sim(), result, item, 'data', 'clip_1.mp3', 'audio/mpeg', 'mp3');
		const second = expectFile(sim(), result, item, 'data_1', 'clip_2.mp3', 'audio/mpeg', 'mp3');
		expect(first.fileName).not.toBe(second.fileName);
		expect(result.binaryOf(item, 'data').equals(result.binaryOf(item, 'data_1'))).toBe(false);
	});

	it('a custom binary property name, several items: each item gets its own video and video_1 (Kling O1, count 2)', async () => {
		const result = await runUnifically(
			sim(),
			{
				resource: 'video',
				operation: 'generate',
				model: 'kuaishou/kling-o1-video',
				prompt: '={{ $json.prompt }}',
				additionalFields: { count: 2, extraInput: '{"sim_output_bytes": 30000}' },
				options: { download: true, binaryPropertyName: 'video' },
			},
			{ items: [{ prompt: 'one' }, { prompt: 'two' }] },
		);
		expect(result.status).toBe('success');
		const output = result.outputOf(NODE_NAME);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of output) {
			expect(Object.keys(item.binary ?? {}).sort()).toEqual(['video', 'video_1']);
			expectFile(sim(), result, item, 'video', 'video_1.mp4', 'video/mp4', 'mp4');
			expectFile(sim(), result, item, 'video_1', 'video_2.mp4', 'video/mp4', 'mp4');
		}
		expect(result.binaryOf(output[0], 'video').equals(result.binaryOf(output[1], 'video'))).toBe(false);
		expect(sim().stats().filesServed).toBe(4);
	});

	it('filesystem binary mode: a 3 MB video streamed to disk, identical bytes', async () => {
		const size = 3 * 1024 * 1024 + 123;
		const result = await runUnifically(
			sim(),
			{
				resource: 'video',
				operation: 'generate',
				model: 'google/veo-3.1-fast',
				prompt: 'A long take',
				additionalFields: { extraInput: JSON.stringify({ sim_output_bytes: size }) },
				options: { download: true },
			},
			{ binaryDataMode: 'filesystem' },
		);
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		const binary = expectFile(sim(), result, item, 'data', 'video.mp4', 'video/mp4', 'mp4');
		expect(binary.id).toMatch(/^filesystem(-v2)?:/);
		expect(Number(binary.bytes ?? size)).toBe(size);
		expect(binary.data.length).toBeLessThan(1000); // a reference, not the file inlined
		await result.cleanup();
	});

	it('Task Get and Task Wait download too', async () => {
		const created = await runUnifically(sim(), { ...nanoBanana({}, 7777), operation: 'create' });
		const taskId = created.outputOf(NODE_NAME)[0].json.task_id as string;

		const waited = await runUnifically(sim(), {
			resource: 'task',
			operation: 'wait',
			taskId,
			options: { download: true, binaryPropertyName: 'picture' },
		});
		expect(waited.status).toBe('success');
		const [waitedItem] = waited.outputOf(NODE_NAME);
		expect(waitedItem.json).toMatchObject({ task_id: taskId, status: 'completed' });
		expectFile(sim(), waited, waitedItem, 'picture', 'image.png', 'image/png', 'png');

		const got = await runUnifically(sim(), { resource: 'task', operation: 'get', taskId, options: { download: true } });
		const [gotItem] = got.outputOf(NODE_NAME);
		expectFile(sim(), got, gotItem, 'data', 'image.png', 'image/png', 'png');
	});

	it('by default Generate downloads (no option set), Task Get does not; Download Output Files off turns it off', async () => {
		const generated = await runUnifically(sim(), nanoBanana({}, 50_000));
		expect(generated.status).toBe('success');
		const [item] = generated.outputOf(NODE_NAME);
		expectFile(sim(), generated, item, 'data', 'image.png', 'image/png', 'png');

		const off = await runUnifically(sim(), nanoBanana({ download: false }, 50_000));
		expect(off.outputOf(NODE_NAME)[0].binary).toBeUndefined();

		const got = await runUnifically(sim(), { resource: 'task', operation: 'get', taskId: item.json.task_id as string });
		expect(got.outputOf(NODE_NAME)[0].json).toMatchObject({ task_id: item.json.task_id, status: 'completed' });
		expect(got.outputOf(NODE_NAME)[0].binary).toBeUndefined();
	});

	it('an output without files (Suno lyrics) downloads nothing and still succeeds', async () => {
		const result = await runUnifically(sim(), {
			resource: 'audio',
			operation: 'generate',
			model: 'suno-ai/lyrics',
			prompt: 'about the sea',
			mv: 'remi-v1',
			options: { download: true },
		});
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		expect(item.json.output).toMatchObject({ title: expect.any(String), text: expect.stringContaining('about the sea') });
		expect(item.binary).toBeUndefined();
	});
});

describe('Unifically → download from a bare file server (octet-stream, chunked, no Content-Length)', () => {
	const sim = useSimulator({ taskLatencyMs: 300, minimalFileHeaders: true });

	it('keeps every byte and a file name with the URL extension', async () => {
		const result = await runUnifically(sim(), nanoBanana({ download: true }, 70_001));
		expect(result.status).toBe('success');
		const [item] = result.outputOf(NODE_NAME);
		const taskId = item.json.task_id as string;
		const binary = item.binary!.data;
		expect(binary.fileName).toMatch(/\.png$/);
		const bytes = result.binaryOf(item, 'data');
		expect(bytes.equals(fileBytes(taskId, 'image.png', 70_001))).toBe(true);
	});
});
