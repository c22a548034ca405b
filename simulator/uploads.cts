/**
 * Unifically's storage upload (`PUT https://files.storagecdn.online/upload`, the API key as Bearer),
 * served by the simulator at `PUT /upload`: the `file` part of a multipart body is streamed to this
 * simulator's temporary directory (never held in memory), a JSON `{"base64": …}` body is decoded; the
 * answer is `{success: true, file_url}`, and the file is served at `GET /uploads/<id>/<name>`.
 * Not rate limited (another host, no documented limit). Faults are the `upload` endpoint's rules,
 * answered in the storage's own `{success: false, message}` shape.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';

import { takeFailure } from './faults.cjs';
import { extensionOf } from './files.cjs';
import { boundaryOf, MultipartError, MultipartParser, type PartHeaders } from './multipart.cjs';
import { bearerToken, ERROR_CODES, sendJson, sendRawBody } from './responses.cjs';
import { accountOf, countError, isPlainObject, keyState, newId, type KeyState, type SimContext } from './state.cjs';
import type { FailRule, UploadInfo } from './types.cjs';

/** JSON base64 bodies are buffered whole: at most this much (a 48 MiB file), then 413. */
export const MAX_JSON_UPLOAD_BYTES = 64 * 1024 * 1024;

export interface StoredUpload extends UploadInfo {
	/** The API key that uploaded it (a task of another key cannot use it). */
	owner: string;
	/** Its bytes on disk. */
	path: string;
	createdAt: number;
}

/** An answer the upload gives instead of storing the file. */
class UploadError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

const TYPES: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	mp4: 'video/mp4',
	mov: 'video/quicktime',
	webm: 'video/webm',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	m4a: 'audio/mp4',
	txt: 'text/plain',
	pdf: 'application/pdf',
};

const typeOfName = (name: string): string | undefined => TYPES[extensionOf(name)];

function defaultName(contentType: string | undefined): string {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const extension = Object.keys(TYPES).find((key) => TYPES[key] === type);
	return extension ? `file.${extension}` : 'file';
}

/** The last path segment of a client's file name ("C:\fakepath\a.png" → "a.png"); undefined when nothing usable. */
function cleanName(name: unknown): string | undefined {
	if (typeof name !== 'string') return undefined;
	// eslint-disable-next-line no-control-regex
	const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\x00-\x1f\x7f]/g, '').trim();
	return base && base !== '.' && base !== '..' ? base : undefined;
}

/** The type of a few common formats by their first bytes (for base64 sent without a name or data: type). */
function sniff(bytes: Buffer): string | undefined {
	const ascii = (start: number, end: number) => bytes.subarray(start, end).toString('latin1');
	if (bytes[0] === 0x89 && ascii(1, 4) === 'PNG') return 'image/png';
	if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
	if (ascii(0, 4) === 'GIF8') return 'image/gif';
	if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
	if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
	if (ascii(4, 8) === 'ftyp') return 'video/mp4';
	if (ascii(0, 3) === 'ID3') return 'audio/mpeg';
	if (ascii(0, 5) === '%PDF-') return 'application/pdf';
	return undefined;
}

function uploadDir(sim: SimContext): string {
	sim.uploadDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-sim-uploads-'));
	return sim.uploadDir;
}

/** Removes the simulator's uploaded files (on close). */
export async function removeUploads(sim: SimContext) {
	if (sim.uploadDir) await fs.promises.rm(sim.uploadDir, { recursive: true, force: true }).catch(() => undefined);
}

export function listUploads(sim: SimContext): UploadInfo[] {
	return [...sim.uploads.values()].map(({ id, fileName, contentType, size, sha256, url }) => ({ id, fileName, contentType, size, sha256, url }));
}

function record(sim: SimContext, id: string, owner: string, file: string, fileName: string, contentType: string, size: number, sha256: string) {
	const url = `${sim.baseUrl}/uploads/${id}/${encodeURIComponent(fileName)}`;
	const upload: StoredUpload = { id, fileName, contentType, size, sha256, url, owner, path: file, createdAt: Date.now() };
	sim.uploads.set(id, upload);
	sim.stats.uploads++;
	sim.stats.uploadBytes += size;
	return upload;
}

/** Reads the rest of a request and throws it away (so the client can finish sending before it reads the answer). */
async function drain(req: http.IncomingMessage) {
	try {
		for await (const chunk of req) void chunk;
	} catch {
		// the client went away: nothing to answer
	}
}

/** A file being written: hashed and counted as it goes, with the write stream's backpressure. */
class FileTarget {
	size = 0;
	private readonly out: fs.WriteStream;
	private readonly hash = createHash('sha256');
	private failed: Error | undefined;

	constructor(
		readonly file: string,
		private readonly limit: number | null,
	) {
		this.out = fs.createWriteStream(file, { highWaterMark: 1024 * 1024 });
		this.out.on('error', (error) => (this.failed = error));
	}

	async write(data: Buffer) {
		this.size += data.length;
		if (this.limit !== null && this.size > this.limit) throw new UploadError(413, 'File too large');
		if (this.failed) throw this.failed;
		this.hash.update(data);
		if (this.out.write(data)) return;
		const out = this.out;
		await new Promise<void>((resolve, reject) => {
			const onDrain = () => {
				out.off('error', onError);
				resolve();
			};
			const onError = (error: Error) => {
				out.off('drain', onDrain);
				reject(error);
			};
			out.once('drain', onDrain);
			out.once('error', onError);
		});
	}

	/** Flushes and closes the file; the hex sha256 of what was written. */
	async finish(): Promise<string> {
		await new Promise<void>((resolve, reject) => this.out.end((error?: Error | null) => (error ? reject(error) : resolve())));
		if (this.failed) throw this.failed;
		return this.hash.digest('hex');
	}

	async discard() {
		this.out.destroy();
		await fs.promises.rm(this.file, { force: true }).catch(() => undefined);
	}
}

async function receiveMultipart(sim: SimContext, req: http.IncomingMessage, boundary: string, owner: string): Promise<StoredUpload> {
	const id = newId(12);
	let target: FileTarget | undefined;
	let part: PartHeaders | undefined;
	let sha256: string | undefined;
	let problem: unknown;
	const parser = new MultipartParser(boundary, (headers) => {
		// The first part named `file` is the file; other parts (and later `file` parts) are read past.
		if (headers.name !== 'file' || target) return undefined;
		part = headers;
		const file = (target = new FileTarget(path.join(uploadDir(sim), id), sim.config.maxUploadBytes));
		return {
			write: (data) => file.write(data),
			end: async () => {
				sha256 = await file.finish();
			},
		};
	});
	try {
		for await (const chunk of req as AsyncIterable<Buffer>) {
			if (problem !== undefined) continue; // read the rest, then answer
			try {
				await parser.write(chunk);
			} catch (error) {
				problem = error;
				await target?.discard();
			}
		}
		if (problem !== undefined) throw problem;
		parser.end();
		if (!target || !part || sha256 === undefined) throw new UploadError(400, 'No file provided: expected a multipart part named "file"');
		if (target.size === 0) throw new UploadError(400, 'File is empty');
		const fileName = cleanName(part.fileName) ?? defaultName(part.contentType);
		const contentType = part.contentType ?? typeOfName(fileName) ?? 'application/octet-stream';
		return record(sim, id, owner, target.file, fileName, contentType, target.size, sha256);
	} catch (error) {
		await target?.discard();
		throw error instanceof MultipartError ? new UploadError(400, error.message) : error;
	}
}

/** The bytes of a `base64` value: raw base64 (standard or URL-safe) or a `data:` URI; its type when the URI gives one. */
function decodeBase64(value: unknown): { bytes: Buffer; type?: string } {
	if (typeof value !== 'string' || !value.trim()) throw new UploadError(400, 'No file provided: "base64" is missing or empty');
	let data = value.trim();
	let type: string | undefined;
	const uri = /^data:([^,]*),/i.exec(data);
	if (uri) {
		const [mime, ...params] = uri[1].split(';');
		type = mime.trim().toLowerCase() || undefined;
		data = data.slice(uri[0].length);
		if (!params.some((param) => param.trim().toLowerCase() === 'base64')) {
			try {
				return { bytes: Buffer.from(decodeURIComponent(data), 'utf8'), type };
			} catch {
				throw new UploadError(400, 'Invalid data: URI');
			}
		}
	}
	const clean = data.replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(clean) || clean.length % 4 === 1) throw new UploadError(400, 'Invalid base64');
	return { bytes: Buffer.from(clean, 'base64'), type };
}

async function receiveJson(sim: SimContext, req: http.IncomingMessage, owner: string): Promise<StoredUpload> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size <= MAX_JSON_UPLOAD_BYTES) chunks.push(chunk);
		else chunks.length = 0;
	}
	if (size > MAX_JSON_UPLOAD_BYTES) throw new UploadError(413, 'File too large');
	let body: unknown;
	try {
		body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		body = undefined;
	}
	if (!isPlainObject(body))
		throw new UploadError(400, 'Expected multipart/form-data with a part named "file", or JSON {"base64": "..."}');
	const { bytes, type } = decodeBase64(body.base64);
	if (bytes.length === 0) throw new UploadError(400, 'File is empty');
	const limit = sim.config.maxUploadBytes;
	if (limit !== null && bytes.length > limit) throw new UploadError(413, 'File too large');
	const named = cleanName(body.filename) ?? cleanName(body.file_name) ?? cleanName(body.name);
	const contentType = type ?? (named && typeOfName(named)) ?? sniff(bytes) ?? 'application/octet-stream';
	const fileName = named ?? defaultName(contentType);
	const id = newId(12);
	const file = path.join(uploadDir(sim), id);
	await fs.promises.writeFile(file, bytes);
	return record(sim, id, owner, file, fileName, contentType, bytes.length, createHash('sha256').update(bytes).digest('hex'));
}

function sendUploadError(sim: SimContext, res: http.ServerResponse, state: KeyState | undefined, status: number, message: string, headers: Record<string, string> = {}) {
	countError(sim, state, status);
	sendJson(res, status, { success: false, message }, headers);
}

async function sendUploadFailure(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, state: KeyState, rule: FailRule) {
	if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
	if (rule.status === 0) {
		countError(sim, state, 0);
		req.socket.destroy();
		return;
	}
	const headers: Record<string, string> = {};
	if (rule.status === 429) headers['Retry-After'] = String(Math.max(1, Math.ceil(rule.retryAfterSeconds ?? 1)));
	if (rule.body !== undefined) {
		countError(sim, state, rule.status);
		return sendRawBody(res, rule.status, rule.body, headers);
	}
	const standard = rule.status === 200 ? 'Upload failed' : rule.status === 413 ? 'File too large' : ERROR_CODES[rule.status]?.[1];
	const message = rule.message ?? `${standard ?? http.STATUS_CODES[rule.status] ?? 'Error'} (simulated)`;
	sendUploadError(sim, res, state, rule.status, message, headers);
}

/** `PUT /upload` (any other method: 405). */
export async function handleUpload(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse) {
	if (req.method !== 'PUT') {
		await drain(req);
		return sendUploadError(sim, res, undefined, 405, 'Method not allowed', { Allow: 'PUT' });
	}
	sim.stats.uploadsInFlight++;
	sim.stats.peakUploadsInFlight = Math.max(sim.stats.peakUploadsInFlight, sim.stats.uploadsInFlight);
	res.once('close', () => sim.stats.uploadsInFlight--);

	const token = bearerToken(req.headers.authorization);
	const state = keyState(sim, token ?? '(none)');
	if (!token || !accountOf(sim, token).valid) {
		await drain(req);
		return sendUploadError(sim, res, state, 401, 'Invalid API key');
	}
	const failure = takeFailure(sim, 'upload');
	if (failure) {
		// A size check in front of the storage answers 413 before the body; a dropped connection drops it.
		if (failure.status !== 413 && failure.status !== 0) await drain(req);
		return sendUploadFailure(sim, req, res, state, failure);
	}

	const boundary = boundaryOf(req.headers['content-type']);
	let upload: StoredUpload;
	try {
		upload = boundary ? await receiveMultipart(sim, req, boundary, token) : await receiveJson(sim, req, token);
	} catch (error) {
		if (error instanceof UploadError) return sendUploadError(sim, res, state, error.status, error.message);
		if (!req.complete) return void res.destroy(); // the client went away mid-body
		return sendUploadError(sim, res, state, 500, `Simulator error: ${(error as Error).message}`);
	}
	sendJson(res, 200, { success: true, file_url: upload.url });
}

/** `GET`/`HEAD /uploads/<id>/<name>`: an uploaded file, streamed from disk (no key needed, as a CDN URL). */
export async function handleUploadedFile(sim: SimContext, req: http.IncomingMessage, res: http.ServerResponse, rawId: string, rawName: string) {
	await drain(req);
	if (req.method !== 'GET' && req.method !== 'HEAD') return sendUploadError(sim, res, undefined, 405, 'Method not allowed', { Allow: 'GET, HEAD' });
	let upload: StoredUpload | undefined;
	try {
		upload = sim.uploads.get(decodeURIComponent(rawId));
		if (upload && upload.fileName !== decodeURIComponent(rawName)) upload = undefined;
	} catch {
		upload = undefined; // malformed %-escape
	}
	if (!upload) return sendUploadError(sim, res, undefined, 404, 'File not found');
	res.writeHead(200, {
		'Content-Type': upload.contentType,
		'Content-Length': String(upload.size),
		'Cache-Control': 'public, max-age=86400',
		ETag: `"${upload.sha256}"`,
	});
	if (req.method === 'HEAD') return void res.end();
	const stream = fs.createReadStream(upload.path);
	res.on('close', () => stream.destroy());
	stream.on('error', () => res.destroy());
	stream.pipe(res);
}
