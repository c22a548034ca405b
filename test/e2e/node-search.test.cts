/**
 * The nodes panel's search of n8n 2.41.1 over the phrases users type (issue #30): n8n's own
 * `sublimeSearch` (@n8n/utils, the function the editor bundles) over the node's codex — display name
 * and `alias` — next to every node n8n ships (n8n-nodes-base and the LangChain nodes, with their
 * codex files), as the panel lists them. No browser: the editor runs exactly this function on the
 * lower-cased filter (its bundle is checked to search the same keys with the same weights).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8N_DIR, ROOT, ensureN8n } from '../../harness/n8n/index.cjs';

interface Item {
	key: string;
	properties: { displayName: string; codex?: { alias?: string[] } };
}
type Search = (filter: string, data: readonly Item[]) => Array<{ score: number; item: Item }>;

const MODULES = path.join(N8N_DIR, 'node_modules');

/** A package's nodes as the panel's items: display name from its types file, alias from its codex files. */
function itemsOf(pkg: string, prefix: string): Item[] {
	const codex = new Map<string, { alias?: string[] }>();
	const walk = (dir: string): void => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(full);
			else if (entry.name.endsWith('.node.json')) {
				const json = JSON.parse(fs.readFileSync(full, 'utf8')) as { node?: string; alias?: string[] };
				if (json.node) codex.set(json.node, json);
			}
		}
	};
	walk(path.join(MODULES, pkg, 'dist'));
	const types = JSON.parse(fs.readFileSync(path.join(MODULES, pkg, 'dist/types/nodes.json'), 'utf8')) as Array<{ name: string; displayName: string }>;
	return types.map((type) => ({ key: `${prefix}.${type.name}`, properties: { displayName: type.displayName, codex: codex.get(`${prefix}.${type.name}`) } }));
}

const UNIFICALLY_KEY = 'n8n-nodes-unifically.unifically';
const PHRASES = ['generate video', 'video generation', 'image generation', 'ai video', 'text to video', 'image to video', 'generate image', 'text to image', 'ai image', 'music generation', 'ai music'];

describe("n8n 2.41.1's nodes panel search finds the node", () => {
	let search: Search;
	let items: Item[];

	beforeAll(async () => {
		await ensureN8n();
		({ sublimeSearch: search } = require(path.join(MODULES, '@n8n/utils/dist/search/sublime-search.cjs')) as { sublimeSearch: Search });
		const codex = JSON.parse(fs.readFileSync(path.join(ROOT, 'nodes/Unifically/Unifically.node.json'), 'utf8')) as { alias: string[] };
		items = [
			...itemsOf('n8n-nodes-base', 'n8n-nodes-base'),
			...itemsOf('@n8n/n8n-nodes-langchain', '@n8n/n8n-nodes-langchain'),
			{ key: UNIFICALLY_KEY, properties: { displayName: 'Unifically', codex } },
		];
	}, 30 * 60_000);

	test("the editor's bundle searches display name and codex alias, as @n8n/utils' sublimeSearch does by default", () => {
		const assets = path.join(MODULES, 'n8n-editor-ui/dist/assets');
		const keys = '[{key:`properties.displayName`,weight:1.3},{key:`properties.codex.alias`,weight:1}]';
		const bundles = fs.readdirSync(assets).filter((name) => name.endsWith('.js') && fs.readFileSync(path.join(assets, name), 'utf8').includes(keys));
		expect(bundles.length).toBeGreaterThan(0);
		// The catalog is the real one: hundreds of nodes, over a hundred with aliases.
		expect(items.length).toBeGreaterThan(400);
		expect(items.filter((item) => item.properties.codex?.alias?.length).length).toBeGreaterThan(100);
	});

	test.each(PHRASES)('"%s": the node is found, first', (phrase) => {
		const results = search(phrase, items);
		expect(results.findIndex((result) => result.item.key === UNIFICALLY_KEY)).toBe(0);
	});

	test('without its aliases the node matches none of these phrases (the aliases are what finds it)', () => {
		const bare = items.map((item) => (item.key === UNIFICALLY_KEY ? { ...item, properties: { displayName: 'Unifically' } } : item));
		for (const phrase of PHRASES) {
			expect([phrase, search(phrase, bare).some((result) => result.item.key === UNIFICALLY_KEY)]).toEqual([phrase, false]);
		}
	});

	test.each(['video', 'image', 'suno', 'veo'])('"%s" (one word) still finds it', (word) => {
		expect(search(word, items).some((result) => result.item.key === UNIFICALLY_KEY)).toBe(true);
	});
});
