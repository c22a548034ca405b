/**
 * Where things are for driving a real n8n: the repository, the n8n installs (`.cache/n8n`, or
 * `.cache/n8n-<version>` for another version; scripts/ensure-n8n.sh puts them there), the Node 24
 * that n8n 2.x needs, the package's names and the example workflows.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository: the first folder above this file's with a package.json (two levels up from
 * harness/n8n; the benchmark runs a compiled copy of this file from .cache/bench-build/harness/n8n,
 * where the first package.json above is the repository's too).
 */
export const ROOT = ((start: string) => {
	for (let dir = start; ; dir = path.dirname(dir)) {
		if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
		if (path.dirname(dir) === dir) return start;
	}
})(path.resolve(__dirname, '../..'));
/** The default n8n: the one every e2e file runs on (`.cache/n8n`). */
export const N8N_VERSION = '2.41.1';
/** The 1.x line users still run (maintained through 2026): the compatibility suite runs it too. */
export const N8N_LEGACY_VERSION = '1.123.81';
/** The n8n versions the compatibility suite (test/e2e/compat.test.cts) runs on, oldest first. */
export const TESTED_N8N_VERSIONS = [N8N_LEGACY_VERSION, N8N_VERSION] as const;
export const N8N_DIR = process.env.N8N_CACHE_DIR ? path.resolve(ROOT, process.env.N8N_CACHE_DIR) : path.join(ROOT, '.cache/n8n');
export const N8N_BIN = path.join(N8N_DIR, 'node_modules/.bin/n8n');

/** Where scripts/ensure-n8n.sh installs an n8n version (the same rule as the script). */
export function n8nDir(version: string = N8N_VERSION): string {
	return version === N8N_VERSION ? N8N_DIR : path.join(ROOT, `.cache/n8n-${version}`);
}

export function n8nBin(version: string = N8N_VERSION): string {
	return path.join(n8nDir(version), 'node_modules/.bin/n8n');
}

/** The n8n version installed in a folder (undefined when none is). */
export function installedN8nVersion(dir: string): string | undefined {
	try {
		return (JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/n8n/package.json'), 'utf8')) as { version: string }).version;
	} catch {
		return undefined;
	}
}
/**
 * The folder of the Node n8n 2.x runs on (24+): N8N_NODE_BIN_DIR when scripts/test.sh set it
 * (scripts/ensure-node.sh), else this process's own Node when new enough, else where
 * ensure-node.sh installs Node 24 into the cache (`.cache/node-24.9.0-<os>-<arch>`).
 */
export const NODE24_BIN_DIR =
	process.env.N8N_NODE_BIN_DIR ||
	(Number(process.versions.node.split('.')[0]) >= 24
		? path.dirname(process.execPath)
		: path.join(ROOT, `.cache/node-24.9.0-${process.platform}-${process.arch}/node_modules/node-${process.platform}-${process.arch}/bin`));
export const PACKAGE_NAME = 'n8n-nodes-unifically';
export const UNIFICALLY_NODE = `${PACKAGE_NAME}.unifically`;
export const UNIFICALLY_TRIGGER = `${PACKAGE_NAME}.unificallyTrigger`;
export const EXAMPLES_DIR = path.join(ROOT, 'examples');
/** The id and name the examples reference (and the demo creates). */
export const EXAMPLE_CREDENTIAL = { id: 'unifSimulator001', name: 'Unifically (simulator)' };
/** The base URL the examples are written for (the demo's n8n); rewritten to a test instance's URL. */
export const DEMO_BASE_URL = 'http://localhost:5678';

/** PATH with Node 24 first: n8n 2.x refuses older Node, and its native modules are built for 24. */
export function pathWithNode24(base = process.env.PATH ?? ''): string {
	return [path.join(ROOT, 'node_modules/.bin'), NODE24_BIN_DIR, base].join(path.delimiter);
}
