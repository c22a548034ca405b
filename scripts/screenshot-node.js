#!/usr/bin/env node
/**
 * Takes the README's picture of the node, docs/images/node.png, from the demo's real n8n editor:
 * signs in, opens the example "generate a video (Veo 3.1 Fast)", runs it, opens the Generate Video
 * node and photographs the top of its panel (parameters and output).
 *
 *   DEMO_PORT=5690 SIM_PORT=4090 npm start          # in one terminal; wait for "Ready."
 *   node scripts/screenshot-node.js --url http://localhost:5690 [--out docs/images/node.png]
 *
 * Uses playwright-core (a development dependency) with the Chromium or Chrome scripts/ensure-chromium.sh
 * finds (CHROMIUM or CHROME_PATH=/path overrides), headless, as test/e2e/editor.browser.test.cts does.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { chromium, selectors } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
	const at = args.indexOf(name);
	return at === -1 ? fallback : args[at + 1];
};
const BASE_URL = option('--url', `http://localhost:${process.env.DEMO_PORT || 5678}`);
const OUT = path.resolve(ROOT, option('--out', 'docs/images/node.png'));
const EMAIL = 'demo@example.com';
const PASSWORD = 'Demo-Passw0rd';
const EXAMPLE = 'Unifically example: generate a video (Veo 3.1 Fast)';
const NODE = 'Generate Video';

/** The browser scripts/ensure-chromium.sh finds ($CHROMIUM / $CHROME_PATH, chromium or Chrome on PATH). */
function findBrowser() {
	const found = require('node:child_process').spawnSync('bash', [path.join(ROOT, 'scripts/ensure-chromium.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
	if (found.status !== 0) throw new Error('no Chromium or Chrome (see the [ensure-chromium] lines above)');
	return found.stdout.trim();
}

async function main() {
	selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-screenshot-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: findBrowser(),
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
		viewport: { width: 1440, height: 810 },
		deviceScaleFactor: 1,
	});
	try {
		context.setDefaultTimeout(30_000);
		const page = context.pages()[0] || (await context.newPage());
		await page.goto(`${BASE_URL}/signin`);
		await page.getByTestId('emailOrLdapLoginId').locator('input').fill(EMAIL);
		await page.getByTestId('password').locator('input').fill(PASSWORD);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL(/\/home\//);
		await page.getByTestId('workflow-card-name').filter({ hasText: EXAMPLE }).click();
		await page.waitForURL(/\/workflow\//);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE}"]`);
		await node.waitFor();
		const editHere = page.getByRole('button', { name: 'Edit here' });
		if (await editHere.isVisible()) await editHere.click();
		await page.getByTestId('execute-workflow-button').click();
		await node.getByTestId('canvas-node-status-success').waitFor({ timeout: 120_000 });
		// Let the success toast go before the photograph.
		await page.waitForTimeout(1500);
		for (const close of await page.locator('.el-notification .el-notification__closeBtn:visible').all()) {
			await close.click({ force: true }).catch(() => undefined);
		}
		await node.dblclick();
		const ndv = page.getByTestId('ndv');
		await ndv.waitFor();
		await page.mouse.move(2, 400); // no hover effects in the picture
		await page.waitForTimeout(1500); // the panel's fonts and icons settle
		const docs = await ndv.getByRole('link', { name: 'Docs' }).getAttribute('href').catch(() => null);
		if (docs) process.stdout.write(`the panel's Docs link: ${docs}\n`);
		fs.mkdirSync(path.dirname(OUT), { recursive: true });
		// The panel's top: the node's name, Resource / Operation / Model / Prompt, and the downloaded file.
		const box = await ndv.boundingBox();
		// The connected nodes' icons float half outside the panel's edge, cut by the picture: hide them.
		await page.addStyleTag({ content: '[data-test-id="floating-node"] { visibility: hidden !important; }' });
		await page.screenshot({ path: OUT, clip: { x: box.x, y: box.y, width: box.width, height: 480 } });
		process.stdout.write(`wrote ${path.relative(ROOT, OUT)}\n`);
	} finally {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	}
}

main().catch((error) => {
	process.stderr.write(`screenshot-node: ${error && error.stack ? error.stack : error}\n`);
	process.exit(1);
});
