/**
 * What n8n's verification asks of a published community node, checked offline:
 * - .github/workflows/publish.yml publishes on a version tag, from GitHub Actions, with an npm
 *   provenance statement (`id-token: write`, `--provenance`), with least privilege;
 * - .github/workflows/ci.yml runs the same test command as .ci/run, which lints and builds once;
 * - package.json's repository, homepage, bugs and author point at one public repository, and the
 *   README links it; `npm pack` ships exactly what n8n loads (compiled sources, codex files, icons)
 *   with README, LICENSE and package.json; the codex's documentation links lead to README sections;
 * - `npm run release` (scripts/release.js) bumps the version, moves CHANGELOG.md's "Unreleased"
 *   under it, commits and tags — run for real in a throwaway git repository.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parse as parseYaml } from 'yaml';

import { anchorsOf } from '../unit/support/markdown.cjs';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
type Map = { [key: string]: unknown };
const asMap = (value: unknown): Map => {
	if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`expected a mapping, got ${JSON.stringify(value)}`);
	return value as Map;
};
const asList = (value: unknown): unknown[] => {
	if (!Array.isArray(value)) throw new Error(`expected a list, got ${JSON.stringify(value)}`);
	return value;
};
const steps = (workflow: Map, job: string): Map[] => asList(asMap(asMap(workflow.jobs)[job]).steps).map(asMap);
const runs = (workflow: Map, job: string): string[] => steps(workflow, job).flatMap((step) => (typeof step.run === 'string' ? [step.run.trim()] : []));

/** The command .ci/run runs (its last line that is not a comment, `set` or `cd`). */
function ciRunCommand(): string {
	const lines = read('.ci/run')
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line && !line.startsWith('#') && !/^(set|cd)\b/.test(line));
	return lines[lines.length - 1];
}

describe('.github/workflows/publish.yml', () => {
	const workflow = asMap(parseYaml(read('.github/workflows/publish.yml')));
	const job = asMap(asMap(workflow.jobs).publish);

	test('runs only when a version tag v* is pushed', () => {
		expect(Object.keys(asMap(workflow.on))).toEqual(['push']);
		expect(asMap(workflow.on).push).toEqual({ tags: ['v*'] });
	});

	test('may mint an OIDC token for provenance and only read the repository', () => {
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
		// No wider grant at the top level either.
		expect(workflow.permissions ?? {}).toEqual({});
	});

	test('publishes with provenance, publicly, after lint/build, tests and a tag/version check', () => {
		const commands = runs(workflow, 'publish');
		const publishIndex = commands.findIndex((run) => /\bnpm publish\b/.test(run));
		expect(publishIndex).toBeGreaterThan(-1);
		const publish = commands[publishIndex];
		expect(publish.split(/\s+/)).toEqual(expect.arrayContaining(['npm', 'publish', '--provenance', '--access', 'public']));
		expect(commands.filter((run) => /\bnpm publish\b/.test(run))).toHaveLength(1);
		const before = commands.slice(0, publishIndex).join('\n');
		expect(before).toMatch(/^npm ci$/m);
		expect(before).toMatch(/npm run lint/);
		expect(before).toMatch(/npm test/);
		expect(before).toMatch(/GITHUB_REF_NAME.*v\$\{version\}/);
	});

	test('sets up Node 24 against the public npm registry', () => {
		const setup = steps(workflow, 'publish').find((step) => String(step.uses).startsWith('actions/setup-node@'));
		expect(asMap(setup!.with)).toMatchObject({ 'node-version': '24', 'registry-url': 'https://registry.npmjs.org' });
	});
});

describe('.github/workflows/ci.yml', () => {
	const workflow = asMap(parseYaml(read('.github/workflows/ci.yml')));
	const [jobName] = Object.keys(asMap(workflow.jobs));

	test('runs on pull requests and pushes to main', () => {
		expect(asMap(workflow.on)).toEqual({ pull_request: null, push: { branches: ['main'] } });
	});

	test('installs, then runs the same test command as .ci/run, which lints and builds once (no step of its own for either)', () => {
		expect(ciRunCommand()).toBe('npm test');
		expect(runs(workflow, jobName)).toEqual(['npm ci', ciRunCommand()]);
		// `npm test` (scripts/test.sh) starts with `npm run lint`, and lint builds (scripts/lint.sh).
		expect(read('scripts/test.sh')).toMatch(/^npm run lint\b/m);
		expect(read('scripts/lint.sh')).toMatch(/^npm run build\b/m);
	});

	test("runs as GitHub's non-root runner allows: Postgres and Redis as service containers named by TEST_POSTGRES_URL / TEST_REDIS_URL, nothing installed with apt-get", () => {
		const job = asMap(asMap(workflow.jobs)[jobName]);
		const services = asMap(job.services);
		const postgres = asMap(services.postgres);
		const redis = asMap(services.redis);
		expect(String(postgres.image)).toMatch(/^postgres:\d+$/);
		expect(String(redis.image)).toMatch(/^redis:\d+$/);
		expect(postgres.ports).toEqual(['5432:5432']);
		expect(redis.ports).toEqual(['6379:6379']);
		// Health checks: the job's steps start only when both answer.
		expect(String(postgres.options)).toContain('--health-cmd pg_isready');
		expect(String(redis.options)).toContain('--health-cmd "redis-cli ping"');
		const env = asMap(job.env);
		const pg = new URL(String(env.TEST_POSTGRES_URL));
		expect([pg.protocol, pg.hostname, pg.port, pg.password]).toEqual(['postgres:', '127.0.0.1', '5432', asMap(postgres.env).POSTGRES_PASSWORD]);
		const redisUrl = new URL(String(env.TEST_REDIS_URL));
		expect([redisUrl.protocol, redisUrl.hostname, redisUrl.port]).toEqual(['redis:', '127.0.0.1', '6379']);
		// What the tests read them by (harness/n8n/queue.cts, scripts/check-tools.sh).
		expect(read('harness/n8n/queue.cts')).toContain('process.env.TEST_POSTGRES_URL');
		expect(read('scripts/check-tools.sh')).toContain('TEST_REDIS_URL');
		expect(runs(workflow, jobName).join('\n')).not.toMatch(/apt-get|sudo/);
	});

	test('uses Node 24 (n8n 2.x needs it), read-only, and fits the 90 minutes', () => {
		const setup = steps(workflow, jobName).find((step) => String(step.uses).startsWith('actions/setup-node@'));
		expect(asMap(setup!.with)['node-version']).toBe('24');
		expect(workflow.permissions).toEqual({ contents: 'read' });
		expect(Number(asMap(asMap(workflow.jobs)[jobName])['timeout-minutes'])).toBeLessThanOrEqual(90);
	});
});

describe('package.json metadata and what npm ships', () => {
	const pkg = JSON.parse(read('package.json'));

	test('repository, homepage, bugs and author agree on one public GitHub repository', () => {
		const repository = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(pkg.repository.url)?.[1];
		expect(repository).toBeDefined();
		expect(pkg.repository.type).toBe('git');
		expect(pkg.homepage).toBe(`${repository}#readme`);
		expect(pkg.bugs.url).toBe(`${repository}/issues`);
		expect(pkg.author.name).toEqual(expect.any(String));
		// The README links the same repository (n8n's verification compares them).
		expect(read('README.md')).toContain(repository);
		expect(pkg.keywords).toContain('n8n-community-node-package');
	});

	test('engines, the n8n peer dependency as the gate requires it, no runtime dependencies, provenance on publish', () => {
		// n8n 1.x's own minimum (n8n 2.x needs 24); the tested n8n versions are in the README.
		expect(pkg.engines).toEqual({ node: '>=20.19' });
		expect(read('README.md')).toMatch(/## Compatibility\n[\s\S]*\*\*2\.41\.1\*\*[\s\S]*\*\*1\.123\.81\*\*/);
		// n8n's verification gate (valid-peer-dependencies) accepts only "*".
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.publishConfig).toEqual({ access: 'public', provenance: true });
	});

	/** The files `npm pack` would publish (built first when dist/ is missing). */
	const packedFiles = (() => {
		let files: string[] | undefined;
		return (): string[] => {
			if (files) return files;
			if (!fs.existsSync(path.join(ROOT, 'dist/nodes/Unifically/Unifically.node.js'))) {
				execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'ignore' });
			}
			const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
			const [info] = JSON.parse(output.slice(output.indexOf('['))) as Array<{ name: string; files: Array<{ path: string }> }>;
			expect(info.name).toBe('n8n-nodes-unifically');
			files = info.files.map((file) => file.path).sort();
			return files;
		};
	})();

	/** Every file under `dir` (relative to ROOT), recursively. */
	const walk = (dir: string): string[] =>
		fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
			const relative = `${dir}/${entry.name}`;
			return entry.isDirectory() ? walk(relative) : [relative];
		});

	test('`npm pack --dry-run` ships exactly what n8n loads: the compiled sources, the codex files and the icons, with README, LICENSE and package.json', () => {
		const sources = [...walk('nodes'), ...walk('credentials')];
		const expected = [
			...sources.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).map((file) => `dist/${file.replace(/\.ts$/, '.js')}`),
			...sources.filter((file) => /\.node\.json$|\.(svg|png)$/.test(file)).map((file) => `dist/${file}`),
			'LICENSE.md',
			'README.md',
			'package.json',
		].sort();
		expect(packedFiles()).toEqual(expected);
		// No declarations, source maps, tests, simulator or tooling.
		expect(packedFiles().filter((file) => /\.d\.ts$|\.map$|\.test\.|simulator|bench|scripts\/|\.github/.test(file))).toEqual([]);
	});

	test('every entry point package.json names is shipped (no `main`: n8n loads the files of the `n8n` section)', () => {
		expect(pkg.main).toBeUndefined();
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(packedFiles()).toContain(file);
	});

	test('the icons the nodes and the credential name are shipped', () => {
		/** The class a source module exports under its file's name, as n8n loads it, instantiated. */
		const instanceOf = (distFile: string) => {
			const module = require(path.join(ROOT, distFile.replace(/^dist\//, '').replace(/\.js$/, '.ts'))) as Record<string, unknown>;
			const Class = module[path.basename(distFile).split('.')[0]] as new () => { description?: { icon?: unknown }; icon?: unknown };
			expect(typeof Class).toBe('function');
			return new Class();
		};
		const iconsOf = (file: string): string[] => {
			const instance = instanceOf(file);
			const icon = instance.description?.icon ?? instance.icon;
			const paths = typeof icon === 'string' ? [icon] : Object.values(icon as Record<string, string>);
			return paths.map((value) => {
				expect(value).toMatch(/^file:/);
				return path.posix.normalize(path.posix.join(path.posix.dirname(file), value.slice('file:'.length)));
			});
		};
		const icons = [...pkg.n8n.nodes, ...pkg.n8n.credentials].flatMap(iconsOf);
		expect(icons.length).toBeGreaterThanOrEqual(3);
		for (const icon of icons) expect([icon, packedFiles().includes(icon)]).toEqual([icon, true]);
	});

	test("the documentation links of the codex files and the credential lead to sections of the README", () => {
		const repository = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(pkg.repository.url)![1];
		const anchors = anchorsOf(read('README.md'));
		const urls: string[] = [];
		for (const codex of packedFiles().filter((file) => file.endsWith('.node.json'))) {
			const resources = JSON.parse(read(codex.replace(/^dist\//, ''))).resources as Record<string, Array<{ url: string }>>;
			expect(Object.keys(resources).sort()).toEqual(['credentialDocumentation', 'primaryDocumentation']);
			for (const list of Object.values(resources)) urls.push(...list.map((entry) => entry.url));
		}
		const credentials = require(path.join(ROOT, 'credentials/UnificallyApi.credentials.ts')) as { UnificallyApi: new () => { documentationUrl: string } };
		urls.push(new credentials.UnificallyApi().documentationUrl);
		// n8n's editor (the node panel's "Docs") appends `?utm_…` to a codex URL — after its #anchor, which
		// breaks it — but links a node description's own documentationUrl as it is: both lead to the same section.
		for (const file of pkg.n8n.nodes as string[]) {
			const source = file.replace(/^dist\//, '').replace(/\.js$/, '.ts');
			const module = require(path.join(ROOT, source)) as Record<string, new () => { description: { documentationUrl?: string } }>;
			const url = new module[path.basename(file).split('.')[0]]().description.documentationUrl;
			const codex = JSON.parse(read(source.replace(/\.ts$/, '.json'))).resources.primaryDocumentation[0].url;
			expect([file, url]).toEqual([file, codex]);
			urls.push(url!);
		}
		expect(urls).toHaveLength(7);
		for (const url of urls) {
			const [base, anchor] = url.split('#');
			expect([url, base]).toEqual([url, repository]);
			expect([url, anchors.has(anchor)]).toEqual([url, true]);
		}
	});
});

describe('npm run release (scripts/release.js) in a throwaway repository', () => {
	let dir: string;
	const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
	const release = (...args: string[]) =>
		spawnSync(process.execPath, ['scripts/release.js', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, RELEASE_DATE: '2026-11-29' } });

	beforeEach(() => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-release-'));
		fs.mkdirSync(path.join(dir, 'scripts'));
		fs.copyFileSync(path.join(ROOT, 'scripts/release.js'), path.join(dir, 'scripts/release.js'));
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'n8n-nodes-unifically', version: '0.1.0' }, null, 2) + '\n');
		fs.writeFileSync(
			path.join(dir, 'package-lock.json'),
			JSON.stringify({ name: 'n8n-nodes-unifically', version: '0.1.0', lockfileVersion: 3, packages: { '': { name: 'n8n-nodes-unifically', version: '0.1.0' } } }, null, 2) + '\n',
		);
		fs.writeFileSync(
			path.join(dir, 'CHANGELOG.md'),
			'# Changelog\n\nIntro.\n\n## Unreleased\n\n- New thing.\n- Renamed a parameter.\n\n## 0.1.0 (2026-01-01)\n\n- First.\n',
		);
		git('init', '-q');
		git('config', 'user.email', 'release-test@example.com');
		git('config', 'user.name', 'Release Test');
		git('add', '.');
		git('commit', '-q', '-m', 'start');
	});

	afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

	test('bumps the version, moves "Unreleased" under it, commits and tags', () => {
		const result = release('minor', '--skip-checks');
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version).toBe('0.2.0');
		const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
		expect([lock.version, lock.packages[''].version]).toEqual(['0.2.0', '0.2.0']);
		expect(fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8')).toBe(
			'# Changelog\n\nIntro.\n\n## Unreleased\n\n## 0.2.0 (2026-11-29)\n\n- New thing.\n- Renamed a parameter.\n\n## 0.1.0 (2026-01-01)\n\n- First.\n',
		);
		expect(git('tag', '--list')).toBe('v0.2.0');
		expect(git('log', '-1', '--format=%s')).toBe('Release v0.2.0');
		expect(git('status', '--porcelain')).toBe('');
		expect(git('rev-list', '-n', '1', 'v0.2.0')).toBe(git('rev-parse', 'HEAD'));
		expect(result.stdout).toContain('git push --follow-tags');
	});

	test('--dry-run says what it would do (lint and build included) and changes nothing', () => {
		const head = git('rev-parse', 'HEAD');
		const result = release('--dry-run');
		expect(result.status).toBe(0);
		expect(result.stdout).toContain('release v0.1.1 (dry run');
		expect(result.stdout).toMatch(/npm run lint/);
		expect(result.stdout).toContain('2 entries from "Unreleased" under "## 0.1.1 (2026-11-29)"');
		expect(git('rev-parse', 'HEAD')).toBe(head);
		expect(git('status', '--porcelain')).toBe('');
		expect(git('tag', '--list')).toBe('');
	});

	test('stops, saying why: uncommitted changes, an empty "Unreleased", a version that does not go up', () => {
		fs.appendFileSync(path.join(dir, 'package.json'), '\n');
		let result = release('--skip-checks');
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/uncommitted changes/);
		git('checkout', '--', 'package.json');

		result = release('0.1.0', '--skip-checks');
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/not above the current version/);

		fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), '# Changelog\n\n## Unreleased\n\n## 0.1.0\n\n- First.\n');
		git('commit', '-q', '-am', 'empty unreleased');
		result = release('--skip-checks');
		expect(result.status).toBe(1);
		expect(result.stderr).toMatch(/"## Unreleased" in CHANGELOG.md is empty/);
		expect(git('tag', '--list')).toBe('');
	});
});
