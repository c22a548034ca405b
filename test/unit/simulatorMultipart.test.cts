/**
 * The simulator's streaming multipart parser (simulator/multipart.cts), fed by hand: the same body cut
 * at every offset (so every delimiter and header block is split across chunks somewhere) and one byte
 * at a time gives the same parts. The upload route over HTTP: test/integration/simulator.upload.test.cts.
 */
import { boundaryOf, MultipartError, MultipartParser, type PartHeaders } from '../../simulator/multipart.cjs';

const BOUNDARY = '----simTestBoundary42';

interface Part {
	headers: PartHeaders;
	body: Buffer;
}

async function parse(chunks: Buffer[], boundary = BOUNDARY): Promise<Part[]> {
	const parts: Part[] = [];
	const parser = new MultipartParser(boundary, (headers) => {
		const pieces: Buffer[] = [];
		return {
			write: (data) => void pieces.push(Buffer.from(data)),
			end: () => void parts.push({ headers, body: Buffer.concat(pieces) }),
		};
	});
	for (const chunk of chunks) await parser.write(chunk);
	parser.end();
	return parts;
}

// The file's bytes hold look-alikes of the delimiter: a partial one and one with a wrong last character.
const FILE = Buffer.concat([
	Buffer.from([0, 1, 2, 13, 10, 45, 45]),
	Buffer.from(`\r\n--${BOUNDARY.slice(0, -1)}X and \r\n--${BOUNDARY.slice(0, 10)}`),
	Buffer.from([13, 10, 13, 10, 255]),
]);

const BODY = Buffer.concat([
	Buffer.from(
		`preamble to ignore\r\n--${BOUNDARY}\r\n` +
			`Content-Disposition: form-data; name="note"\r\n\r\nhello\r\n--${BOUNDARY}  \r\n` +
			`Content-Disposition: form-data; name="file"; filename="C:\\\\fakepath\\\\a \\"b\\".png"\r\nContent-Type: image/png\r\n\r\n`,
	),
	FILE,
	Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="empty"\r\n\r\n\r\n--${BOUNDARY}--\r\nepilogue`),
]);

function expectParts(parts: Part[]) {
	expect(parts.map((part) => part.headers.name)).toEqual(['note', 'file', 'empty']);
	expect(parts[0].body.toString()).toBe('hello');
	expect(parts[1].headers).toEqual({ name: 'file', fileName: 'C:\\fakepath\\a "b".png', contentType: 'image/png' });
	expect(parts[1].body.equals(FILE)).toBe(true);
	expect(parts[2].body.length).toBe(0);
}

describe('simulator: streaming multipart parser', () => {
	it('parses a body given whole', async () => {
		expectParts(await parse([BODY]));
	});

	it('gives the same parts for the body cut in two at every offset', async () => {
		for (let at = 0; at <= BODY.length; at++) expectParts(await parse([BODY.subarray(0, at), BODY.subarray(at)]));
	});

	it('gives the same parts in chunks of every size from 1 to 80 bytes', async () => {
		for (let size = 1; size <= 80; size++) {
			const chunks: Buffer[] = [];
			for (let at = 0; at < BODY.length; at += size) chunks.push(BODY.subarray(at, at + size));
			expectParts(await parse(chunks));
		}
	});

	it('gives the same parts one byte at a time', async () => {
		expectParts(await parse([...BODY].map((byte) => Buffer.from([byte]))));
	});

	it('accepts a body that opens with the delimiter (no preamble) and filename*', async () => {
		const body = Buffer.from(
			`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="x.bin"; filename*=UTF-8''na%C3%AFve%20pic.png\r\n\r\nabc\r\n--${BOUNDARY}--`,
		);
		const parts = await parse([body]);
		expect(parts).toEqual([{ headers: { name: 'file', fileName: 'naïve pic.png', contentType: undefined }, body: Buffer.from('abc') }]);
	});

	it('refuses a body without its closing delimiter, and a bad boundary line', async () => {
		await expect(parse([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc`)])).rejects.toThrow(MultipartError);
		await expect(parse([Buffer.from(`--${BOUNDARY}junk\r\n\r\nabc\r\n--${BOUNDARY}--`)])).rejects.toThrow(MultipartError);
	});

	it('reads the boundary of a multipart Content-Type only', () => {
		expect(boundaryOf(`multipart/form-data; boundary=${BOUNDARY}`)).toBe(BOUNDARY);
		expect(boundaryOf('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
		expect(boundaryOf('application/json')).toBeUndefined();
		expect(boundaryOf('multipart/form-data')).toBeUndefined();
		expect(boundaryOf(undefined)).toBeUndefined();
	});
});
