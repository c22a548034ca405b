/**
 * The n8n installs (scripts/ensure-n8n.sh) and this package as users get it: `npm run build` +
 * `npm pack`, cached by the content of the package's sources.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8N_VERSION, ROOT, n8nDir } from './paths.cjs';
import { runOrThrow } from './process.cjs';

export function n8nInstalled(version: string = N8N_VERSION, dir = n8nDir(version)): boolean {
	return fs.existsSync(path.join(dir, 'node_modules/.bin/n8n')) && fs.existsSync(path.join(dir, 'node_modules/sqlite3/build/Release/node_sqlite3.node'));
}

/**
 * Install n8n if missing (several minutes the first time; instant after): a given version into its
 * own `.cache/n8n-<version>`; by default the n8n of N8N_DIR (2.41.1 in .cache/n8n, or whatever
 * N8N_CACHE_DIR holds).
 */
export async function ensureN8n(version?: string): Promise<void> {
	const args = [path.join(ROOT, 'scripts/ensure-n8n.sh'), ...(version ? [version] : [])];
	await runOrThrow('bash', args, { timeoutMs: 30 * 60_000 });
}

/** Files that make up the package: a change to any of them means a new build + pack. */
function packageFingerprint(): string {
	const hash = createHash('sha256');
	const walk = (dir: string): void => {
		if (!fs.existsSync(dir)) return;
		for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.isFile()) hash.update(path.relative(ROOT, full)).update('\0').update(fs.readFileSync(full)).update('\0');
		}
	};
	for (const dir of ['nodes', 'credentials', 'icons', 'simulator']) walk(path.join(ROOT, dir));
	for (const file of ['package.json', 'tsconfig.json', 'gulpfile.js', 'README.md', 'LICENSE', 'LICENSE.md']) {
		const full = path.join(ROOT, file);
		if (fs.existsSync(full)) hash.update(file).update('\0').update(fs.readFileSync(full)).update('\0');
	}
	return hash.digest('hex').slice(0, 16);
}

/**
 * `npm run build` then `npm pack` into `.cache/e2e/pack/<fingerprint>/`; returns the tarball's path.
 * Reused while the package's sources are unchanged (E2E_REBUILD=1 forces a new one), so several
 * test files in one run (or consecutive runs) build once.
 */
export async function packPackage({ rebuild = process.env.E2E_REBUILD === '1' } = {}): Promise<string> {
	const dir = path.join(ROOT, '.cache/e2e/pack', packageFingerprint());
	const existing = fs.existsSync(dir) ? fs.readdirSync(dir).find((name) => name.endsWith('.tgz')) : undefined;
	if (existing && !rebuild) return path.join(dir, existing);
	await runOrThrow('npm', ['run', 'build', '--silent'], { timeoutMs: 10 * 60_000 });
	// Pack into a folder of our own, then move it into place: a concurrent run never sees half a tarball.
	fs.mkdirSync(path.dirname(dir), { recursive: true });
	const staging = fs.mkdtempSync(`${dir}.tmp-`);
	const packed = await runOrThrow('npm', ['pack', '--json', '--pack-destination', staging], { timeoutMs: 5 * 60_000 });
	const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>;
	fs.rmSync(dir, { recursive: true, force: true });
	try {
		fs.renameSync(staging, dir);
	} catch {
		// Another run put the same fingerprint in place meanwhile: use its tarball.
		fs.rmSync(staging, { recursive: true, force: true });
	}
	pruneOldPacks(dir);
	return path.join(dir, path.basename(info.filename));
}

/** Tarballs of earlier sources, unused for a day, go (a running suite's own stays). */
function pruneOldPacks(keep: string): void {
	const parent = path.dirname(keep);
	for (const name of fs.readdirSync(parent)) {
		const full = path.join(parent, name);
		if (full === keep) continue;
		try {
			if (Date.now() - fs.statSync(full).mtimeMs > 24 * 3600_000) fs.rmSync(full, { recursive: true, force: true });
		} catch {
			/* removed meanwhile */
		}
	}
}
