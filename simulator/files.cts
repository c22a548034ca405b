import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';

/**
 * Output files the simulator serves itself. Their bytes are generated on the fly, never held in
 * memory: byte i of file `name` of task `taskId` is the format's tiny header (so MIME sniffing
 * works) for the first bytes, then a 32-byte block derived from `sha256(taskId + "/" + name)`
 * repeated. `fileBytes()` reproduces any range, so tests can check what they downloaded.
 */

const CHUNK_SIZE = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
	mp4: 'video/mp4',
	png: 'image/png',
	jpg: 'image/jpeg',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	txt: 'text/plain; charset=utf-8',
	json: 'application/json',
};

// prettier-ignore
const HEADERS: Record<string, Buffer> = {
	// ftyp box: isom, minor 0x200, compatible isom, mp41
	mp4: Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0, 0x69, 0x73, 0x6f, 0x6d, 0x6d, 0x70, 0x34, 0x31]),
	// PNG signature + IHDR of a 1×1 RGBA image (with its CRC)
	png: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex'),
	// ID3v2.4 tag of size 0, then an MPEG-1 layer III frame header
	mp3: Buffer.from([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0, 0xff, 0xfb, 0x90, 0x64]),
	// RIFF/WAVE (sizes are not exact: the rest is the pattern)
	wav: Buffer.from([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]),
	jpg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0]),
};

export function extensionOf(name: string): string {
	const dot = name.lastIndexOf('.');
	return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function contentTypeOf(name: string): string {
	return CONTENT_TYPES[extensionOf(name)] ?? 'application/octet-stream';
}

function headerOf(name: string): Buffer {
	return HEADERS[extensionOf(name)] ?? Buffer.alloc(0);
}

function blockOf(taskId: string, name: string): Buffer {
	return createHash('sha256').update(`${taskId}/${name}`).digest();
}

/** A buffer of the repeating block, long enough to slice any chunk from any phase. */
function periodicBuffer(block: Buffer, length: number): Buffer {
	const buffer = Buffer.alloc(length + block.length);
	for (let offset = 0; offset < buffer.length; offset += block.length) block.copy(buffer, offset);
	return buffer;
}

function chunkAt(periodic: Buffer, header: Buffer, period: number, start: number, length: number): Buffer {
	const phase = start % period;
	const slice = periodic.subarray(phase, phase + length);
	if (start >= header.length) return slice;
	const chunk = Buffer.from(slice); // copy: the header overlays the shared pattern
	header.copy(chunk, 0, start, Math.min(header.length, start + length));
	return chunk;
}

/** Bytes [start, end) of a generated file of `size` bytes (for tests: keep ranges small). */
export function fileBytes(taskId: string, name: string, size: number, start = 0, end = size): Buffer {
	const from = Math.max(0, Math.min(start, size));
	const to = Math.max(from, Math.min(end, size));
	const block = blockOf(taskId, name);
	const header = headerOf(name).subarray(0, size);
	return Buffer.from(chunkAt(periodicBuffer(block, to - from), header, block.length, from, to - from));
}

/** A stream of bytes [start, end) of the generated file, produced chunk by chunk with backpressure. */
export function fileStream(taskId: string, name: string, size: number, start = 0, end = size): Readable {
	const block = blockOf(taskId, name);
	const header = headerOf(name).subarray(0, size);
	const periodic = periodicBuffer(block, CHUNK_SIZE);
	let position = Math.max(0, start);
	const stop = Math.min(end, size);
	return new Readable({
		highWaterMark: CHUNK_SIZE * 4,
		read() {
			for (;;) {
				if (position >= stop) {
					this.push(null);
					return;
				}
				const length = Math.min(CHUNK_SIZE, stop - position);
				const chunk = chunkAt(periodic, header, block.length, position, length);
				position += length;
				if (!this.push(chunk)) return;
			}
		},
	});
}
