/**
 * The package in the real n8n 2.41.1 editor, as a user clicks through it: headless Chromium (Debian's
 * `chromium`, installed by scripts/ensure-chromium.sh when missing) driven by playwright-core, one n8n
 * (packed package installed, credential and the "generate a video" example imported, owner created)
 * and one browser for the whole file. The tests run in order, on the same page, like one session:
 * log in → open the example → nodes panel → switch models → clear a required input → run.
 *
 * A failing test leaves a screenshot in .cache/e2e/screenshots/ (its path is printed); with
 * E2E_SCREENSHOTS=1 the states asserted below are kept there too (to see what the assertions see).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import { N8n, OWNER, ROOT, ensureN8n, loadExample, packPackage, run } from './support/n8n';
import { startTestSimulator, type Simulator } from './support/simulator';

const SETUP_TIMEOUT = 20 * 60_000; // first run: n8n and Chromium are installed
const UI_TIMEOUT = 3 * 60_000;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = path.join(ROOT, '.cache/e2e/screenshots');
const EXAMPLE_NAME = 'Unifically example: generate a video (Veo 3.1 Fast)';
const NODE_NAME = 'Generate Video';

describe('the Unifically node in the n8n editor (Chromium)', () => {
	let sim: Simulator;
	let n8n: N8n;
	let context: BrowserContext;
	let page: Page;
	let profile: string;
	/** The example's prompt, as it is in examples/generate-video.json. */
	const originalPrompt = String(loadExample('generate-video').nodes.find((node) => node.name === NODE_NAME)!.parameters.prompt);

	beforeAll(async () => {
		const chromiumReady = await run('bash', [path.join(ROOT, 'scripts/ensure-chromium.sh')], { timeoutMs: 10 * 60_000 });
		if (chromiumReady.code !== 0) throw new Error(`scripts/ensure-chromium.sh failed:\n${chromiumReady.stderr}`);
		await ensureN8n();
		const tarball = await packPackage();
		sim = await startTestSimulator();
		n8n = await N8n.create({ tarball, name: 'unifically-editor' });
		await n8n.importUnificallyCredential({ baseUrl: sim.url });
		await n8n.importWorkflow(loadExample('generate-video'));
		await n8n.start();
		await n8n.login(); // creates the owner account (POST /rest/owner/setup)

		selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
		profile = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-chromium-'));
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			headless: true, // playwright adds --headless
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
			],
			viewport: { width: 1440, height: 900 },
		});
		context.setDefaultTimeout(20_000);
		page = context.pages()[0] ?? (await context.newPage());
		fs.mkdirSync(SCREENSHOTS, { recursive: true });
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await context?.close();
		if (profile) fs.rmSync(profile, { recursive: true, force: true });
		await n8n?.dispose();
		await sim?.close();
	}, 60_000);

	/** A test that keeps a screenshot of what the user would have seen when it fails. */
	function uiTest(name: string, fn: () => Promise<void>, timeout = UI_TIMEOUT): void {
		test(
			name,
			async () => {
				try {
					await fn();
				} catch (error) {
					const file = path.join(SCREENSHOTS, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 80)}.png`);
					await page?.screenshot({ path: file }).catch(() => undefined);
					process.stderr.write(`[e2e] screenshot of the failure: ${file}\n`);
					await backToCanvas();
					throw error;
				}
			},
			timeout,
		);
	}

	const canvasNode = (name: string): Locator => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	const exampleCard = (): Locator => page.getByTestId('workflow-card-name').filter({ hasText: EXAMPLE_NAME });
	const ndv = (): Locator => page.getByTestId('ndv');
	const promptInput = (): Locator => ndv().getByTestId('parameter-input-prompt').locator('textarea, input').first();

	/** Issues n8n shows in the open node's parameters: the ⚠ next to a field, and "… is not supported" texts. */
	async function parameterProblems(): Promise<string[]> {
		const marked = await ndv()
			.getByTestId('parameter-issues')
			.evaluateAll((marks) =>
				marks.map((mark) => `⚠ ${mark.closest('[data-test-id^="parameter-input-"]')?.getAttribute('data-test-id') ?? mark.textContent}`),
			);
		const text = await ndv().getByTestId('node-parameters').innerText().catch(() => '');
		return [...marked, ...text.split('\n').filter((line) => /not supported|is required/i.test(line)).map((line) => line.trim())];
	}

	/** After a failure: close whatever is open (dropdown, nodes panel, node), so the next test starts on the canvas. */
	async function backToCanvas(): Promise<void> {
		await closeNotifications().catch(() => undefined);
		for (let attempt = 0; attempt < 3; attempt++) {
			if (await ndv().isVisible().catch(() => false)) {
				await page.getByTestId('ndv-close-button').click({ timeout: 5_000 }).catch(() => undefined);
			} else if (await page.getByTestId('node-creator').isVisible().catch(() => false)) {
				await page.keyboard.press('Escape');
			} else break;
			await page.waitForTimeout(300);
		}
	}

	/** With E2E_SCREENSHOTS=1: a screenshot of the state being asserted. */
	async function snap(name: string): Promise<void> {
		if (process.env.E2E_SCREENSHOTS === '1') await page.screenshot({ path: path.join(SCREENSHOTS, `ok-${name}.png`) });
	}

	async function closeNotifications(): Promise<void> {
		const close = page.locator('.el-notification .el-notification__closeBtn:visible');
		for (let attempt = 0; attempt < 5 && (await close.count()) > 0; attempt++) {
			await close.first().click({ force: true, timeout: 2_000 }).catch(() => undefined);
			await page.waitForTimeout(400); // the notification slides out
		}
	}

	/** The Prompt shown at the top of the form, or null when the form shows none. */
	async function promptValue(): Promise<string | null> {
		const input = promptInput();
		return (await input.count()) > 0 ? input.inputValue() : null;
	}

	async function openNode(name: string): Promise<Locator> {
		await canvasNode(name).dblclick();
		await ndv().waitFor();
		return ndv();
	}

	async function closeNode(): Promise<void> {
		await page.getByTestId('ndv-close-button').click();
		await ndv().waitFor({ state: 'hidden' });
	}

	/** Choose in a dropdown parameter; `filter` is typed first, as a user narrows a long list. */
	async function choose(parameter: string, option: RegExp, filter?: string): Promise<void> {
		await ndv().getByTestId(`parameter-input-${parameter}`).click();
		if (filter) await page.keyboard.type(filter);
		const items = page.locator('.el-select-dropdown__item:visible, [role="option"]:visible');
		const byHeadline = items.filter({ has: page.locator('.option-headline', { hasText: option }) });
		const target = (await byHeadline.count()) > 0 ? byHeadline.first() : items.filter({ hasText: option }).first();
		await target.click();
		await page.waitForTimeout(300); // n8n re-renders the form after the change
	}

	uiTest('log in as the owner; the example is listed under Overview', async () => {
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.getByTestId('emailOrLdapLoginId').locator('input').fill(OWNER.email);
		await page.getByTestId('password').locator('input').fill(OWNER.password);
		await page.getByTestId('form-submit-button').click();
		await page.waitForURL(/\/home\//);
		await page.getByRole('heading', { name: 'Overview' }).waitFor();
		await exampleCard().waitFor();
	});

	uiTest('open "generate a video" from the list: the canvas shows its nodes', async () => {
		await exampleCard().click();
		await page.waitForURL(/\/workflow\//);
		await canvasNode(NODE_NAME).waitFor();
		await canvasNode('Run the example').waitFor();
		// Another tab's edit lock (an earlier session) would make the form read-only.
		const editHere = page.getByRole('button', { name: 'Edit here' });
		if (await editHere.isVisible()) await editHere.click();
	});

	for (const term of ['hailuo', 'music']) {
		uiTest(`the nodes panel finds the Unifically node by "${term}"`, async () => {
			await page.getByTestId('node-creator-plus-button').click();
			const creator = page.getByTestId('node-creator');
			await creator.waitFor();
			await page.getByTestId('node-creator-search-bar').fill(term);
			await creator
				.getByTestId('item-iterator-item')
				.filter({ has: page.getByText('Unifically', { exact: true }) })
				.first()
				.waitFor({ timeout: 10_000 });
			await snap(`nodes-panel-${term}`);
			await page.keyboard.press('Escape');
			await creator.waitFor({ state: 'hidden' });
		});
	}

	uiTest('switching the model Veo → Hailuo → Suno → Veo keeps the prompt and shows no error', async () => {
		await openNode(NODE_NAME);
		expect(await promptInput().inputValue()).toBe(originalPrompt);
		expect(await parameterProblems()).toEqual([]);

		const steps: Array<{ label: string; resource?: string; model: RegExp; filter: string }> = [
			{ label: 'Hailuo 2.3', model: /Hailuo 2\.3(?!\s*Fast)/, filter: 'Hailuo 2.3' },
			{ label: 'Suno music (Audio)', resource: 'Audio', model: /Suno.*Music|Music.*Suno|^Suno: (Generate|Create)/i, filter: 'Suno' },
			{ label: 'Veo 3.1 Fast (Video)', resource: 'Video', model: /Veo 3\.1 Fast/, filter: 'Veo 3.1 Fast' },
		];
		for (const step of steps) {
			if (step.resource) await choose('resource', new RegExp(`^${step.resource}$`));
			await choose('model', step.model, step.filter);
			const shown = await ndv().getByTestId('parameter-input-model').locator('input').first().inputValue();
			expect({ step: step.label, model: shown }).toEqual({ step: step.label, model: expect.stringMatching(step.model) });
			expect({ step: step.label, prompt: await promptValue() }).toEqual({ step: step.label, prompt: originalPrompt });
			expect({ step: step.label, problems: await parameterProblems() }).toEqual({ step: step.label, problems: [] });
			await snap(`model-${step.label.replace(/\W+/g, '-')}`);
		}
		await closeNode();
		await expect(canvasNode(NODE_NAME).getByTestId('node-issues').count()).resolves.toBe(0);
	});

	uiTest('a cleared required input is flagged before running: on the field, on the node, and Execute refuses', async () => {
		sim.resetStats();
		await openNode(NODE_NAME);
		try {
			await promptInput().fill('');
			await ndv().getByTestId('node-parameters').getByText('Operation', { exact: true }).click(); // leave the field
			// n8n's ⚠ next to the field, and its "required" mark on the label
			await ndv().getByTestId('parameter-input-prompt').getByTestId('parameter-issues').waitFor({ timeout: 10_000 });
			expect(await parameterProblems()).toEqual(['⚠ parameter-input-prompt']);
			await snap('required-field');
			await closeNode();
			// n8n's ⚠ on the node in the canvas, before anything ran
			await canvasNode(NODE_NAME).getByTestId('node-issues').waitFor({ timeout: 10_000 });
			await page.getByTestId('execute-workflow-button').click();
			await page.getByText('Workflow execution cannot start').waitFor({ timeout: 10_000 });
			await page.getByText(/Parameter "Prompt" is required/).first().waitFor();
			await snap('required-execute-refused');
			// Nothing reached the API (n8n records the refused start as an execution with an error).
			expect(sim.stats()).toMatchObject({ creates: 0, dryRuns: 0 });
			await closeNotifications();
		} finally {
			// Type it back (the editor saves on its own): the marks go, and the example runs below.
			await backToCanvas();
			await openNode(NODE_NAME);
			await promptInput().fill(originalPrompt);
			await ndv().getByTestId('node-parameters').getByText('Operation', { exact: true }).click();
			await closeNode();
		}
		await expect(canvasNode(NODE_NAME).getByTestId('node-issues').count()).resolves.toBe(0);
	});

	uiTest('Execute workflow: the Binary tab shows the MP4 with its name and type', async () => {
		await page.getByTestId('execute-workflow-button').click();
		const node = canvasNode(NODE_NAME);
		const done = node
			.getByTestId('canvas-node-status-success')
			.or(node.getByTestId('canvas-node-status-error'))
			.or(page.getByText('Workflow execution cannot start'));
		await done.first().waitFor({ timeout: 120_000 });
		expect(await page.getByText('Workflow execution cannot start').count()).toBe(0);
		expect(await canvasNode(NODE_NAME).getByTestId('canvas-node-status-error').count()).toBe(0);
		await openNode(NODE_NAME);
		const output = page.getByTestId('output-panel');
		await output.getByTestId('radio-button-binary').click();
		const binary = output.getByTestId('ndv-binary-data_0').or(output.locator('.binary-data')).first();
		await binary.waitFor();
		const text = await binary.innerText();
		expect(text).toMatch(/File Name:?\s*\S+\.mp4/i);
		expect(text).toMatch(/Mime Type:?\s*video\/mp4/i);
		await snap('binary-tab');
		await closeNode();
	});
});
