/**
 * Every relative link of the README and of docs/ resolves, as GitHub renders them: the file exists,
 * and an `#anchor` names a heading of the target document (GitHub's slug).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { anchorsOf, brokenLinks, githubSlug, linksOf } from './support/markdown.cjs';

const ROOT = path.resolve(__dirname, '../..');
const documents = [
	'README.md',
	'CONTRIBUTING.md',
	...fs
		.readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

describe('relative links in the README and docs/', () => {
	test.each(documents)('%s: every relative link resolves', (document) => {
		expect(brokenLinks(path.join(ROOT, document))).toEqual([]);
	});

	test('the README links every page of docs/', () => {
		const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
		const linked = new Set(linksOf(readme).map((link) => link.split('#')[0]));
		for (const document of documents.filter((name) => name.startsWith('docs/') && name !== 'docs/SPEC.md')) {
			expect([document, linked.has(document)]).toEqual([document, true]);
		}
	});
});

describe('the link checker', () => {
	test('computes GitHub anchors', () => {
		expect(githubSlug('The first run (`npm start`)')).toBe('the-first-run-npm-start');
		expect(githubSlug("Where downloaded files go (n8n's binary data mode)")).toBe('where-downloaded-files-go-n8ns-binary-data-mode');
		expect(githubSlug('Spending guard "Max Total Cost"')).toBe('spending-guard-max-total-cost');
		expect(githubSlug('Scaling: queue mode and one API key')).toBe('scaling-queue-mode-and-one-api-key');
		expect([...anchorsOf('# A\n## B\n## B\n```\n# not a heading\n```\n')]).toEqual(['a', 'b', 'b-1']);
	});

	test('finds a missing file, a missing anchor, and ignores links in code and external links', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'links-'));
		try {
			fs.writeFileSync(path.join(dir, 'other.md'), '# Other\n## Part two\n');
			fs.writeFileSync(
				path.join(dir, 'doc.md'),
				[
					'# Doc',
					'[ok](other.md) [ok](other.md#part-two) [ok](#doc) ![img](other.md)',
					'[bad](missing.md) [bad](other.md#part-three) [bad](#nowhere)',
					'`[code](missing.md)` [web](https://example.com/x.md)',
					'```',
					'[code](missing.md)',
					'```',
				].join('\n'),
			);
			expect(brokenLinks(path.join(dir, 'doc.md'))).toEqual([
				'missing.md (no such file)',
				'other.md#part-three (no heading #part-three)',
				'#nowhere (no heading #nowhere)',
			]);
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});
});
