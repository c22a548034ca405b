/**
 * Just enough Markdown reading to check links as GitHub renders them: headings and their anchors
 * (GitHub's slugs, by github-slugger: the algorithm GitHub's own renderer uses), and the links of a
 * document outside code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import GithubSlugger from 'github-slugger';

/** The document without fenced code blocks and inline code (links there are not links). */
export function withoutCode(markdown: string): string {
	return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** A heading's text as GitHub shows it: inline code kept, link targets, emphasis and HTML dropped. */
function headingText(raw: string): string {
	return raw
		.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/<[^>]+>/g, '')
		.replace(/[*`]/g, '')
		.trim();
}

/** GitHub's anchor for a heading's text. */
export function githubSlug(text: string): string {
	return GithubSlugger.slug(headingText(text));
}

/** Every anchor of a document's headings, with GitHub's -1, -2 … for repeated ones. */
export function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const slugger = new GithubSlugger();
	for (const line of markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').split('\n')) {
		const match = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
		if (match) anchors.add(slugger.slug(headingText(match[1])));
	}
	return anchors;
}

/** The targets of a document's inline links and images (`[text](target)`, `![alt](target "title")`). */
export function linksOf(markdown: string): string[] {
	const links: string[] = [];
	for (const match of withoutCode(markdown).matchAll(/!?\[(?:[^\]\n]|\][^(\n])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
		links.push(match[1]);
	}
	return links;
}

/**
 * The relative links of a Markdown file that do not resolve: a file or folder that does not exist,
 * or an `#anchor` that is not a heading of the target Markdown file. External links are not
 * checked (no network in tests).
 */
export function brokenLinks(file: string): string[] {
	const broken: string[] = [];
	const text = fs.readFileSync(file, 'utf8');
	for (const link of linksOf(text)) {
		if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
		const [target, anchor] = link.split('#', 2);
		const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
		if (!fs.existsSync(resolved)) {
			broken.push(`${link} (no such file)`);
			continue;
		}
		if (anchor === undefined) continue;
		if (!resolved.endsWith('.md') || !anchorsOf(fs.readFileSync(resolved, 'utf8')).has(anchor)) {
			broken.push(`${link} (no heading #${anchor})`);
		}
	}
	return broken;
}
