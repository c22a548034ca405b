/**
 * One Jest config for every suite; a suite is chosen by path (docs/development.md, "Tests"):
 *   test/unit         no network, no processes, no real clock (the repository's own files may be read)
 *   test/integration  the simulator over real HTTP, n8n-core's engine in-process, the project's scripts
 *   test/e2e          the packed package in real n8n processes; slow (--runInBand)
 *
 * Tooling (tests, harness/, simulator/, bench/) is CommonJS TypeScript, `.cts`: n8n's Cloud lint
 * (`n8n-node lint`, which lints every `.ts` outside dist/) covers the package's own `.ts` sources and
 * nothing else. A `.cts` file imports another as `./name.cjs` (what tsc emits); test/resolve-cts.js
 * points Jest at the source.
 *
 * TypeScript is transpiled file by file (isolatedModules: no type checking at test time, which keeps
 * runs quick on 2 cores); `npm run lint` type-checks everything (tsconfig.tooling.json).
 *
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.cts'],
	moduleFileExtensions: ['ts', 'cts', 'js', 'json', 'node'],
	resolver: '<rootDir>/test/resolve-cts.js',
	// n8n-workflow's 250 ms guard on regular expressions, at 5 s: several workers on 2 cores reach
	// 250 ms with a trivial pattern (test/regex-guard.cts).
	setupFiles: ['<rootDir>/test/regex-guard.cts'],
	transform: {
		'^.+\\.c?ts$': [
			'ts-jest',
			{
				// Merged over tsconfig.json's compilerOptions: transpile only.
				tsconfig: { isolatedModules: true, sourceMap: true, declaration: false, incremental: false },
			},
		],
	},
	testTimeout: 60000,
};
