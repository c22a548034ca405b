/** The table `npm run bench` prints, and its Markdown form for bench/RESULTS.md. */

export interface Row {
	/** Section heading the row belongs to ("Throughput", "Politeness" …). */
	section: string;
	figure: string;
	measured: string;
	target: string;
	/** true met, false MISSED, undefined: informational (no target). */
	met?: boolean;
}

export const verdict = (met: boolean | undefined) => (met === undefined ? '—' : met ? 'met' : 'MISSED');

export function textTable(rows: Row[]): string {
	const header = ['figure', 'measured', 'target', 'met?'];
	const cells = rows.map((row) => [row.figure, row.measured, row.target, verdict(row.met)]);
	const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column].length)));
	const line = (values: string[]) => values.map((value, column) => value.padEnd(widths[column])).join(' | ').trimEnd();
	const rule = widths.map((width) => '-'.repeat(width)).join('-+-');
	const out = [line(header), rule];
	let section = '';
	for (const [index, row] of rows.entries()) {
		if (row.section !== section) {
			section = row.section;
			out.push(`[${section}]`);
		}
		out.push(line(cells[index]));
	}
	return out.join('\n');
}

const escapeCell = (value: string) => value.replace(/\|/g, '\\|');

export function markdownTable(rows: Row[]): string {
	const out = ['| figure | measured | target | met? |', '|---|---|---|---|'];
	let section = '';
	for (const row of rows) {
		if (row.section !== section) {
			section = row.section;
			out.push(`| **${escapeCell(section)}** | | | |`);
		}
		const met = row.met === false ? '**MISSED**' : verdict(row.met);
		out.push(`| ${escapeCell(row.figure)} | ${escapeCell(row.measured)} | ${escapeCell(row.target)} | ${met} |`);
	}
	return out.join('\n');
}

export const seconds = (ms: number, digits = 1) => `${(ms / 1000).toFixed(digits)} s`;
export const mib = (bytes: number, digits = 1) => `${(bytes / 1024 / 1024).toFixed(digits)} MiB`;
export const signedMib = (bytes: number, digits = 1) => `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes), digits)}`;

export function quantiles(values: number[]): { min: number; median: number; p90: number; max: number; mean: number } {
	if (values.length === 0) return { min: NaN, median: NaN, p90: NaN, max: NaN, mean: NaN };
	const sorted = [...values].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1) + 0.5))];
	return {
		min: sorted[0],
		median: at(0.5),
		p90: at(0.9),
		max: sorted[sorted.length - 1],
		mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length,
	};
}
