/**
 * One Jest config for every suite; a suite is chosen by path:
 *   test/unit    fast, pure unit tests           (npm run test:unit runs unit + engine)
 *   test/engine  workflows run in-process with n8n-core
 *   test/e2e     a real n8n process; slow        (npm run test:e2e, --runInBand)
 *
 * TypeScript is transpiled file by file (isolatedModules: no type checking at test time,
 * which keeps runs quick on 2 cores); `npm run build` (tsc) is the type check.
 *
 * @type {import('jest').Config}
 */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	moduleFileExtensions: ['ts', 'js', 'json', 'node'],
	transform: {
		'^.+\\.ts$': [
			'ts-jest',
			{
				// Merged over tsconfig.json's compilerOptions: transpile only.
				tsconfig: { isolatedModules: true, sourceMap: true, declaration: false, incremental: false },
			},
		],
	},
	testTimeout: 60000,
};
