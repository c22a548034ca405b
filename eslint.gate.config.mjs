// The rule sets of n8n's community-package verification gate, run by scripts/lint.sh with
// `eslint -c eslint.gate.config.mjs` (eslint.config.mjs is n8n's template, unchanged, as strict mode
// and `n8n-node cloud-support` require; `n8n-node lint` runs that one). The rule sets are the gate's
// (`@n8n/scan-community-package`, scanner/scanner.mjs `buildScanConfig`):
//   - `@n8n/eslint-plugin-community-nodes` recommended config,
//   - `no-console: error`,
//   - `eslint-plugin-n8n-nodes-base` rule sets: `community` on package.json, `credentials` on
//     credentials/**/*.ts, `nodes` on nodes/**/*.ts, with the gate's own off-overrides (and no others).
//
// The gate lints two things, and so do we (scripts/lint.sh):
//   1. the sources: package.json + {nodes,credentials}/**/*.{ts,json};
//   2. the shipped build: dist/{nodes,credentials}/**/*.js (+ package.json), community-nodes
//      recommended + no-console only (the n8n-nodes-base rules are written for `.ts` sources).
// `npm run scan` (scripts/scan-package.js) additionally runs the gate's own code, with the plugin
// versions it pins, on exactly the files `npm pack` would publish.
//
// Do not switch a rule off here to make lint pass: the gate does not read this file.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';
import { defineConfig, globalIgnores } from 'eslint/config';

export default defineConfig(
	globalIgnores([
		'node_modules/**',
		'package-lock.json',
		'test/**',
		'simulator/**',
		'scripts/**',
		'docs/**',
		// Benchmark tooling (bench/, `npm run bench`): not part of the package, never published.
		'bench/**',
		'coverage/**',
		'.cache/**',
		'.demo/**',
		'dist/simulator/**',
		'dist/test/**',
		'dist/scripts/**',
		// Build tooling at the root is not part of the package.
		'*.js',
		'*.mjs',
		'*.cjs',
		'tsconfig.json',
	]),

	// Everything linted gets the community-nodes recommended rules and no-console, like the gate.
	n8nCommunityNodesPlugin.configs.recommended,
	{
		rules: { 'no-console': 'error' },
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesPlugin },
		// The gate runs ESLint with allowInlineConfig: false, so `eslint-disable` comments do not
		// silence anything there; ignore them here too (ESLint warns where one is written).
		linterOptions: { noInlineConfig: true },
	},

	// Sources are TypeScript; JSON files (package.json, codex *.node.json) are parsed by the
	// TypeScript parser as one object-literal expression, which is the AST the package.json rules
	// of both plugins walk (a JSON-specific parser would make them silently do nothing).
	{
		files: ['**/*.ts'],
		languageOptions: { parser: tsParser, sourceType: 'module' },
	},
	{
		files: ['**/*.json'],
		languageOptions: { parser: tsParser, parserOptions: { extraFileExtensions: ['.json'] } },
	},

	{
		files: ['package.json'],
		rules: { ...n8nNodesPlugin.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			// Gate override: not valid for community nodes.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			// Gate override: @n8n/community-nodes/credential-password-field is the more accurate rule.
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			// Gate overrides: inputs/outputs may be the NodeConnectionTypes enum instead of "main".
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			// Gate override: a third-party API may have a real maximum, so maxValue is valid.
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},

	// Compiled output (what is published): community-nodes recommended + no-console (above), parsed
	// as plain JavaScript exactly as the gate parses the tarball. Nothing else applies to it.
);
