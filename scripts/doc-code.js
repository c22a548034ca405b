#!/usr/bin/env node
// Type-checks the TypeScript code blocks (```ts) of README.md, CONTRIBUTING.md and docs/*.md, so a
// snippet contributors copy cannot drift from the code: each block is a module of its own, its
// imports written from the repository's root ('./nodes/…'). Run by `npm run lint`.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, '.cache', 'doc-code');
const documents = ['README.md', 'CONTRIBUTING.md', ...fs.readdirSync(path.join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const files = [];
for (const document of documents) {
	const lines = fs.readFileSync(path.join(root, document), 'utf8').split('\n');
	for (let start = 0; start < lines.length; start++) {
		const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[start]);
		if (!open) continue;
		const indent = open[1];
		const end = lines.findIndex((line, index) => index > start && line.trim() === '```');
		if (end < 0) throw new Error(`${document}:${start + 1}: a code block that is never closed`);
		const body = lines
			.slice(start + 1, end)
			.map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
			// From .cache/doc-code/, the repository's root is two folders up.
			.map((line) => line.replace(/(from\s+['"])\.\//, '$1../../'))
			.join('\n');
		const file = path.join(outDir, `${document.replace(/[/.]/g, '_')}_line${start + 1}.ts`);
		// `export {}` makes each block a module, so two blocks may declare the same names.
		fs.writeFileSync(file, `// ${document}, line ${start + 1}\n${body}\nexport {};\n`);
		files.push(file);
		start = end;
	}
}
if (files.length === 0) {
	console.log('doc code: no TypeScript blocks');
	process.exit(0);
}
fs.writeFileSync(
	path.join(outDir, 'tsconfig.json'),
	JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true, incremental: false, declaration: false, noUnusedLocals: false, rootDir: '../..' }, include: ['*.ts'] }, null, '\t'),
);
try {
	execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(outDir, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
	console.error(`doc code: a TypeScript block in the docs does not type-check (files in ${path.relative(root, outDir)}/ name their document and line)`);
	process.exit(1);
}
console.log(`doc code: ${files.length} TypeScript block(s) type-check`);
