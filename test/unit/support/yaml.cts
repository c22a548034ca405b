/**
 * A small YAML reader for the subset GitHub workflow files here use: block mappings, block sequences
 * (`- value`, `- key: value` items), plain/quoted scalars, `|` literal blocks, comments. It throws on
 * anything else (flow collections, anchors, tabs, `>` folded blocks), so a workflow written outside
 * the subset fails its test loudly instead of being misread. No dependency: the package has none,
 * and its tests add none for this.
 */
export type YamlValue = string | YamlValue[] | { [key: string]: YamlValue };

interface Line {
	indent: number;
	text: string;
	number: number;
}

function stripComment(text: string): string {
	let quote: string | undefined;
	for (let index = 0; index < text.length; index++) {
		const char = text[index];
		if (quote) {
			if (char === quote) quote = undefined;
		} else if (char === '"' || char === "'") {
			quote = char;
		} else if (char === '#' && (index === 0 || /\s/.test(text[index - 1]))) {
			return text.slice(0, index).trimEnd();
		}
	}
	return text.trimEnd();
}

function scalar(text: string, line: Line): string {
	const value = text.trim();
	if (/^[[{&*!>]/.test(value)) throw new Error(`yaml: unsupported value "${value}" on line ${line.number}`);
	if (value.startsWith('"')) {
		if (!value.endsWith('"') || value.length < 2) throw new Error(`yaml: unterminated string on line ${line.number}`);
		return JSON.parse(value) as string;
	}
	if (value.startsWith("'")) {
		if (!value.endsWith("'") || value.length < 2) throw new Error(`yaml: unterminated string on line ${line.number}`);
		return value.slice(1, -1).replace(/''/g, "'");
	}
	return value;
}

/** `key: rest` → [key, rest]; undefined when the text is not a mapping entry. */
function splitKey(text: string): [string, string] | undefined {
	const match = /^("[^"]*"|'[^']*'|[^\s"'#][^:]*?)\s*:(?:\s+(.*))?$/.exec(text);
	if (!match) return undefined;
	const key = match[1].startsWith('"') || match[1].startsWith("'") ? match[1].slice(1, -1) : match[1];
	return [key, match[2] ?? ''];
}

export function parseYaml(source: string): YamlValue {
	const raw = source.split('\n');
	const lines: Line[] = [];
	for (let index = 0; index < raw.length; index++) {
		const text = raw[index];
		if (/^\s*\t/.test(text)) throw new Error(`yaml: tab indentation on line ${index + 1}`);
		const content = stripComment(text);
		if (content.trim() === '' || content.trim() === '---') continue;
		lines.push({ indent: content.length - content.trimStart().length, text: content.trim(), number: index + 1 });
	}
	let position = 0;

	function literalBlock(parentIndent: number): string {
		// The block's lines are the raw source lines after the current one, more indented than the parent.
		const startLine = lines[position - 1].number; // the `key: |` line
		const body: string[] = [];
		let blockIndent: number | undefined;
		let lineIndex = startLine; // 0-based index of the next raw line
		for (; lineIndex < raw.length; lineIndex++) {
			const text = raw[lineIndex];
			if (text.trim() === '') {
				body.push('');
				continue;
			}
			const indent = text.length - text.trimStart().length;
			if (indent <= parentIndent) break;
			blockIndent ??= indent;
			body.push(text.slice(blockIndent));
		}
		while (position < lines.length && lines[position].number <= lineIndex) position++;
		while (body.length && body[body.length - 1] === '') body.pop();
		return body.join('\n') + '\n';
	}

	function value(rest: string, parentIndent: number, line: Line): YamlValue {
		if (rest === '|' || rest === '|-') {
			const text = literalBlock(parentIndent);
			return rest === '|-' ? text.replace(/\n$/, '') : text;
		}
		if (rest !== '') return scalar(rest, line);
		const next = lines[position];
		if (!next || next.indent < parentIndent || (next.indent === parentIndent && !next.text.startsWith('- '))) return '';
		return block(next.indent);
	}

	function block(indent: number): YamlValue {
		const first = lines[position];
		if (first.text === '-' || first.text.startsWith('- ')) {
			const list: YamlValue[] = [];
			while (position < lines.length && lines[position].indent === indent && (lines[position].text.startsWith('- ') || lines[position].text === '-')) {
				const line = lines[position];
				const itemText = line.text === '-' ? '' : line.text.slice(2).trim();
				const itemIndent = indent + 2;
				const entry = splitKey(itemText);
				if (entry) {
					// `- key: value` starts a mapping whose other keys are indented like `key`.
					lines[position] = { indent: itemIndent, text: itemText, number: line.number };
					list.push(mapping(itemIndent));
				} else {
					position++;
					list.push(itemText === '' ? block(lines[position].indent) : scalar(itemText, line));
				}
			}
			return list;
		}
		return mapping(indent);
	}

	function mapping(indent: number): { [key: string]: YamlValue } {
		const map: { [key: string]: YamlValue } = {};
		while (position < lines.length && lines[position].indent === indent && !lines[position].text.startsWith('- ')) {
			const line = lines[position];
			const entry = splitKey(line.text);
			if (!entry) throw new Error(`yaml: expected "key: value" on line ${line.number}: ${line.text}`);
			const [key, rest] = entry;
			if (key in map) throw new Error(`yaml: duplicate key "${key}" on line ${line.number}`);
			position++;
			map[key] = value(rest.trim(), indent, line);
		}
		if (position < lines.length && lines[position].indent > indent) {
			throw new Error(`yaml: unexpected indentation on line ${lines[position].number}: ${lines[position].text}`);
		}
		return map;
	}

	if (lines.length === 0) return {};
	const result = block(lines[0].indent);
	if (position < lines.length) throw new Error(`yaml: unexpected content on line ${lines[position].number}: ${lines[position].text}`);
	return result;
}
