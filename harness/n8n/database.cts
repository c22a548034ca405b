/**
 * Reading a stopped or running n8n's SQLite database and binary data folder directly (read-only;
 * safe while n8n runs): registered webhooks, executions with their run data, stored binary files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { BinaryMeta, ExecutionRecord, RunData } from './runData.cjs';

/** Opens `<n8n folder>/database.sqlite` read-only for the time of `fn`. */
export function withDb<T>(n8nFolder: string, fn: (db: import('node:sqlite').DatabaseSync) => T): T {
	// getBuiltinModule: Jest's module registry does not know prefix-only built-ins like node:sqlite.
	const { DatabaseSync } = process.getBuiltinModule('node:sqlite') as typeof import('node:sqlite');
	// timeout: a running n8n holds the write lock for a moment now and then (1.x while it saves an
	// execution); wait for it instead of failing with "database is locked".
	const db = new DatabaseSync(path.join(n8nFolder, 'database.sqlite'), { readOnly: true, timeout: 10_000 });
	try {
		return fn(db);
	} finally {
		db.close();
	}
}

/** The rows of webhook_entity (production webhooks n8n has registered), optionally of one workflow. */
export function webhookRows(n8nFolder: string, workflowId?: string): Array<{ workflowId: string; webhookPath: string; method: string; node: string }> {
	return withDb(n8nFolder, (db) =>
		workflowId
			? db.prepare('SELECT workflowId, webhookPath, method, node FROM webhook_entity WHERE workflowId = ?').all(workflowId)
			: db.prepare('SELECT workflowId, webhookPath, method, node FROM webhook_entity').all(),
	) as Array<{ workflowId: string; webhookPath: string; method: string; node: string }>;
}

/**
 * Executions, oldest first; with `includeData` each carries its run, parsed with the `flatted` of
 * the n8n install that wrote it (`installDir`).
 */
export function executionRows(
	n8nFolder: string,
	installDir: string,
	{ workflowId, includeData = false }: { workflowId?: string; includeData?: boolean } = {},
): ExecutionRecord[] {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const flatted = require(path.join(installDir, 'node_modules/flatted')) as { parse: (text: string) => unknown };
	return withDb(n8nFolder, (db) => {
		const sql =
			'SELECT e.id, e.workflowId, e.status, e.finished, e.mode, e.startedAt, e.stoppedAt, e.waitTill' +
			(includeData ? ', d.data' : '') +
			' FROM execution_entity e' +
			(includeData ? ' LEFT JOIN execution_data d ON d.executionId = e.id' : '') +
			(workflowId ? ' WHERE e.workflowId = ?' : '') +
			' ORDER BY e.id';
		const statement = db.prepare(sql);
		const rows = (workflowId ? statement.all(workflowId) : statement.all()) as Array<Record<string, unknown>>;
		return rows.map((row) => ({
			id: String(row.id),
			workflowId: String(row.workflowId),
			status: String(row.status),
			finished: row.finished === 1 || row.finished === true,
			mode: String(row.mode),
			startedAt: (row.startedAt as string | null) ?? null,
			stoppedAt: (row.stoppedAt as string | null) ?? null,
			waitTill: (row.waitTill as string | null) ?? null,
			run:
				includeData && typeof row.data === 'string'
					? ({ data: flatted.parse(row.data), status: String(row.status), mode: String(row.mode) } as RunData)
					: undefined,
		}));
	});
}

/** The bytes of a binary property stored by n8n (filesystem mode, or inline base64). */
export function readStoredBinary(n8nFolder: string, binary: BinaryMeta): Buffer {
	if (binary.id) {
		const [mode, ...rest] = binary.id.split(':');
		if (mode.startsWith('filesystem')) {
			// n8n 2.x keeps binary data in <n8n folder>/storage, n8n 1.x in <n8n folder>/binaryData.
			const candidates = ['storage', 'binaryData'].map((dir) => path.join(n8nFolder, dir, rest.join(':')));
			const found = candidates.find((file) => fs.existsSync(file));
			if (!found) throw new Error(`binary data ${binary.id} is not in ${candidates.join(' nor ')}`);
			return fs.readFileSync(found);
		}
		throw new Error(`Cannot read binary data stored in mode "${mode}"`);
	}
	if (binary.data) return Buffer.from(binary.data, 'base64');
	throw new Error('Binary data has neither an id nor inline data');
}
