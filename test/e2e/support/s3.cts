/**
 * A small S3-compatible server for the chain tests: what n8n's S3 node (`n8n-nodes-base.s3`,
 * credential `s3` with a custom endpoint and Force Path Style) sends to upload a file, answered as
 * S3 answers it, on 127.0.0.1. Objects are streamed to a temp folder while their SHA-256 and MD5
 * are computed, so a 200 MiB upload is checked without holding it here.
 *
 * Why our own and not a package: n8n's S3 node needs a handful of path-style routes (GetBucketLocation,
 * PutObject; ListBuckets, CreateBucket, GetObject, HeadObject and DeleteObject for completeness). A
 * hundred lines here verify what a test should check (the SigV4 signature of every request with
 * the credential's keys, the payload hash and Content-MD5 against the bytes that arrived), start in
 * milliseconds, and need nothing installed: no network but the npm registry in CI, and the npm
 * candidates (s3rver, last released 2021) bring a tree of dependencies and keep objects their own
 * way. Verification is strict on purpose: a request n8n signed differently is refused (403).
 *
 * Supported (path style only: /<bucket>/<key>): GET / (ListBuckets), PUT /<bucket> (CreateBucket),
 * GET /<bucket>?location (GetBucketLocation), PUT/GET/HEAD/DELETE /<bucket>/<key>.
 */
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export interface S3Object {
	bucket: string;
	key: string;
	size: number;
	sha256: string;
	md5: string;
	contentType: string | undefined;
	/** Where the bytes are (read them with `readObject`). */
	file: string;
}

export interface S3RequestRecord {
	method: string;
	url: string;
	status: number;
	/** Why a request was refused (signature, hash, unknown bucket …). */
	error?: string;
}

export interface S3ServerOptions {
	accessKeyId?: string;
	secretAccessKey?: string;
	region?: string;
	buckets?: string[];
}

export interface S3Server {
	/** The endpoint for the `s3` credential (http://127.0.0.1:<port>). */
	url: string;
	accessKeyId: string;
	secretAccessKey: string;
	region: string;
	objects: Map<string, S3Object>;
	requests: S3RequestRecord[];
	object(bucket: string, key: string): S3Object | undefined;
	readObject(bucket: string, key: string): Buffer;
	/** Forget the objects (and delete their files) and the request log. */
	reset(): void;
	close(): Promise<void>;
}

const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as SigV4's canonical query string wants it. */
function encodeRfc3986(text: string): string {
	return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

class S3Error extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/** SigV4 (header form, as aws4 signs): the signature the request must carry; throws S3Error if not. */
function verifySignature(req: http.IncomingMessage, url: URL, options: Required<Omit<S3ServerOptions, 'buckets'>>): string {
	const authorization = req.headers.authorization ?? '';
	const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(authorization);
	if (!match) throw new S3Error(403, 'AccessDenied', `not a SigV4 Authorization header: ${authorization.slice(0, 80)}`);
	const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
	if (accessKeyId !== options.accessKeyId) throw new S3Error(403, 'InvalidAccessKeyId', `unknown access key ${accessKeyId}`);
	if (service !== 's3') throw new S3Error(403, 'AccessDenied', `signed for service ${service}`);
	if (region !== options.region) throw new S3Error(400, 'AuthorizationHeaderMalformed', `signed for region ${region}, the server is ${options.region}`);
	const amzDate = String(req.headers['x-amz-date'] ?? '');
	if (!amzDate.startsWith(date)) throw new S3Error(403, 'AccessDenied', 'x-amz-date does not match the credential scope');
	const payloadHash = String(req.headers['x-amz-content-sha256'] ?? '');
	if (!payloadHash) throw new S3Error(400, 'InvalidRequest', 'no x-amz-content-sha256');

	const canonicalHeaders = signedHeaders
		.split(';')
		.map((name) => {
			const value = req.headers[name];
			if (value === undefined) throw new S3Error(403, 'AccessDenied', `signed header ${name} is missing`);
			return `${name}:${String(value).trim().replace(/\s+/g, ' ')}\n`;
		})
		.join('');
	const query = [...url.searchParams.entries()]
		.map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)])
		.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
		.map(([key, value]) => `${key}=${value}`)
		.join('&');
	const canonicalRequest = [req.method, url.pathname, query, canonicalHeaders, signedHeaders, payloadHash].join('\n');
	const scope = `${date}/${region}/${service}/aws4_request`;
	const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
	const key = hmac(hmac(hmac(hmac(`AWS4${options.secretAccessKey}`, date), region), service), 'aws4_request');
	const expected = createHmac('sha256', key).update(stringToSign).digest('hex');
	if (expected !== signature) throw new S3Error(403, 'SignatureDoesNotMatch', `signature mismatch; canonical request:\n${canonicalRequest}`);
	return payloadHash;
}

export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
	const settings = {
		accessKeyId: options.accessKeyId ?? 'E2EACCESSKEY',
		secretAccessKey: options.secretAccessKey ?? 'e2e-secret-access-key',
		region: options.region ?? 'us-east-1',
	};
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-s3-'));
	const buckets = new Map<string, Date>((options.buckets ?? []).map((name) => [name, new Date()]));
	const objects = new Map<string, S3Object>();
	const requests: S3RequestRecord[] = [];
	let counter = 0;
	const objectKey = (bucket: string, key: string) => `${bucket}/${key}`;

	async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
		const payloadHash = verifySignature(req, url, settings);
		const [, bucket = '', ...rest] = url.pathname.split('/');
		const key = rest.map((part) => decodeURIComponent(part)).join('/');
		const method = req.method ?? 'GET';

		if (!bucket) {
			if (method !== 'GET') throw new S3Error(405, 'MethodNotAllowed', `${method} /`);
			const list = [...buckets].map(([name, created]) => `<Bucket><Name>${name}</Name><CreationDate>${created.toISOString()}</CreationDate></Bucket>`);
			res.writeHead(200, { 'content-type': 'application/xml' }).end(
				xml(`<ListAllMyBucketsResult><Owner><ID>e2e</ID></Owner><Buckets>${list.join('')}</Buckets></ListAllMyBucketsResult>`),
			);
			return;
		}
		if (!key) {
			if (method === 'PUT') {
				buckets.set(bucket, buckets.get(bucket) ?? new Date());
				res.writeHead(200, { location: `/${bucket}` }).end();
				return;
			}
			if (!buckets.has(bucket)) throw new S3Error(404, 'NoSuchBucket', `no bucket ${bucket}`);
			if (method === 'GET' && url.searchParams.has('location')) {
				// us-east-1 answers an empty LocationConstraint.
				const constraint = settings.region === 'us-east-1' ? '' : settings.region;
				res.writeHead(200, { 'content-type': 'application/xml' }).end(
					xml(`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${constraint}</LocationConstraint>`),
				);
				return;
			}
			throw new S3Error(501, 'NotImplemented', `${method} /${bucket}${url.search}`);
		}
		if (!buckets.has(bucket)) throw new S3Error(404, 'NoSuchBucket', `no bucket ${bucket}`);
		const id = objectKey(bucket, key);

		if (method === 'PUT') {
			if (url.search) throw new S3Error(501, 'NotImplemented', `PUT with ${url.search}`);
			const file = path.join(dir, `${++counter}.obj`);
			const sha = createHash('sha256');
			const md5 = createHash('md5');
			let size = 0;
			await pipeline(
				req,
				new Transform({
					transform(chunk: Buffer, _encoding, callback) {
						sha.update(chunk);
						md5.update(chunk);
						size += chunk.length;
						callback(null, chunk);
					},
				}),
				fs.createWriteStream(file),
			);
			const object: S3Object = { bucket, key, size, sha256: sha.digest('hex'), md5: md5.digest('base64'), contentType: req.headers['content-type'], file };
			const fail = (status: number, code: string, message: string) => {
				fs.rmSync(file, { force: true });
				throw new S3Error(status, code, message);
			};
			if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== object.sha256) fail(400, 'XAmzContentSHA256Mismatch', 'the payload hash does not match the body');
			const contentMd5 = req.headers['content-md5'];
			if (contentMd5 !== undefined && contentMd5 !== object.md5) fail(400, 'BadDigest', 'Content-MD5 does not match the body');
			const contentLength = req.headers['content-length'];
			if (contentLength !== undefined && Number(contentLength) !== size) fail(400, 'IncompleteBody', `${size} bytes of ${contentLength}`);
			const previous = objects.get(id);
			if (previous) fs.rmSync(previous.file, { force: true });
			objects.set(id, object);
			res.writeHead(200, { etag: `"${Buffer.from(object.md5, 'base64').toString('hex')}"` }).end();
			return;
		}
		const object = objects.get(id);
		if (method === 'DELETE') {
			if (object) fs.rmSync(object.file, { force: true });
			objects.delete(id);
			res.writeHead(204).end();
			return;
		}
		if (method === 'GET' || method === 'HEAD') {
			if (!object) throw new S3Error(404, 'NoSuchKey', `no object ${id}`);
			res.writeHead(200, {
				'content-type': object.contentType ?? 'application/octet-stream',
				'content-length': String(object.size),
				etag: `"${Buffer.from(object.md5, 'base64').toString('hex')}"`,
			});
			if (method === 'HEAD') res.end();
			else await pipeline(fs.createReadStream(object.file), res);
			return;
		}
		throw new S3Error(405, 'MethodNotAllowed', `${method} ${url.pathname}`);
	}

	const server = http.createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const record: S3RequestRecord = { method: req.method ?? 'GET', url: req.url ?? '/', status: 0 };
		requests.push(record);
		handle(req, res, url)
			.then(() => (record.status = res.statusCode))
			.catch((error: Error) => {
				const status = error instanceof S3Error ? error.status : 500;
				const code = error instanceof S3Error ? error.code : 'InternalError';
				record.status = status;
				record.error = `${code}: ${error.message}`;
				req.resume(); // drain what is left of a refused upload
				if (!res.headersSent) {
					res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' }).end(
						xml(`<Error><Code>${code}</Code><Message>${error.message.replace(/[<&]/g, ' ')}</Message></Error>`),
					);
				} else res.destroy();
			});
	});
	server.requestTimeout = 0; // large uploads on a loaded machine
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		...settings,
		objects,
		requests,
		object: (bucket, key) => objects.get(objectKey(bucket, key)),
		readObject(bucket, key) {
			const object = objects.get(objectKey(bucket, key));
			if (!object) throw new Error(`no object ${bucket}/${key}; objects: ${[...objects.keys()].join(', ') || 'none'}`);
			return fs.readFileSync(object.file);
		},
		reset() {
			for (const object of objects.values()) fs.rmSync(object.file, { force: true });
			objects.clear();
			requests.length = 0;
		},
		async close() {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}
