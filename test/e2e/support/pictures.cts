/**
 * Real picture files for the e2e suites that feed a file from the workflow into the Unifically node
 * (Input Type: Binary File): a valid PNG (any image viewer opens it, n8n and the simulator read it as
 * image/png by its name and its first bytes) of seeded noise, so it does not compress and its size is
 * about width × height × 3 bytes, the same bytes for the same seed.
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/** Seeded pseudo-random bytes (sha256 in counter mode): the same seed, the same bytes. */
function noise(seed: string, length: number): Buffer {
	const out = Buffer.alloc(length);
	for (let offset = 0, counter = 0; offset < length; counter++) {
		offset += createHash('sha256').update(`${seed}:${counter}`).digest().copy(out, offset);
	}
	return out;
}

/** An RGB PNG of `width` × `height` pixels of noise (stored, not compressed: about 3 bytes a pixel). */
export function pngPicture(width: number, height: number, seed = 'picture'): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 2; // RGB
	const pixels = noise(seed, width * height * 3);
	const rows = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) pixels.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3); // filter 0 per row
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', zlib.deflateSync(rows, { level: 0 })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
