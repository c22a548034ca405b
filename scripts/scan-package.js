#!/usr/bin/env node
/**
 * Local run of n8n's community-package verification gate (`npx @n8n/scan-community-package <pkg>`),
 * without publishing anything.
 *
 * The gate (scanner/scanner.mjs `analyzePackageByName`) checks npm provenance, then lints twice with
 * its own pinned plugin versions:
 *   1. the source checkout the provenance points at, files `package.json` + `{nodes,credentials}/**`
 *      `*.{js,ts,json}`, with the full rule set (community-nodes recommended, no-console, and
 *      eslint-plugin-n8n-nodes-base's community / credentials / nodes rule sets);
 *   2. the published tarball, files `**` `/*.js` + `package.json`.
 * Any ESLint *error* fails it (warnings do not); `eslint-disable` comments are ignored.
 *
 * This script calls the gate's own `analyzePackage` for both legs: leg 1 on this checkout, leg 2 on a
 * temporary copy of exactly the files `npm pack` would publish (from `npm pack --dry-run --json`; no
 * tarball is written). Provenance cannot be checked before publishing (it is added by a CI publish
 * with `npm publish --provenance`), so it is not part of this check.
 *
 * Run after a build: `npm run scan` builds first. Exits 1 on any finding, printing it.
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function packedFiles() {
	const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: root,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		maxBuffer: 64 * 1024 * 1024,
	});
	const [info] = JSON.parse(out);
	return info.files.map((f) => f.path);
}

function stagePackage(files) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-nodes-unifically-scan-'));
	for (const rel of files) {
		const to = path.join(dir, rel);
		fs.mkdirSync(path.dirname(to), { recursive: true });
		fs.copyFileSync(path.join(root, rel), to);
	}
	return dir;
}

function report(label, result) {
	if (result.passed) {
		console.log(`✅ ${label}: passed${result.message ? ` (${result.message})` : ''}`);
		return true;
	}
	console.log(`❌ ${label}: ${result.message}`);
	if (result.details) console.log(result.details);
	return false;
}

async function main() {
	if (!fs.existsSync(path.join(root, 'dist', 'nodes'))) {
		console.error('dist/nodes does not exist: run `npm run build` first (or use `npm run scan`).');
		process.exit(1);
	}

	const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	const { analyzePackage, SOURCE_FILE_PATTERNS } = scanner;
	const scannerVersion = require('@n8n/scan-community-package/package.json').version;
	console.log(`@n8n/scan-community-package ${scannerVersion}`);

	const files = packedFiles();
	const jsFiles = files.filter((f) => f.endsWith('.js'));
	const { n8n = {} } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const missing = [...(n8n.nodes ?? []), ...(n8n.credentials ?? [])].filter((f) => !files.includes(f));

	let ok = true;

	if (missing.length > 0) {
		ok = false;
		console.log('❌ package.json "n8n" lists files that `npm pack` would not publish:');
		for (const f of missing) console.log(`   ${f}`);
	}

	ok =
		report(
			`source (${(SOURCE_FILE_PATTERNS ?? ['package.json', '{nodes,credentials}/**/*.{js,ts,json}']).join(', ')})`,
			await analyzePackage(root, SOURCE_FILE_PATTERNS),
		) && ok;

	const staged = stagePackage(files);
	try {
		ok =
			report(
				`published package (${files.length} files, ${jsFiles.length} .js + package.json linted)`,
				await analyzePackage(staged, ['**/*.js', 'package.json']),
			) && ok;
	} finally {
		fs.rmSync(staged, { recursive: true, force: true });
	}

	if (!ok) {
		console.log('\nThe verification gate would reject this package.');
		process.exit(1);
	}
	console.log('\nThe verification gate\'s lint passes (provenance is checked only on publish).');
	// The scanner leaves a temporary directory handle and axios agents around; do not wait for them.
	process.exit(0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
