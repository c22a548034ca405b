#!/usr/bin/env node
/**
 * Cut a release: lint (which builds), bump the version, move CHANGELOG.md's "Unreleased" entries under
 * the new version, commit and tag `v<version>`. Pushing the tag is left to you
 * (`git push --follow-tags`): the tag starts .github/workflows/publish.yml, which publishes to npm
 * with a provenance statement (n8n's verification requires it). Nothing here talks to npm or GitHub.
 *
 *   npm run release -- patch|minor|major|<x.y.z>   # default: patch
 *   npm run release -- minor --dry-run             # print what would happen, change nothing
 *   npm run release -- 0.2.0 --skip-checks         # without lint/build (tests of this script)
 *
 * It stops, saying why, when the git tree is not clean, the tag exists, the version does not go up,
 * or "Unreleased" in CHANGELOG.md is empty (a release with nothing to tell).
 */
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function fail(message) {
	process.stderr.write(`release: ${message}\n`);
	process.exit(1);
}

function git(args, options = {}) {
	return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options }).trim();
}

/** `x.y.z` (no pre-release tags: the package publishes plain versions). */
function parseVersion(text) {
	const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
	return match ? match.slice(1).map(Number) : undefined;
}

function compare(a, b) {
	for (let index = 0; index < 3; index++) if (a[index] !== b[index]) return a[index] - b[index];
	return 0;
}

function nextVersion(current, bump) {
	const [major, minor, patch] = parseVersion(current) ?? fail(`package.json version "${current}" is not x.y.z`);
	if (bump === 'major') return `${major + 1}.0.0`;
	if (bump === 'minor') return `${major}.${minor + 1}.0`;
	if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
	if (!parseVersion(bump)) fail(`"${bump}" is neither patch, minor, major nor a version x.y.z`);
	if (compare(parseVersion(bump), [major, minor, patch]) <= 0) fail(`${bump} is not above the current version ${current}`);
	return bump;
}

/**
 * CHANGELOG.md with the entries under "## Unreleased" moved under "## <version> (<date>)", and an
 * empty "## Unreleased" left on top for the next changes. Returns the new text and the entries.
 */
function releaseChangelog(text, version, date) {
	const lines = text.split('\n');
	const start = lines.findIndex((line) => /^## Unreleased\s*$/.test(line));
	if (start < 0) fail('CHANGELOG.md has no "## Unreleased" section');
	let end = lines.findIndex((line, index) => index > start && /^## /.test(line));
	if (end < 0) end = lines.length;
	const entries = lines.slice(start + 1, end);
	while (entries.length && entries[0].trim() === '') entries.shift();
	while (entries.length && entries[entries.length - 1].trim() === '') entries.pop();
	if (entries.length === 0) fail('"## Unreleased" in CHANGELOG.md is empty: record the changes first');
	const released = ['## Unreleased', '', `## ${version} (${date})`, '', ...entries, ''];
	const rest = lines.slice(end);
	return { text: [...lines.slice(0, start), ...released, ...rest].join('\n').replace(/\n*$/, '\n'), entries };
}

function main() {
	const args = process.argv.slice(2);
	const dryRun = args.includes('--dry-run');
	const skipChecks = args.includes('--skip-checks');
	const unknown = args.filter((arg) => arg.startsWith('--') && !['--dry-run', '--skip-checks'].includes(arg));
	if (unknown.length) fail(`unknown option ${unknown.join(' ')}`);
	const bump = args.find((arg) => !arg.startsWith('--')) ?? 'patch';

	const packagePath = path.join(ROOT, 'package.json');
	const packageJson = JSON.parse(fs.readFileSync(packagePath, 'utf8'));
	const version = nextVersion(packageJson.version, bump);
	const tag = `v${version}`;
	const date = process.env.RELEASE_DATE ?? new Date().toISOString().slice(0, 10);

	try {
		git(['rev-parse', '--is-inside-work-tree']);
	} catch {
		fail(`${ROOT} is not a git work tree`);
	}
	const dirty = git(['status', '--porcelain', '--untracked-files=no']);
	if (dirty) fail(`the git tree has uncommitted changes; commit or stash them first:\n${dirty}`);
	if (git(['tag', '--list', tag])) fail(`tag ${tag} exists already`);

	const changelogPath = path.join(ROOT, 'CHANGELOG.md');
	const changelog = releaseChangelog(fs.readFileSync(changelogPath, 'utf8'), version, date);

	const steps = [
		skipChecks ? 'skip lint and build (--skip-checks)' : 'npm run lint (n8n-node lint + the verification-gate rules; builds)',
		`package.json version ${packageJson.version} → ${version} (and package-lock.json)`,
		`CHANGELOG.md: ${changelog.entries.filter((line) => line.startsWith('- ')).length} entries from "Unreleased" under "## ${version} (${date})"`,
		`git commit "Release ${tag}" and git tag -a ${tag}`,
	];
	process.stdout.write(`release ${tag}${dryRun ? ' (dry run: nothing is changed)' : ''}:\n${steps.map((step) => `  - ${step}`).join('\n')}\n`);
	if (dryRun) return;

	if (!skipChecks) {
		try {
			execFileSync('npm', ['run', 'lint', '--silent'], { cwd: ROOT, stdio: 'inherit' });
		} catch {
			fail('lint failed: nothing was changed');
		}
	}

	packageJson.version = version;
	fs.writeFileSync(packagePath, JSON.stringify(packageJson, null, 2) + '\n');
	const lockPath = path.join(ROOT, 'package-lock.json');
	const files = ['package.json', 'CHANGELOG.md'];
	if (fs.existsSync(lockPath)) {
		const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
		lock.version = version;
		if (lock.packages?.['']) lock.packages[''].version = version;
		fs.writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
		files.push('package-lock.json');
	}
	fs.writeFileSync(changelogPath, changelog.text);

	git(['add', ...files]);
	git(['commit', '-m', `Release ${tag}`, '-m', changelog.entries.join('\n')]);
	git(['tag', '-a', tag, '-m', `${packageJson.name} ${version}\n\n${changelog.entries.join('\n')}`]);
	process.stdout.write(`release: committed and tagged ${tag}. Publish it with:\n  git push --follow-tags\n`);
}

main();
