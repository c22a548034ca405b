/**
 * A task's input files, as the model fetches them before it starts. An input URL of the simulator's
 * own storage (`<baseUrl>/uploads/…`) that names no file uploaded with the task's key fails the task,
 * as a real model fails to download it (the create is still accepted and charged: the API cannot know
 * before fetching). URLs on other hosts are left alone, unless `fetchInputUrls` has them fetched.
 */
import * as http from 'node:http';
import * as https from 'node:https';

import { isPlainObject, type SimContext } from './state.cjs';
import { isHttpUrl } from './validate.cjs';

export const INPUT_FETCH_TIMEOUT_MS = 2000;

export interface InputUrl {
	/** Where in the input: `start_image_url`, `image_urls[1]`, `elements[0].image_url`. */
	key: string;
	url: string;
}

/** Every http(s) URL among the input's strings, inside arrays and objects too. */
export function inputUrls(value: unknown, key = ''): InputUrl[] {
	if (typeof value === 'string') return isHttpUrl(value.trim()) ? [{ key, url: value.trim() }] : [];
	if (Array.isArray(value)) return value.flatMap((entry, index) => inputUrls(entry, `${key}[${index}]`));
	if (isPlainObject(value)) return Object.entries(value).flatMap(([name, entry]) => inputUrls(entry, key ? `${key}.${name}` : name));
	return [];
}

const downloadError = (key: string, reason: string) => `Could not download input ${key}: ${reason}`;

function decoded(text: string): string | undefined {
	try {
		return decodeURIComponent(text);
	} catch {
		return undefined;
	}
}

/** The failed task's error when one of the simulator's own `/uploads/` URLs names no upload of `owner`. */
export function missingUploadError(sim: SimContext, urls: InputUrl[], owner: string): string | undefined {
	const prefix = `${sim.baseUrl}/uploads/`;
	for (const { key, url } of urls) {
		if (!url.startsWith(prefix)) continue;
		const match = /^([^/?#]+)\/([^/?#]+)(?:[?#].*)?$/.exec(url.slice(prefix.length));
		const upload = match ? sim.uploads.get(decoded(match[1]) ?? '') : undefined;
		if (!match || !upload || upload.owner !== owner || upload.fileName !== decoded(match[2]))
			return downloadError(key, '404 (file not found)');
	}
	return undefined;
}

/** The input URLs on other hosts than the simulator (what `fetchInputUrls` fetches). */
export const remoteUrls = (sim: SimContext, urls: InputUrl[]) => urls.filter(({ url }) => !url.startsWith(`${sim.baseUrl}/`));

/** Fetches each URL (HEAD, or GET when HEAD is refused): the failed task's error for the first that fails. */
export async function remoteInputError(sim: SimContext, urls: InputUrl[]): Promise<string | undefined> {
	const reasons = await Promise.all(urls.map(({ url }) => fetchProblem(sim, url)));
	const at = reasons.findIndex((reason) => reason !== undefined);
	return at < 0 ? undefined : downloadError(urls[at].key, reasons[at] as string);
}

async function fetchProblem(sim: SimContext, url: string): Promise<string | undefined> {
	let answer = await probe(sim, url, 'HEAD');
	if (answer === 405 || answer === 501) answer = await probe(sim, url, 'GET');
	if (typeof answer === 'string') return answer;
	return answer >= 200 && answer < 300 ? undefined : `${answer} (${http.STATUS_CODES[answer] ?? 'error'})`;
}

/** The status of one request to `url`, or what went wrong (the body is never read). */
function probe(sim: SimContext, url: string, method: 'HEAD' | 'GET'): Promise<number | string> {
	return new Promise((resolve) => {
		let request: http.ClientRequest;
		try {
			const target = new URL(url);
			request = (target.protocol === 'https:' ? https : http).request(target, {
				method,
				agent: false,
				timeout: INPUT_FETCH_TIMEOUT_MS,
				headers: { 'User-Agent': 'Unifically-Simulator/1.0' },
			});
		} catch (error) {
			resolve((error as Error).message);
			return;
		}
		sim.inputProbes.add(request);
		request.on('response', (response) => {
			resolve(response.statusCode ?? 0);
			response.on('error', () => undefined);
			request.destroy();
		});
		request.on('timeout', () => {
			resolve(`timed out after ${INPUT_FETCH_TIMEOUT_MS / 1000} s`);
			request.destroy();
		});
		request.on('error', (error) => resolve(error.message));
		request.on('close', () => {
			sim.inputProbes.delete(request);
			resolve('connection closed');
		});
		request.end();
	});
}
