import type { ILoadOptionsFunctions, INodeListSearchItems } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest, connectionOf } from './index';

/*
 * Lists the form's pickers read (voices, motions, models). Their answer shapes are not documented
 * (docs/api-doc-differences.md): the reader takes the shapes seen in clients and tolerates others.
 * One attempt, no retry: a dropdown that waits half a minute helps nobody, and the field takes an
 * ID typed "By ID" whatever the list does.
 */

export interface ListEntry {
	id: string;
	name: string;
	description?: string;
	/** Fields some callers filter on (a model's `category`). */
	category?: string;
}

export interface ListPage {
	entries: ListEntry[];
	/** The cursor of the next page, when the answer names one. */
	next?: string;
}

/** How long a list read is reused (per credential, base URL and path): the editor asks on every keystroke. */
export const LIST_CACHE_MS = 60_000;
const CACHE_LIMIT = 100;
const cache = new Map<string, { at: number; page: ListPage }>();

/** Empties the cache (tests that change what the simulator serves). */
export function clearListCache() {
	cache.clear();
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const LIST_KEYS = ['items', 'voices', 'motions', 'models', 'results', 'data', 'list'];

/** The array of entries in an answer: itself, or under `data`, `items`, `voices` … (one or two levels, envelope included). */
function arrayIn(body: unknown, depth = 0): unknown[] | undefined {
	if (Array.isArray(body)) return body;
	if (!isObject(body) || depth > 2) return undefined;
	for (const key of LIST_KEYS) {
		const found = arrayIn(body[key], depth + 1);
		if (found) return found;
	}
	return undefined;
}

const text = (value: unknown): string | undefined =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : undefined;

/** One entry of an answer: a string, or an object with `voice_id` / `id` … and `name` / `display_name` …. */
export function entryOf(raw: unknown): ListEntry | undefined {
	if (typeof raw === 'string' || typeof raw === 'number') {
		const id = text(raw);
		return id ? { id, name: id } : undefined;
	}
	if (!isObject(raw)) return undefined;
	const id = text(raw.voice_id) ?? text(raw.id) ?? text(raw.model_id) ?? text(raw.motion_id) ?? text(raw.uuid);
	if (!id) return undefined;
	const name = text(raw.name) ?? text(raw.display_name) ?? text(raw.title) ?? id;
	const labels = isObject(raw.labels) ? Object.values(raw.labels).map(text).filter(Boolean).join(', ') : undefined;
	const description = text(raw.description) ?? text(raw.provider_display) ?? text(raw.owned_by) ?? (labels || text(raw.category));
	return { id, name, ...(description ? { description } : {}), ...(text(raw.category) ? { category: text(raw.category) } : {}) };
}

/** Reads the entries of a list answer, whatever its shape; `undefined` when no list is found in it. */
export function readListAnswer(body: unknown): ListPage | undefined {
	const items = arrayIn(body);
	if (!items) return undefined;
	const entries = items.map(entryOf).filter((entry): entry is ListEntry => entry !== undefined);
	const containers = [body, isObject(body) ? body.data : undefined].filter(isObject);
	const next = containers.map((container) => text(container.next_cursor) ?? text(container.nextCursor)).find(Boolean);
	return { entries, ...(next ? { next } : {}) };
}

/** Why a list could not be read, and that the field still takes an ID. */
const cannotRead = (context: ILoadOptionsFunctions, path: string, what: string, why: string) =>
	new NodeOperationError(context.getNode(), `Could not read the ${what} from Unifically: ${why}`, {
		description: `Choose "By ID" and paste the ID instead. The list comes from GET ${path}.`,
	});

/**
 * GETs a list from the API (`path` under the credential's base URL), through the key's rate limiter,
 * and reads it. Fails with an error saying what happened and that the field still takes an ID.
 */
export async function readList(context: ILoadOptionsFunctions, path: string, what: string): Promise<ListPage> {
	const connection = await connectionOf(context);
	const cacheKey = `${connection.fingerprint}\u0000${connection.baseUrl}\u0000${path}`;
	const now = Date.now();
	const cached = cache.get(cacheKey);
	if (cached && now - cached.at < LIST_CACHE_MS) return cached.page;

	let body: unknown;
	try {
		body = await apiRequest<unknown>(context, { kind: 'status', method: 'GET', path, retry: false, timeoutMs: 15_000, wholeBody: true });
	} catch (error) {
		throw cannotRead(context, path, what, (error as Error).message);
	}
	const page = readListAnswer(body);
	if (!page) throw cannotRead(context, path, what, 'its answer holds no list');

	if (cache.size >= CACHE_LIMIT) {
		for (const [key, entry] of cache) if (now - entry.at >= LIST_CACHE_MS || cache.size >= CACHE_LIMIT) cache.delete(key);
	}
	cache.set(cacheKey, { at: now, page });
	return page;
}

/** The entries whose name or ID contains the search text (the APIs are not known to search). */
export function matching(entries: ListEntry[], filter?: string): ListEntry[] {
	const wanted = filter?.trim().toLowerCase();
	if (!wanted) return entries;
	return entries.filter((entry) => `${entry.name} ${entry.id} ${entry.description ?? ''}`.toLowerCase().includes(wanted));
}

/** Entries as n8n's resource locator lists them: the name, with the ID where the name is not it. */
export function toSearchItems(entries: ListEntry[]): INodeListSearchItems[] {
	return entries.map((entry) => ({
		name: entry.name === entry.id ? entry.id : `${entry.name} (${entry.id})`,
		value: entry.id,
		...(entry.description ? { description: entry.description } : {}),
	}));
}
