import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import {
	backoffMs,
	CancelledError,
	connectionOf,
	CREDENTIAL_TYPE,
	networkErrorCode,
	retryAfterMs,
	type CancelSignal,
} from './index';

/** What Unifically's storage keeps of one file: its URL, for a model's input, and what it was. */
export interface UploadedFile {
	file_url: string;
	file_name: string;
	mime_type: string;
	size: number;
}

/**
 * The upload host's limits are not documented: each n8n process sends at most this many uploads to
 * it at once, so a batch of a hundred items never floods it.
 */
const UPLOADS_AT_ONCE = 3;
const MAX_ATTEMPTS = 6;
/** Chunks read from n8n's binary store while streaming (filesystem, S3 and database modes). */
const CHUNK_BYTES = 256 * 1024;

/** A per-upload-URL gate: a few uploads at a time, and everyone waits out a 429's Retry-After. */
class UploadGate {
	private running = 0;
	private readonly waiting: Array<() => void> = [];
	pausedUntil = 0;

	async enter(): Promise<void> {
		if (this.running < UPLOADS_AT_ONCE) {
			this.running++;
		} else {
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		const pause = this.pausedUntil - Date.now();
		if (pause > 0) await sleep(pause);
	}

	leave(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.running--;
	}
}

const gates = new Map<string, UploadGate>();
const gateFor = (uploadUrl: string) => {
	let gate = gates.get(uploadUrl);
	if (!gate) gates.set(uploadUrl, (gate = new UploadGate()));
	return gate;
};

interface UploadResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** `filename="…"` safe for a multipart header, plus the RFC 5987 form when the name is not ASCII. */
function dispositionOf(fileName: string): string {
	const plain = fileName.replace(/[\r\n"\\]/g, '_');
	const ascii = plain.replace(/[^\x20-\x7e]/g, '_');
	return `form-data; name="file"; filename="${ascii}"${ascii === plain ? '' : `; filename*=UTF-8''${encodeURIComponent(fileName)}`}`;
}

type Answer = { fileUrl: string } | { refused: string } | { unavailable: string };

/** The upload's answer: `{success: true, file_url}`, a refusal (final), or the service unavailable (retried). */
function readAnswer(response: UploadResponse): Answer {
	const { statusCode } = response;
	let body = response.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			// An HTML page (a gateway's error) or plain text: judged below by its status.
		}
	}
	const answer = (typeof body === 'object' && body !== null ? body : {}) as { success?: unknown; file_url?: unknown; message?: unknown };
	const message =
		typeof answer.message === 'string' && answer.message
			? answer.message
			: typeof body === 'string' && body.trim()
				? body.trim().replace(/\s+/g, ' ').slice(0, 200)
				: `HTTP ${statusCode}`;
	if (statusCode >= 200 && statusCode < 300) {
		if (answer.success !== false && typeof answer.file_url === 'string' && /^https?:\/\//i.test(answer.file_url)) return { fileUrl: answer.file_url };
		if (answer.success === false) return { refused: `refused: ${message}` };
		return { unavailable: `no file_url in the answer (HTTP ${statusCode}: ${message})` };
	}
	if (statusCode >= 500 || statusCode === 408 || statusCode === 429) return { unavailable: `HTTP ${statusCode}: ${message}` };
	const hint =
		statusCode === 401 || statusCode === 403
			? ' (check the API key, and the Upload URL of the Unifically credential)'
			: statusCode === 413
				? ' (the file is too large for the upload service)'
				: '';
	return { refused: `refused with HTTP ${statusCode}: ${message}${hint}` };
}

/**
 * Uploads one binary field of an item to Unifically's storage and returns its URL. The file is
 * streamed from n8n's binary store (filesystem, S3, database modes) inside a multipart body, so a
 * large video never sits in memory; inline binary data (n8n's default mode) is sent from its buffer.
 * Unavailable answers are retried with the status reads' backoff, a 429 after its Retry-After; an
 * upload creates and charges nothing, so retrying it is safe. The key goes only to the credential's
 * Upload URL.
 */
export async function uploadBinary(
	context: IExecuteFunctions,
	itemIndex: number,
	field: string,
	{ cancel, parameter }: { cancel?: CancelSignal; parameter?: string } = {},
): Promise<UploadedFile> {
	/** Every failure names the item, the field and the form's parameter; nothing was created for the item. */
	const failed = (reason: string) =>
		new NodeOperationError(context.getNode(), `Item ${itemIndex}: uploading the binary field "${field}"${parameter ? ` (${parameter})` : ''} failed: ${reason}`, {
			itemIndex,
			description: 'Nothing was created for this item. The file goes to the Upload URL of the Unifically credential.',
		});
	const binary: IBinaryData = context.helpers.assertBinaryData(itemIndex, field);
	const fileName = binary.fileName || `${field}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
	const mimeType = binary.mimeType || 'application/octet-stream';
	const { uploadUrl, backoff } = await connectionOf(context);
	const gate = gateFor(uploadUrl);
	const boundary = `----n8nUnifically${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
	const head = Buffer.from(`--${boundary}\r\nContent-Disposition: ${dispositionOf(fileName)}\r\nContent-Type: ${mimeType}\r\n\r\n`);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

	let size = typeof binary.bytes === 'number' ? binary.bytes : undefined;
	if (binary.id && size === undefined) size = (await context.helpers.getBinaryMetadata(binary.id)).fileSize;
	const buffer = binary.id ? undefined : await context.helpers.getBinaryDataBuffer(itemIndex, field);
	if (buffer) size = buffer.length;
	if (size === 0) throw failed('the file is empty');

	/** A fresh body per attempt: a stream can be sent once. */
	const bodyOf = async () => {
		if (buffer) return Buffer.concat([head, buffer, tail]);
		const stream = await context.helpers.getBinaryStream(binary.id!, CHUNK_BYTES);
		return stream.compose(async function* (source: AsyncIterable<Buffer>) {
			yield head;
			for await (const chunk of source) yield chunk;
			yield tail;
		});
	};
	// At least 60 s, and time for the file at 256 KiB/s: a timeout that fits a 200 MB video.
	const timeout = Math.max(60_000, Math.ceil(((size ?? 0) / (256 * 1024)) * 1000));

	for (let attempt = 1; ; attempt++) {
		if (cancel?.cancelled) throw new CancelledError();
		await gate.enter();
		let response: UploadResponse | undefined;
		let networkFailure = '';
		let body: Awaited<ReturnType<typeof bodyOf>> | undefined;
		try {
			body = await bodyOf();
			response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				method: 'PUT',
				url: uploadUrl,
				body,
				headers: {
					'Content-Type': `multipart/form-data; boundary=${boundary}`,
					...(size !== undefined ? { 'Content-Length': String(head.length + size + tail.length) } : {}),
				},
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout,
				// Following redirects keeps every chunk sent in memory (to send it again): a 200 MB video whole.
				disableFollowRedirect: true,
			})) as UploadResponse;
		} catch (error) {
			networkFailure = `could not reach the upload service (${networkErrorCode(error) ?? (error as Error).message})`;
		} finally {
			gate.leave();
			// A request that failed half-way leaves the file's stream open: close it.
			if (body && !Buffer.isBuffer(body)) (body as { destroy?: () => void }).destroy?.();
		}
		const answer: Answer = response ? readAnswer(response) : { unavailable: networkFailure };
		if ('fileUrl' in answer) return { file_url: answer.fileUrl, file_name: fileName, mime_type: mimeType, size: size ?? 0 };
		if ('refused' in answer) throw failed(answer.refused);
		if (attempt >= MAX_ATTEMPTS) {
			throw failed(response ? `the upload service is unavailable (${answer.unavailable}) after ${attempt} attempts` : `${answer.unavailable} after ${attempt} attempts`);
		}
		if (response?.statusCode === 429) gate.pausedUntil = Math.max(gate.pausedUntil, Date.now() + retryAfterMs(response));
		else await sleep(backoffMs(backoff, attempt));
	}
}
