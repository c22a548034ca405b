/**
 * scripts/ensure-n8n.sh keeps each n8n version in its own folder: an explicit N8N_CACHE_DIR is
 * checked as it is (the version it holds), and never replaced by another version behind its owner's
 * back (another suite pointed at the 1.123.81 install must not turn it into 2.41.1). Run on fake
 * installs: nothing is downloaded.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

function fakeInstall(version: string, stamps: string[]): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-ensure-'));
	fs.mkdirSync(path.join(dir, 'node_modules/n8n'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'node_modules/n8n/package.json'), JSON.stringify({ name: 'n8n', version }, null, 2));
	fs.mkdirSync(path.join(dir, 'node_modules/.bin'));
	fs.writeFileSync(path.join(dir, 'node_modules/.bin/n8n'), `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
	for (const stamp of stamps) fs.writeFileSync(path.join(dir, `.ready-${stamp}`), '');
	return dir;
}

function ensure(dir: string, ...args: string[]) {
	const env: NodeJS.ProcessEnv = { ...process.env, N8N_CACHE_DIR: dir };
	delete env.N8N_VERSION;
	return spawnSync('bash', [path.join(ROOT, 'scripts/ensure-n8n.sh'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
}

describe('scripts/ensure-n8n.sh with N8N_CACHE_DIR', () => {
	const dirs: string[] = [];
	afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

	test('no version asked for: the n8n the folder holds is the one checked (ready: returns at once)', () => {
		const dir = fakeInstall('1.123.81', ['1.123.81']);
		dirs.push(dir);
		const result = ensure(dir);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(ensure(dir, '1.123.81').status).toBe(0);
	});

	test('another version asked for: stops, saying why, and leaves the folder alone', () => {
		// A stale stamp of the other version (left by an earlier overwrite) does not fool it either.
		const dir = fakeInstall('1.123.81', ['1.123.81', '2.41.1']);
		dirs.push(dir);
		const result = ensure(dir, '2.41.1');
		expect(result.status).toBe(1);
		expect(result.stderr).toContain(`N8N_CACHE_DIR=${dir} holds n8n 1.123.81, not the 2.41.1 asked for: not replacing it`);
		expect(JSON.parse(fs.readFileSync(path.join(dir, 'node_modules/n8n/package.json'), 'utf8')).version).toBe('1.123.81');
		expect(fs.existsSync(path.join(dir, 'package.json'))).toBe(false);
	});
});
