/**
 * The README's first screen (before its first section) says how to try the node without an account:
 * `npm start`, the demo's login as scripts/demo.sh creates it, and an example workflow that exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

describe("the README's first screen", () => {
	const firstScreen = read('README.md').split(/\n## /)[0];
	const demo = read('scripts/demo.sh');

	test('says to run `npm start` to try it without an account, within its first 25 lines', () => {
		expect(firstScreen.split('\n').length).toBeLessThanOrEqual(25);
		expect(firstScreen).toMatch(/without an account[\s\S]*`npm start`/);
	});

	test("gives the demo's login as scripts/demo.sh creates it", () => {
		const email = /OWNER_EMAIL="([^"]+)"/.exec(demo)?.[1];
		const password = /OWNER_PASSWORD="([^"]+)"/.exec(demo)?.[1];
		expect(email && password).toBeTruthy();
		expect(firstScreen).toContain(`\`${email}\``);
		expect(firstScreen).toContain(`\`${password}\``);
	});

	test('names an example workflow of examples/ by its name', () => {
		const named = /open \*([^*]+)\*/.exec(firstScreen)?.[1]?.replace(/\s+/g, ' ');
		const names = fs
			.readdirSync(path.join(ROOT, 'examples'))
			.filter((file) => file.endsWith('.json'))
			.map((file) => (JSON.parse(read(`examples/${file}`)) as { name?: string }).name);
		expect(names).toContain(named);
	});
});
