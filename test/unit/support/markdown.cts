/**
 * Just enough Markdown reading to check links as GitHub renders them: headings and their anchors
 * (GitHub's slugs), and the links of a document outside code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

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

/** GitHub's anchor for a heading text: lower case, punctuation dropped, spaces as hyphens. */
export function githubSlug(text: string): string {
	return headingText(text)
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

/** Every anchor of a document's headings, with GitHub's -1, -2 … for repeated ones. */
export function anchorsOf(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const line of markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').split('\n')) {
		const match = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
		if (!match) continue;
		const slug = githubSlug(match[1]);
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
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
