/**
 * Workflows and credentials as n8n's CLI imports them: the example workflows, rewriting URLs,
 * webhook paths by n8n's rule, and ids of n8n's kind.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { EXAMPLES_DIR } from './paths.cjs';

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{
		id?: string;
		name: string;
		type: string;
		typeVersion: number;
		position: [number, number];
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
		webhookId?: string;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	[key: string]: unknown;
}

/** An example workflow from `examples/<name>.json` (name with or without `.json`). */
export function loadExample(name: string): WorkflowJson {
	const file = path.join(EXAMPLES_DIR, name.endsWith('.json') ? name : `${name}.json`);
	return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkflowJson;
}

export function listExamples(): string[] {
	return fs.existsSync(EXAMPLES_DIR)
		? fs.readdirSync(EXAMPLES_DIR).filter((name) => name.endsWith('.json')).sort()
		: [];
}

/** Deep copy of a value with every string passed through `fn` (for URL rewriting). */
export function mapStrings<T>(value: T, fn: (text: string) => string): T {
	if (typeof value === 'string') return fn(value) as T;
	if (Array.isArray(value)) return value.map((entry) => mapStrings(entry, fn)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, mapStrings(entry, fn)])) as T;
	}
	return value;
}

/** n8n's own rule (NodeHelpers.getNodeWebhookPath) for a node with a `webhookId`. */
export function webhookPathOf(webhookId: string, path: string, isFullPath = false): string {
	if (isFullPath) return path || webhookId;
	return `${webhookId}/${path}`;
}


export interface CredentialInput {
	id?: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface UnificallyCredentialInput {
	id?: string;
	name?: string;
	apiKey?: string;
	baseUrl: string;
	/** Default: the Base URL's `/upload` (the simulator serves the storage upload too). */
	uploadUrl?: string;
	requestsPerSecond?: number;
}

/** A 16-character id of the kind n8n uses for workflows and credentials. */
export function randomId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	let id = '';
	for (let index = 0; index < 16; index++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
	return id;
}

