/**
 * The API doc (docs/unifically-tasks-api.txt) read as data, for the catalog's tests: its model list
 * ("Available Models") and its parameter tables ("Model Parameters"), including the models
 * documented by reference to another's table. Parsed from the text, independently of the catalog.
 */
import * as fs from 'fs';
import * as path from 'path';

import type { Resource } from '../../../nodes/Unifically/catalog/index';

const root = path.join(__dirname, '..', '..', '..');
export const apiDocLines = fs
	.readFileSync(path.join(root, 'docs', 'unifically-tasks-api.txt'), 'utf8')
	.split(/\r?\n/)
	.map((line) => line.trim());

export const ID = /^[a-z0-9-]+\/[a-z0-9.-]+$/;

// ---- parsing the API doc --------------------------------------------------------------------------

export interface ApiDocModel {
	id: string;
	name: string;
	resource: Resource;
}

export function parseAvailableModels(): ApiDocModel[] {
	const start = apiDocLines.indexOf('Available Models');
	const end = apiDocLines.indexOf('Model Parameters');
	expect(start).toBeGreaterThan(-1);
	expect(end).toBeGreaterThan(start);
	const headings: Record<string, Resource> = {
		'Video Generation': 'video',
		'Image Generation': 'image',
		'Audio Generation': 'audio',
	};
	const models: ApiDocModel[] = [];
	let resource: Resource | undefined;
	for (const line of apiDocLines.slice(start + 1, end)) {
		if (headings[line]) {
			resource = headings[line];
			continue;
		}
		// "google/veo-3.1-fastGoogle Veo 3.1 Fast (720p, 1080p, 4k)": ids are lower case, names start upper case.
		const match = /^([a-z0-9-]+\/[a-z0-9.-]+)([A-Z].*)$/.exec(line);
		if (!match) continue;
		if (!resource) throw new Error(`model line before any resource heading: ${line}`);
		models.push({ id: match[1], name: match[2], resource });
	}
	return models;
}

export type ApiDocRequired = 'Yes' | 'Yes*' | 'Yes**' | 'No';

export interface ApiDocRow {
	key: string;
	apiDocType: string;
	required: ApiDocRequired;
	description: string;
}

export interface ApiDocTable {
	line: string;
	modelIds: string[];
	rows: ApiDocRow[];
}

/** A model documented by reference to another's table ("Same as O1 Video with these differences: …"). */
export interface DerivedModel {
	id: string;
	baseId: string;
	differences: string;
}

export const ROW =
	/^([a-z][a-z0-9_]*?)(string\[\]|string|integer|number|boolean|array|ElementInput\[\])(Yes\*\*|Yes\*|Yes|No)(.*)$/;

export function idsIn(text: string): string[] {
	return text
		.split(/[\s,]+/)
		.map((token) => token.replace(/[.,;:]+$/, ''))
		.filter((token) => ID.test(token));
}

export function parseParameterTables(): { tables: ApiDocTable[]; derived: DerivedModel[] } {
	const start = apiDocLines.indexOf('Model Parameters');
	const end = apiDocLines.indexOf('Rate Limiting');
	const tables: ApiDocTable[] = [];
	const derived: DerivedModel[] = [];
	let modelLine: string | undefined;
	for (let index = start; index < end; index++) {
		const line = apiDocLines[index];
		const modelMatch = /^Models?:\s*(.*)$/.exec(line);
		if (modelMatch) {
			modelLine = modelMatch[1];
			const same = /Same as (.+?) with these differences:(.*)$/.exec(modelLine);
			if (same) {
				const [id] = idsIn(modelLine);
				const baseName = same[1].toLowerCase().replace(/\s+/g, '-'); // "O1 Video" → "o1-video"
				derived.push({ id, baseId: `kuaishou/kling-${baseName}`, differences: same[2] });
				modelLine = undefined;
			}
			continue;
		}
		if (line !== 'ParameterTypeRequiredDescription') continue;
		if (!modelLine) throw new Error(`parameter table without a Model(s) line at API doc line ${index + 1}`);
		const table: ApiDocTable = { line: modelLine, modelIds: idsIn(modelLine), rows: [] };
		for (index++; index < end; index++) {
			const row = ROW.exec(apiDocLines[index]);
			if (!row) break;
			table.rows.push({
				key: row[1],
				apiDocType: row[2],
				required: row[3] as ApiDocRequired,
				description: row[4],
			});
		}
		index--;
		tables.push(table);
		modelLine = undefined;
	}
	return { tables, derived };
}

