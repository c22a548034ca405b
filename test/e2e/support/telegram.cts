/**
 * A local stand-in for the Telegram Bot API, for the chain tests: n8n's Telegram node (credential
 * `telegramApi` with its Base URL pointed here) posts `multipart/form-data` to
 * `/bot<token>/sendVideo|sendPhoto|sendAudio|…`. The recorder parses each upload (fields, and the
 * file part's bytes, file name and content type), keeps it, and answers as the Bot API does
 * (`{ ok: true, result: <Message> }`). A wrong token is answered 401 as Telegram does.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TelegramFilePart {
	field: string;
	fileName: string | undefined;
	contentType: string | undefined;
	bytes: Buffer;
}

export interface TelegramCall {
	method: string;
	/** The non-file form fields (chat_id, caption …), or the JSON body's keys. */
	fields: Record<string, string>;
	file?: TelegramFilePart;
	contentType: string | undefined;
}

export interface TelegramRecorder {
	/** The Base URL for the `telegramApi` credential. */
	url: string;
	token: string;
	calls: TelegramCall[];
	/** Requests refused (wrong token, unparseable body), with the reason. */
	refused: string[];
	close(): Promise<void>;
}

const MAX_BODY = 256 * 1024 * 1024;

/** Parses a multipart/form-data body (RFC 7578) into its parts. */
export function parseMultipart(body: Buffer, contentType: string): Array<{ headers: Record<string, string>; data: Buffer }> {
	const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!boundaryMatch) throw new Error(`no boundary in ${contentType}`);
	const delimiter = Buffer.from(`--${boundaryMatch[1] ?? boundaryMatch[2]}`);
	const parts: Array<{ headers: Record<string, string>; data: Buffer }> = [];
	let position = body.indexOf(delimiter);
	if (position < 0) throw new Error('no opening boundary');
	for (;;) {
		position += delimiter.length;
		if (body.subarray(position, position + 2).toString() === '--') break; // closing boundary
		position += 2; // CRLF after the boundary
		const headerEnd = body.indexOf('\r\n\r\n', position);
		if (headerEnd < 0) throw new Error('part without a header end');
		const headers: Record<string, string> = {};
		for (const line of body.subarray(position, headerEnd).toString('utf8').split('\r\n')) {
			const colon = line.indexOf(':');
			if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
		}
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
		if (next < 0) throw new Error('part without a closing boundary');
		parts.push({ headers, data: body.subarray(headerEnd + 4, next) });
		position = next + 2;
	}
	return parts;
}

function dispositionParam(disposition: string, name: string): string | undefined {
	const match = new RegExp(`${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
	return match ? match[1].replace(/\\(.)/g, '$1') : undefined;
}

const MEDIA_FIELDS: Record<string, string> = { sendVideo: 'video', sendPhoto: 'photo', sendAudio: 'audio', sendDocument: 'document', sendAnimation: 'animation' };

export async function startTelegramRecorder({ token = '123456:E2E-TEST-TOKEN' }: { token?: string } = {}): Promise<TelegramRecorder> {
	const calls: TelegramCall[] = [];
	const refused: string[] = [];
	let messageId = 0;

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY) chunks.push(chunk);
		});
		req.on('end', () => {
			const answer = (status: number, body: unknown): void => {
				res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
			};
			const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
			if (!match) {
				refused.push(`not a Bot API path: ${req.url}`);
				return answer(404, { ok: false, error_code: 404, description: 'Not Found' });
			}
			const [, givenToken, method] = match;
			if (givenToken !== token) {
				refused.push(`wrong token on ${method}`);
				return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });
			}
			if (size > MAX_BODY) {
				refused.push(`${method}: body over ${MAX_BODY} bytes`);
				return answer(413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
			}
			const body = Buffer.concat(chunks);
			const contentType = req.headers['content-type'];
			const call: TelegramCall = { method, fields: {}, contentType };
			try {
				if (contentType?.startsWith('multipart/form-data')) {
					for (const part of parseMultipart(body, contentType)) {
						const disposition = part.headers['content-disposition'] ?? '';
						const field = dispositionParam(disposition, 'name') ?? '';
						const fileName = dispositionParam(disposition, 'filename');
						if (fileName !== undefined || part.headers['content-type']) {
							call.file = { field, fileName, contentType: part.headers['content-type'], bytes: Buffer.from(part.data) };
						} else call.fields[field] = part.data.toString('utf8');
					}
				} else if (body.length > 0) {
					const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
					for (const [key, value] of Object.entries(json)) call.fields[key] = typeof value === 'string' ? value : JSON.stringify(value);
				}
			} catch (error) {
				refused.push(`${method}: ${(error as Error).message}`);
				return answer(400, { ok: false, error_code: 400, description: `Bad Request: ${(error as Error).message}` });
			}
			calls.push(call);
			const chatId = Number(call.fields.chat_id) || call.fields.chat_id;
			const media = MEDIA_FIELDS[method];
			const result: Record<string, unknown> = {
				message_id: ++messageId,
				date: Math.floor(Date.now() / 1000),
				chat: { id: chatId, type: 'private' },
				...(call.fields.caption ? { caption: call.fields.caption } : {}),
				...(call.fields.text ? { text: call.fields.text } : {}),
			};
			if (media && call.file) {
				const file = { file_id: `e2e-file-${messageId}`, file_unique_id: `e2e-${messageId}`, file_size: call.file.bytes.length };
				result[media] = media === 'photo' ? [{ ...file, width: 1, height: 1 }] : { ...file, file_name: call.file.fileName, mime_type: call.file.contentType };
			}
			return answer(200, { ok: true, result });
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		token,
		calls,
		refused,
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
