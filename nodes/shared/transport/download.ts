import type { IBinaryKeyData, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import type { Task } from './tasks';
import { outputUrls } from './tasks';

type DownloadContext = IExecuteFunctions | IWebhookFunctions;

const EXTENSIONS: Record<string, string> = {
	'video/mp4': 'mp4',
	'video/quicktime': 'mov',
	'video/webm': 'webm',
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'audio/mpeg': 'mp3',
	'audio/mp3': 'mp3',
	'audio/wav': 'wav',
	'audio/x-wav': 'wav',
	'audio/ogg': 'ogg',
	'application/json': 'json',
	'text/plain': 'txt',
	'application/zip': 'zip',
};

/** A file name a later node (Drive, S3, YouTube) can use: the URL's own name, else `<task_id>[_n].<ext>`. */
export function fileNameFor(url: string, mimeType: string | undefined, taskId: string, index: number): string {
	let base = '';
	try {
		base = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
	} catch {
		base = '';
	}
	// Keep the URL's own name, made unique per task when it is generic ("image.png" → "<task_id>_image.png").
	if (/^[^/\\]+\.[a-z0-9]{2,5}$/i.test(base)) return base.includes(taskId) ? base : `${taskId}_${base}`;
	const extension = (mimeType && EXTENSIONS[mimeType.split(';')[0].trim().toLowerCase()]) || 'bin';
	return `${taskId}${index > 0 ? `_${index}` : ''}.${extension}`;
}

/** `data`, `data_1`, `data_2` … for the files of one task. */
export const binaryPropertyFor = (baseName: string, index: number) => (index === 0 ? baseName : `${baseName}_${index}`);

const MAX_ATTEMPTS = 3;

/**
 * n8n refused to store the file (queue mode keeps binary data in the database, at most
 * N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE MiB a file): downloading it again cannot help.
 */
const isStorageLimit = (error: Error) => /exceeds the max size limit/i.test(error.message ?? '');

/**
 * Downloads every output file of a task into n8n binary data, streamed: the response body (Node's
 * http stream, `encoding: 'stream'`) goes straight to `prepareBinaryData`, and n8n's binary data
 * service writes it to its store chunk by chunk in filesystem mode (n8n 2.x: FsByteStore,
 * `fs.writeFile(path, stream)`), so a 500 MB video never sits in memory. What a download costs in
 * RSS is the socket's 64 KiB read buffers waiting for V8's garbage collector (bench: memory-n8n).
 * In database mode (queue mode's default) n8n itself reads the whole stream into one buffer before
 * storing it, up to N8N_BINARY_DATA_DATABASE_MAX_FILE_SIZE: filesystem or S3 mode suits large files.
 * Output URLs point at a CDN, not at the API: the API key is deliberately not sent with them.
 */
export async function downloadOutputs(
	context: DownloadContext,
	task: Task,
	binaryPropertyName: string,
	itemIndex: number,
): Promise<IBinaryKeyData> {
	const binary: IBinaryKeyData = {};
	const urls = outputUrls(task.output);
	for (const [index, url] of urls.entries()) {
		for (let attempt = 1; ; attempt++) {
			try {
				const response = (await context.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					timeout: 0,
				})) as {
					body: Parameters<DownloadContext['helpers']['prepareBinaryData']>[0];
					headers: Record<string, string | undefined>;
				};
				const mimeType = response.headers['content-type']?.split(';')[0].trim() || undefined;
				const fileName = fileNameFor(url, mimeType, task.task_id, index);
				binary[binaryPropertyFor(binaryPropertyName, index)] = await context.helpers.prepareBinaryData(
					response.body,
					fileName,
					mimeType,
				);
				break;
			} catch (error) {
				if (attempt < MAX_ATTEMPTS && !isStorageLimit(error as Error)) {
					await sleep(1000 * attempt);
					continue;
				}
				throw new NodeOperationError(
					context.getNode(),
					`Task ${task.task_id} completed, but downloading its output failed: ${(error as Error).message}`,
					{ itemIndex, description: `Output URL: ${url}. The task's result is still available with Task → Get.` },
				);
			}
		}
	}
	return binary;
}

/**
 * For callbacks, which are acknowledged before downloading: a download that fails must not lose the
 * task, so it is emitted anyway, carrying `download_error`.
 */
export async function downloadKeepingTask(
	context: DownloadContext,
	task: Task,
	binaryPropertyName: string,
	itemIndex: number,
): Promise<{ task: Task; binary?: IBinaryKeyData }> {
	try {
		const binary = await downloadOutputs(context, task, binaryPropertyName, itemIndex);
		return { task, ...(Object.keys(binary).length > 0 ? { binary } : {}) };
	} catch (error) {
		return { task: { ...task, download_error: (error as Error).message } };
	}
}
