#!/usr/bin/env node
/**
 * `npm run bench [-- --json <file>] [--markdown <file>] [--only …]`: one command, from a fresh clone.
 *
 * 1. Installs the development dependencies when they are missing (`npm ci`, as scripts/test.sh does).
 * 2. Runs on Node 24+ (n8n 2.x needs it): re-executes itself with the one scripts/ensure-node.sh
 *    gives (installed into .cache/ when the system's is older) when started by an older `node`.
 * 3. Compiles the benchmark (bench/tsconfig.json: bench/, the engine harness, the simulator, the
 *    node sources) into .cache/bench-build, incrementally.
 * 4. Runs .cache/bench-build/bench/main.cjs with the arguments given; its exit code is ours.
 *
 * Plain CommonJS with no dependencies, so that it starts on any Node.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'node_modules', '.bin');
const MIN_NODE = [24, 0];

function run(command, args, options = {}) {
	const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
	if (result.error) throw result.error;
	return result.status ?? 1;
}

function nodeIsRecentEnough(version) {
	const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
	return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function main() {
	const lock = path.join(ROOT, 'package-lock.json');
	const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
	if (!existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs)) {
		console.error('› installing development dependencies (npm ci)');
		const status = run('npm', ['ci', '--no-audit', '--no-fund']);
		if (status !== 0) return status;
	}

	const env = { ...process.env, PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}` };
	if (!nodeIsRecentEnough(process.version)) {
		const found = spawnSync('bash', [path.join(ROOT, 'scripts', 'ensure-node.sh')], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
		const nodeBin = found.status === 0 ? found.stdout.trim() : '';
		if (!nodeBin || process.env.UNIFICALLY_BENCH_REEXEC) {
			console.error(`The benchmark needs Node ≥ ${MIN_NODE.join('.')} (this is ${process.version}) and scripts/ensure-node.sh found none.`);
			return 1;
		}
		// npm run by another Node reads its global npmrc from that Node's folder: keep the system npm's.
		const globalconfig = env.npm_config_globalconfig || spawnSync('npm', ['config', 'get', 'globalconfig'], { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();
		return run(path.join(nodeBin, 'node'), [__filename, ...process.argv.slice(2)], {
			env: { ...env, UNIFICALLY_BENCH_REEXEC: '1', ...(globalconfig ? { npm_config_globalconfig: globalconfig } : {}) },
		});
	}

	console.error(`› node ${process.version}: compiling the benchmark (bench/tsconfig.json → .cache/bench-build)`);
	const tsc = require.resolve('typescript/bin/tsc', { paths: [ROOT] });
	const built = run(process.execPath, [tsc, '-p', path.join('bench', 'tsconfig.json')], { env });
	const main = path.join(ROOT, '.cache', 'bench-build', 'bench', 'main.cjs');
	// tsc still emits on type errors (someone's work in progress): measure anyway, but say so.
	if (built !== 0) {
		if (!existsSync(main)) return built;
		console.error('› WARNING: the sources have type errors (above); benchmarking what tsc emitted anyway');
	}

	return run(process.execPath, [main, ...process.argv.slice(2)], { env });
}

process.exitCode = main();
