/**
 * A streaming `multipart/form-data` parser (RFC 7578 / RFC 2046) for the upload route: it hands each
 * part's headers, then its body bytes, on as they arrive, holding back at most one delimiter's length,
 * so a file of any size passes through without being kept in memory. A delimiter may be split across
 * chunks (the held-back tail joins the next chunk).
 */

export interface PartHeaders {
	/** `name` of the part's Content-Disposition. */
	name: string | undefined;
	/** `filename` (or `filename*`) of the Content-Disposition; undefined when there is none. */
	fileName: string | undefined;
	contentType: string | undefined;
}

/** Where a part's body goes; `write` is awaited, which is the parser's backpressure. */
export interface PartSink {
	write(data: Buffer): void | Promise<void>;
	end(): void | Promise<void>;
}

/** The body is not valid multipart (the route answers 400). */
export class MultipartError extends Error {}

const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const EMPTY = Buffer.alloc(0);

/** The boundary of a `multipart/form-data` Content-Type, or undefined for any other type. */
export function boundaryOf(contentType: string | undefined): string | undefined {
	const match = /^\s*multipart\/form-data\s*;(.*)$/is.exec(contentType ?? '');
	if (!match) return undefined;
	const param = /(?:^|;)\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(match[1]);
	const boundary = param?.[1] ?? param?.[2];
	return boundary && boundary.length <= 200 ? boundary : undefined;
}

function parseHeaders(block: string): PartHeaders {
	const headers: Record<string, string> = {};
	for (const line of block.split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const params: Record<string, string> = {};
	for (const match of (headers['content-disposition'] ?? '').matchAll(/;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g))
		params[match[1].toLowerCase()] = match[2] !== undefined ? match[2].replace(/\\(["\\])/g, '$1') : match[3].trim();
	let fileName = params.filename;
	// RFC 5987 `filename*=UTF-8''na%C3%AFve.png` wins over `filename` when both are sent.
	const extended = /^[\w-]+'[^']*'(.*)$/.exec(params['filename*'] ?? '');
	if (extended) {
		try {
			fileName = decodeURIComponent(extended[1]);
		} catch {
			// keep `filename`
		}
	}
	return { name: params.name, fileName, contentType: headers['content-type'] || undefined };
}

export class MultipartParser {
	private readonly delimiter: Buffer;
	private state: 'preamble' | 'afterDelimiter' | 'headers' | 'body' | 'epilogue' = 'preamble';
	// The first delimiter may open the body without a CRLF before it: start as if there was one.
	private pending: Buffer = CRLF;
	private sink: PartSink | undefined;

	/** `onPart` is called with each part's headers; it returns where the body goes (undefined: discard it). */
	constructor(
		boundary: string,
		private readonly onPart: (headers: PartHeaders) => PartSink | undefined,
	) {
		this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
	}

	async write(chunk: Buffer): Promise<void> {
		const inBody = this.state === 'body' || this.state === 'preamble';
		if (inBody && this.pending.length < this.delimiter.length && chunk.length >= this.delimiter.length) {
			// The usual case, without copying the chunk: a delimiter starting in the held-back tail would
			// end within the chunk's first bytes; when there is none, the tail goes on as it is.
			const junction = Buffer.concat([this.pending, chunk.subarray(0, this.delimiter.length - 1)]);
			if (junction.indexOf(this.delimiter) < 0) {
				if (this.pending.length && this.state === 'body' && this.sink) await this.sink.write(this.pending);
				this.pending = EMPTY;
			}
		}
		this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
		for (;;) {
			if (!(await this.step())) return;
		}
	}

	/** The body has ended: throws unless the closing delimiter was seen. */
	end(): void {
		if (this.state !== 'epilogue') throw new MultipartError('Malformed multipart body: it ends before the closing boundary');
	}

	/** Handles what `pending` allows in the current state; false when more bytes are needed. */
	private async step(): Promise<boolean> {
		switch (this.state) {
			case 'preamble':
			case 'body': {
				const at = this.pending.indexOf(this.delimiter);
				if (at < 0) {
					// All but a possible start of the delimiter at the end can go on.
					const keep = Math.min(this.pending.length, this.delimiter.length - 1);
					const out = this.pending.subarray(0, this.pending.length - keep);
					this.pending = this.pending.subarray(this.pending.length - keep);
					if (out.length && this.state === 'body' && this.sink) await this.sink.write(out);
					return false;
				}
				if (this.state === 'body' && this.sink) {
					if (at > 0) await this.sink.write(this.pending.subarray(0, at));
					await this.sink.end();
				}
				this.sink = undefined;
				this.pending = this.pending.subarray(at + this.delimiter.length);
				this.state = 'afterDelimiter';
				return true;
			}
			case 'afterDelimiter': {
				if (this.pending.length < 2) return false;
				if (this.pending[0] === 0x2d && this.pending[1] === 0x2d) {
					this.state = 'epilogue';
					this.pending = EMPTY;
					return false;
				}
				const eol = this.pending.indexOf(CRLF);
				if (eol < 0) {
					if (this.pending.length > 256) throw new MultipartError('Malformed multipart body: bad boundary line');
					return false;
				}
				// Only transport padding (spaces, tabs) may follow a delimiter on its line.
				if (!/^[ \t]*$/.test(this.pending.subarray(0, eol).toString('latin1')))
					throw new MultipartError('Malformed multipart body: bad boundary line');
				this.pending = this.pending.subarray(eol + 2);
				this.state = 'headers';
				return true;
			}
			case 'headers': {
				const noHeaders = this.pending.length >= 2 && this.pending[0] === 0x0d && this.pending[1] === 0x0a;
				const end = noHeaders ? 0 : this.pending.indexOf('\r\n\r\n');
				if (end < 0) {
					if (this.pending.length > MAX_HEADER_BYTES) throw new MultipartError('Malformed multipart body: part headers too long');
					return false;
				}
				const headers = parseHeaders(this.pending.subarray(0, end).toString('utf8'));
				this.pending = this.pending.subarray(noHeaders ? 2 : end + 4);
				// The body starts right here (a delimiter at once is an empty body: its CRLF belongs to the delimiter).
				this.sink = this.onPart(headers);
				this.state = 'body';
				return true;
			}
			case 'epilogue':
				this.pending = EMPTY;
				return false;
		}
	}
}
