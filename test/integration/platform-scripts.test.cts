/**
 * The scripts that find what the tests and the demo need on any machine (issue #32), run for real
 * with fake programs on PATH: scripts/ensure-node.sh (Node 24+ for n8n 2.x), scripts/tools.sh
 * (Postgres, Redis, Chromium), scripts/check-tools.sh (one message naming what is missing).
 * Nothing is downloaded or installed: every case here finds something, or stops on a setting.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/**
 * PATH's base: only the plain utilities the scripts use (links to this machine's), so that its
 * own node, Postgres, Redis or Chromium do not answer instead of the fakes.
 */
const BASE_PATH = (() => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-sysbin-'));
	dirs.push(dir);
	for (const tool of ['bash', 'sh', 'dirname', 'ls', 'sort', 'id', 'cut', 'mktemp', 'tail', 'uname', 'rm', 'cat']) {
		const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
		if (found) fs.symlinkSync(found, path.join(dir, tool));
	}
	return dir;
})();

/** A folder of fake programs: each prints `output` (for --version or anything else). */
function fakeBin(programs: Record<string, string>): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-fakebin-'));
	for (const [name, output] of Object.entries(programs)) {
		fs.writeFileSync(path.join(dir, name), `#!/bin/sh\necho '${output}'\n`, { mode: 0o755 });
	}
	dirs.push(dir);
	return dir;
}

/** A clean environment: none of the variables the scripts read, unless given. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
	const clean: NodeJS.ProcessEnv = { HOME: process.env.HOME, PATH: BASE_PATH };
	return { ...clean, ...extra };
}

function bash(script: string, extra: Record<string, string>) {
	return spawnSync('bash', ['-c', script], { cwd: ROOT, env: env(extra), encoding: 'utf8', timeout: 30_000 });
}

describe('scripts/ensure-node.sh', () => {
	test("the system's Node when it is 24 or newer: its folder, nothing installed", () => {
		const bin = fakeBin({ node: '24' }); // `node -p …major…` prints 24
		const result = bash('bash scripts/ensure-node.sh', { PATH: `${bin}:${BASE_PATH}` });
		expect(result.stderr).toBe('');
		expect(result.stdout.trim()).toBe(bin);
		expect(result.status).toBe(0);
	});

	test('an older Node on a system without a Node package (Windows shells): says what to install, and stops', () => {
		const bin = fakeBin({ node: '20', uname: 'MINGW64_NT-10.0-19045' });
		const result = bash('bash scripts/ensure-node.sh', { PATH: `${bin}:${BASE_PATH}` });
		expect(result.status).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(/n8n 2\.x needs Node 24 or newer .* install Node 24 from https:\/\/nodejs\.org \(or use WSL2 on Windows\)/);
	});

	test('an older Node on a CPU without a Node package: says so, and stops', () => {
		const bin = fakeBin({ node: '20' });
		fs.writeFileSync(path.join(bin, 'uname'), '#!/bin/sh\n[ "$1" = -m ] && echo riscv64 || echo Linux\n', { mode: 0o755 });
		const result = bash('bash scripts/ensure-node.sh', { PATH: `${bin}:${BASE_PATH}` });
		expect(result.status).toBe(1);
		expect(result.stderr).toContain('no Node package for the CPU riscv64');
	});
});

describe('scripts/tools.sh: Postgres, Redis and Chromium found where each system puts them', () => {
	test('on PATH first (any Postgres version), with the folder or path printed', () => {
		const bin = fakeBin({ initdb: 'initdb (PostgreSQL) 17.2', 'redis-server': 'Redis server v=7.2.4', 'google-chrome': 'Google Chrome 140' });
		const result = bash('. scripts/tools.sh && find_pg_bin && find_redis_server && find_chromium', { PATH: `${bin}:${BASE_PATH}` });
		expect(result.stdout.trim().split('\n')).toEqual([bin, `${bin}/redis-server`, `${bin}/google-chrome`]);
		expect(result.status).toBe(0);
	});

	test('pg_config --bindir when initdb is not on PATH (Debian and Homebrew keep it off PATH)', () => {
		const pgBin = fakeBin({ initdb: 'initdb (PostgreSQL) 16.4' });
		const bin = fakeBin({});
		fs.writeFileSync(path.join(bin, 'pg_config'), `#!/bin/sh\n[ "$1" = --bindir ] && echo ${pgBin}\n`, { mode: 0o755 });
		const result = bash('. scripts/tools.sh && find_pg_bin', { PATH: `${bin}:${BASE_PATH}` });
		expect(result.stdout.trim()).toBe(pgBin);
	});

	test('environment variables win, and one that names nothing runnable is not silently replaced', () => {
		const bin = fakeBin({ initdb: 'x', 'redis-server': 'x', chromium: 'x' });
		const chosen = fakeBin({ browser: 'Chromium 150', initdb: 'initdb 15', redis: 'Redis' });
		const found = bash('. scripts/tools.sh && find_pg_bin && find_redis_server && find_chromium', {
			PATH: `${bin}:${BASE_PATH}`,
			PG_BIN: chosen,
			REDIS_SERVER: `${chosen}/redis`,
			CHROME_PATH: `${chosen}/browser`,
		});
		expect(found.stdout.trim().split('\n')).toEqual([chosen, `${chosen}/redis`, `${chosen}/browser`]);
		for (const [name, value, fn] of [
			['PG_BIN', '/nonexistent', 'find_pg_bin'],
			['REDIS_SERVER', '/nonexistent/redis-server', 'find_redis_server'],
			['CHROMIUM', '/nonexistent/chromium', 'find_chromium'],
		]) {
			const missing = bash(`. scripts/tools.sh && ${fn}`, { PATH: `${bin}:${BASE_PATH}`, [name]: value });
			expect({ name, status: missing.status, stdout: missing.stdout }).toEqual({ name, status: 1, stdout: '' });
		}
	});
});

describe('scripts/check-tools.sh', () => {
	test('everything found: silent, exit 0', () => {
		const bin = fakeBin({ initdb: 'initdb 16', 'redis-server': 'Redis', chromium: 'Chromium' });
		const result = bash('bash scripts/check-tools.sh', { PATH: `${bin}:${BASE_PATH}` });
		expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
	});

	test('running servers (TEST_POSTGRES_URL, TEST_REDIS_URL) need no Postgres or Redis programs', () => {
		const bin = fakeBin({ chromium: 'Chromium' });
		const result = bash('bash scripts/check-tools.sh', {
			PATH: `${bin}:${BASE_PATH}`,
			PG_BIN: '/nonexistent',
			REDIS_SERVER: '/nonexistent',
			TEST_POSTGRES_URL: 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
			TEST_REDIS_URL: 'redis://127.0.0.1:6379',
		});
		expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
	});

	test('what is missing is named in one message, with what to do, and nothing is installed for a wrong setting', () => {
		const result = bash('bash scripts/check-tools.sh', {
			PATH: `${fakeBin({})}:${BASE_PATH}`,
			PG_BIN: '/nonexistent',
			REDIS_SERVER: '/nonexistent/redis-server',
			CHROME_PATH: '/nonexistent/chrome',
		});
		expect(result.status).toBe(1);
		expect(result.stderr).not.toContain('installing');
		expect(result.stderr).toContain('The end-to-end suites need programs this machine does not have');
		expect(result.stderr).toContain('PG_BIN=/nonexistent has no initdb that runs');
		expect(result.stderr).toContain('REDIS_SERVER=/nonexistent/redis-server does not run');
		expect(result.stderr).toContain('CHROME_PATH=/nonexistent/chrome does not run');
		expect(result.stderr).toContain('TEST_POSTGRES_URL=');
		expect(result.stderr).toContain('SKIP_E2E=1 npm test');
	});
});

describe('package-lock.json: npm ci on any platform', () => {
	test('no dependency that only some platforms may install, unless optional (npm ci skips those elsewhere instead of stopping with EBADPLATFORM)', () => {
		const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as {
			packages: Record<string, { os?: string[]; cpu?: string[]; optional?: boolean }>;
		};
		const platformOnly = Object.entries(lock.packages)
			.filter(([name, entry]) => name !== '' && (entry.os || entry.cpu) && !entry.optional)
			.map(([name, entry]) => `${name} (${[entry.os, entry.cpu].flat().filter(Boolean).join(', ')})`);
		expect(platformOnly).toEqual([]);
		// And the platform's Node is not a devDependency any more (scripts/ensure-node.sh installs it).
		const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
		expect(Object.keys(pkg.devDependencies).filter((name) => /^node-(linux|darwin|win)-/.test(name))).toEqual([]);
	});

	test('every devDependency is used: imported by a file, run as a command, or a type package of one', () => {
		const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
		const sources = spawnSync('git', ['ls-files', '*.ts', '*.cts', '*.js', '*.mjs', '*.sh', '*.json'], { cwd: ROOT, encoding: 'utf8' })
			.stdout.split('\n')
			.filter((file) => file && file !== 'package-lock.json' && file !== 'package.json' && fs.existsSync(path.join(ROOT, file)))
			.map((file) => fs.readFileSync(path.join(ROOT, file), 'utf8'))
			.join('\n');
		const scripts = fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8');
		const unused = Object.keys(pkg.devDependencies).filter((name) => {
			const used = (module: string) =>
				sources.includes(`'${module}'`) || sources.includes(`"${module}"`) || sources.includes(`'${module}/`) || sources.includes(`"${module}/`);
			if (name.startsWith('@types/')) {
				const typed = name.slice('@types/'.length).replace(/^(.+)__(.+)$/, '@$1/$2');
				return typed !== 'node' && typed !== 'jest' && !used(typed);
			}
			// Tools run as commands (jest, tsc, gulp, eslint, n8n-node …) are named by their config or scripts.
			const commands: Record<string, string[]> = {
				jest: ['jest'],
				'ts-jest': ['ts-jest'],
				typescript: ['tsc', 'typescript'],
				gulp: ['gulp'],
				eslint: ['eslint'],
				'@n8n/node-cli': ['n8n-node'],
			};
			return !used(name) && !(commands[name] ?? []).some((command) => new RegExp(`\\b${command}\\b`).test(scripts + sources));
		});
		expect(unused).toEqual([]);
	});
});
