/**
 * The package in the real n8n 2.41.1 editor, as a user clicks through it: headless Chromium or Chrome
 * (scripts/ensure-chromium.sh finds it, or installs Debian's as root) driven by playwright-core, one n8n
 * (packed package installed, credential and the "generate a video" example imported, owner created)
 * and one browser for the whole file. The tests run in order, on the same page, like one session:
 * log in → open the example → nodes panel → switch models → clear a required input → run; then
 * issue #18's traps, and a file from the workflow as a model's input (Input Type: Binary File), run.
 *
 * Over 500 lines on purpose: the file is that one session, each test starting where the previous
 * one left the page; split in two, the second half would need its own n8n, browser, login and
 * example (a minute more of the suite) and would no longer test the steps in a user's order.
 *
 * A failing test leaves a screenshot in .cache/e2e/screenshots/ (its path is printed); with
 * E2E_SCREENSHOTS=1 the states asserted below are kept there too (to see what the assertions see).
 * The binary input test photographs its form for the docs: .cache/e2e/screenshots/binary-input.png,
 * and docs/images/binary-input.png when that is missing or UPDATE_DOCS_IMAGES=1.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { chromium, selectors, type BrowserContext, type Locator, type Page } from 'playwright-core';

import {
	EXAMPLE_CREDENTIAL,
	N8n,
	OWNER,
	ROOT,
	UNIFICALLY_NODE,
	UNIFICALLY_TRIGGER,
	ensureN8n,
	loadExample,
	nodeItems,
	packPackage,
	run,
	waitFor,
	type WorkflowJson,
} from '../../harness/n8n/index.cjs';
import { pngPicture, sha256 } from './support/pictures.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';

const SETUP_TIMEOUT = 20 * 60_000; // first run: n8n and Chromium are installed
const UI_TIMEOUT = 3 * 60_000;
const SCREENSHOTS = path.join(ROOT, '.cache/e2e/screenshots');
const EXAMPLE_NAME = 'Unifically example: generate a video (Veo 3.1 Fast)';
const NODE_NAME = 'Generate Video';

/** Issue #18's traps: a Suno node, an AI Agent with the node as its tool (one workflow); a published trigger. */
const TRAPS_ID = 'unifEditorTraps1';
const TRIGGER_ID = 'unifEditorTrig01';
const TRIGGER_WEBHOOK = '5d0c1a44-7f1e-4c7e-9b55-2f5e0b8f3a18';
const LYRICS = '[Verse] Windows down, the sun is high';
const credential = { unificallyApi: EXAMPLE_CREDENTIAL };

/** A file from the workflow as the start image: Read/Write Files from Disk → the node (Veo at first). */
const BINARY_ID = 'unifEditorBinIn1';
const BINARY_NODE = 'Animate Picture';
const PICTURE = { name: 'start-frame-editor.png', field: 'picture' } as const;
const BINARY_PROMPT = 'The picture comes to life, the camera slowly pushes in';
const DOCS_IMAGE = path.join(ROOT, 'docs/images/binary-input.png');
const PICKERS_ID = 'unifEditorPicks1';
/** ElevenLabs' premade voice "Rachel", one of the voices the simulator lists. */
const RACHEL = '21m00Tcm4TlvDq8ikWAM';

/** ElevenLabs Multi-Voice Dialogue, no turn yet: the voice is picked from the API's list. */
function pickersWorkflow(): WorkflowJson {
	return {
		id: PICKERS_ID,
		name: 'Editor pickers',
		nodes: [
			{ id: 'p1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'p2',
				name: 'Dialogue',
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'audio', operation: 'create', model: 'elevenlabs/text-to-dialogue' },
				credentials: credential,
			},
		],
		connections: { Start: { main: [[{ node: 'Dialogue', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const OTHER_MODEL_ID = 'unifEditorOther1';

/** "Other Model From the API", no model picked yet. */
function otherModelWorkflow(): WorkflowJson {
	return {
		id: OTHER_MODEL_ID,
		name: 'Editor other model',
		nodes: [
			{ id: 'o1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'o2',
				name: 'Newer Model',
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'video', operation: 'create', model: '__other__', prompt: 'A fox runs through the snow' },
				credentials: credential,
			},
		],
		connections: { Start: { main: [[{ node: 'Newer Model', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function binaryInputWorkflow(picturePath: string): WorkflowJson {
	return {
		id: BINARY_ID,
		name: 'Editor: a file from disk as the start image',
		nodes: [
			{ id: 'c1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'c2',
				name: 'Read Picture',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [240, 0],
				// The file lands in the binary field "picture" (not the default "data"): the form must be told.
				parameters: { operation: 'read', fileSelector: picturePath, options: { dataPropertyName: PICTURE.field } },
			},
			{
				id: 'c3',
				name: BINARY_NODE,
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [480, 0],
				parameters: { resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast', prompt: BINARY_PROMPT, options: {} },
				credentials: credential,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Read Picture', type: 'main', index: 0 }]] },
			'Read Picture': { main: [[{ node: BINARY_NODE, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Issue #30: the six models that took only JSON, one node switched through them. */
const SIX_ID = 'unifEditorSix001';
const SIX_NODE = 'Six Models';

function sixModelsWorkflow(): WorkflowJson {
	return {
		id: SIX_ID,
		name: 'Editor: the six models from their forms',
		nodes: [
			{ id: 'd1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'd2',
				name: SIX_NODE,
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast', prompt: 'A first prompt', options: { download: false } },
				credentials: credential,
			},
		],
		connections: { Start: { main: [[{ node: SIX_NODE, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function trapsWorkflow(): WorkflowJson {
	return {
		id: TRAPS_ID,
		name: 'Editor traps',
		nodes: [
			{ id: 'a1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'a2',
				name: 'Song',
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { resource: 'audio', operation: 'generate', model: 'suno-ai/music', mv: 'chirp-crow', custom: true, prompt: LYRICS },
				credentials: credential,
			},
			{
				id: 'a3',
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: 3.1,
				position: [240, 300],
				parameters: { promptType: 'define', text: 'Make a video', options: {} },
			},
			{
				id: 'a4',
				name: 'Video Tool',
				type: `${UNIFICALLY_NODE}Tool`,
				typeVersion: 1,
				position: [400, 520],
				parameters: { resource: 'video', operation: 'generate' },
				credentials: credential,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Song', type: 'main', index: 0 }]] },
			'Video Tool': { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Download on, Verify With API off: files must still arrive (from the API's URLs). */
function triggerWorkflow(): WorkflowJson {
	return {
		id: TRIGGER_ID,
		name: 'Editor trigger: Download, Verify off',
		nodes: [
			{
				id: 'b1',
				name: 'Callbacks',
				type: UNIFICALLY_TRIGGER,
				typeVersion: 1,
				position: [0, 0],
				webhookId: TRIGGER_WEBHOOK,
				parameters: { statuses: ['completed', 'failed'], secretToken: '', verifyWithApi: false, options: { download: true } },
				credentials: credential,
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
}

describe('the Unifically node in the n8n editor (Chromium)', () => {
	let sim: Simulator;
	let n8n: N8n;
	let context: BrowserContext;
	let page: Page;
	let profile: string;
	/** The picture the binary input test's workflow reads (in n8n's working folder: the file nodes may read there only). */
	let picture: Buffer;
	/** The example's prompt, as it is in examples/generate-video.json. */
	const originalPrompt = String(loadExample('generate-video').nodes.find((node) => node.name === NODE_NAME)!.parameters.prompt);

	beforeAll(async () => {
		const chromiumReady = await run('bash', [path.join(ROOT, 'scripts/ensure-chromium.sh')], { timeoutMs: 10 * 60_000 });
		if (chromiumReady.code !== 0) throw new Error(`scripts/ensure-chromium.sh failed:\n${chromiumReady.stderr}`);
		/** The browser ensure-chromium.sh found ($CHROMIUM / $CHROME_PATH, chromium or Chrome on PATH) or installed. */
		const browser = chromiumReady.stdout.trim();
		await ensureN8n();
		const tarball = await packPackage();
		sim = await startTestSimulator();
		n8n = await N8n.create({ tarball, name: 'unifically-editor' });
		await n8n.importUnificallyCredential({ baseUrl: sim.url });
		picture = pngPicture(480, 270, 'editor-binary-input');
		const picturePath = path.join(n8n.workDir, 'pictures', PICTURE.name);
		fs.mkdirSync(path.dirname(picturePath), { recursive: true });
		fs.writeFileSync(picturePath, picture);
		await n8n.importWorkflows([
			loadExample('generate-video'),
			trapsWorkflow(),
			triggerWorkflow(),
			binaryInputWorkflow(picturePath),
			sixModelsWorkflow(),
			pickersWorkflow(),
			otherModelWorkflow(),
		]);
		await n8n.publishWorkflow(TRIGGER_ID);
		await n8n.start();
		await n8n.login(); // creates the owner account (POST /rest/owner/setup)

		selectors.setTestIdAttribute('data-test-id'); // n8n's attribute
		profile = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-chromium-'));
		context = await chromium.launchPersistentContext(profile, {
			executablePath: browser,
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

	// ---- issue #18: nothing typed is lost, the panel, the credential, the tool, the trigger ----------

	async function openWorkflow(id: string, node: string): Promise<void> {
		await page.goto(`${n8n.baseUrl}/workflow/${id}`);
		await canvasNode(node).waitFor();
		const editHere = page.getByRole('button', { name: 'Edit here' });
		if (await editHere.isVisible()) await editHere.click();
	}

	/** The label of the parameter shown in the field `name` (n8n renders it just above the input). */
	async function labelOf(name: string): Promise<string> {
		return await ndv()
			.getByTestId(`parameter-input-${name}`)
			.evaluate((input) => {
				// Runs in the page; the tooling is type-checked without the DOM library, so the little of
				// the DOM used here is typed by hand.
				type PageElement = { querySelector(selector: string): PageElement | null; parentElement: PageElement | null; innerText: string };
				let node: PageElement | null = input as unknown as PageElement;
				while (node && !node.querySelector('label, [data-test-id="input-label"]')) node = node.parentElement;
				return node?.querySelector('label, [data-test-id="input-label"]')?.innerText.trim() ?? '';
			});
	}

	async function flipSwitch(name: string): Promise<void> {
		await ndv().getByTestId(`parameter-input-${name}`).locator('.el-switch').first().click();
		await page.waitForTimeout(300);
	}

	uiTest('Suno: the mode toggle off → on and Suno → TTS → Suno keep the text; simple mode\'s Song Description is required', async () => {
		await openWorkflow(TRAPS_ID, 'Song');
		await openNode('Song');
		expect(await promptValue()).toBe(LYRICS);
		expect(await labelOf('prompt')).toMatch(/^Prompt/);

		await flipSwitch('custom'); // off: simple mode
		expect(await labelOf('prompt')).toMatch(/^Song Description/);
		expect(await promptValue()).toBe(LYRICS);
		await snap('suno-simple-mode');
		await promptInput().fill('An upbeat song about a road trip');
		await flipSwitch('custom'); // on again
		expect(await labelOf('prompt')).toMatch(/^Prompt/);
		expect(await promptValue()).toBe('An upbeat song about a road trip');

		await choose('model', /Higgsfield: Text-to-Speech/, 'Text-to-Speech');
		expect(await promptValue()).toBe('An upbeat song about a road trip');
		// Voice ID: an example in the empty box.
		expect(await ndv().getByTestId('parameter-input-voiceId').locator('input').first().getAttribute('placeholder')).toBeTruthy();
		await choose('model', /Suno: Music/, 'Suno: Music');
		expect(await promptValue()).toBe('An upbeat song about a road trip');

		// Simple mode with the description cleared: n8n's ⚠ on it (it is required there).
		await flipSwitch('custom');
		await promptInput().fill('');
		await ndv().getByTestId('node-parameters').getByText('Operation', { exact: true }).click();
		await ndv().getByTestId('parameter-input-prompt').getByTestId('parameter-issues').waitFor({ timeout: 10_000 });
		await snap('suno-simple-required');
		await promptInput().fill(LYRICS);
		await flipSwitch('custom');
		await closeNode();
	});

	uiTest('words and models: Suno versions by name; Sound Effects keeps the prompt; the canvas names the model', async () => {
		await openNode('Song');
		expect(await ndv().getByTestId('parameter-input-mv').locator('input').first().inputValue()).toBe('v5 (Newest)');
		await choose('model', /ElevenLabs: Sound Effects/, 'Sound Effects');
		expect(await labelOf('prompt')).toMatch(/^Sound Description/);
		expect(await promptValue()).toBe(LYRICS);
		await closeNode();
		expect(await canvasNode('Song').innerText()).toContain('Generate: ElevenLabs Sound Effects');
		await snap('canvas-subtitle');
		await openNode('Song');
		await choose('model', /Suno: Music/, 'Suno: Music');
		expect(await promptValue()).toBe(LYRICS);
		await closeNode();
	});

	uiTest('video: aspect ratio, duration and resolution top-level, starting at the model\'s default (Kling O1: not 3 s)', async () => {
		await openWorkflow(TRAPS_ID, 'Song');
		await openNode('Song');
		await choose('resource', /^Video$/);
		await choose('model', /Kling: O1 Video/, 'O1 Video');
		for (const name of ['aspectRatio', 'duration']) await ndv().getByTestId(`parameter-input-${name}`).waitFor();
		expect(await ndv().getByTestId('parameter-input-duration').locator('input').first().inputValue()).toBe('Default');
		await choose('model', /Veo 3\.1 Fast/, 'Veo 3.1 Fast');
		expect(await ndv().getByTestId('parameter-input-resolution').locator('input').first().inputValue()).toBe('Default (720p)');
		expect(await promptValue()).toBe(LYRICS);
		await snap('video-main-controls');
		await choose('resource', /^Audio$/);
		await choose('model', /Suno: Music/, 'Suno: Music');
		await closeNode();
	});

	uiTest('the nodes panel\'s Unifically entry and its header describe the action node, not the trigger', async () => {
		await page.getByTestId('node-creator-plus-button').click();
		const creator = page.getByTestId('node-creator');
		await creator.waitFor();
		await page.getByTestId('node-creator-search-bar').fill('Unifically');
		const entry = creator.getByTestId('item-iterator-item').filter({ has: page.getByText('Unifically', { exact: true }) }).first();
		await entry.waitFor({ timeout: 10_000 });
		expect(await entry.innerText()).toMatch(/Generate video, images and audio with 50 AI models/);
		expect(await entry.innerText()).not.toMatch(/^Starts the workflow/m);
		await entry.click();
		await creator.getByText(/Generate video, images and audio with 50 AI models/).first().waitFor({ timeout: 10_000 });
		await snap('nodes-panel-entry');
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await creator.waitFor({ state: 'hidden' });
	});

	uiTest('the AI Agent tool: Model is a dropdown showing the picked model; "Let the Agent Choose" is opt-in', async () => {
		await openNode('Video Tool');
		const model = ndv().getByTestId('parameter-input-model');
		expect(await model.locator('input').first().inputValue()).toMatch(/Veo 3\.1 Fast \(google\/veo-3\.1-fast\)/);
		expect(await model.getByText('$fromAI').count()).toBe(0);
		expect(await ndv().getByTestId('parameter-input-modelFromAgent').count()).toBe(0);
		await choose('model', /^Let the Agent Choose$/, 'Let the Agent');
		await ndv().getByText('Model (Chosen by the Agent)').first().waitFor();
		await snap('tool-model');
		await choose('model', /Veo 3\.1 Fast/, 'Veo 3.1 Fast');
		await closeNode();
	});

	uiTest('the credential form speaks to API users: no notice about the simulator or npm', async () => {
		await page.goto(`${n8n.baseUrl}/home/credentials`);
		await page.getByText(EXAMPLE_CREDENTIAL.name, { exact: true }).first().click();
		const modal = page.getByTestId('editCredential-modal');
		await modal.waitFor();
		await modal.getByText('Base URL', { exact: true }).first().waitFor();
		const text = await modal.innerText();
		expect(text).not.toMatch(/npm start|npm run|local simulator|simulator answers/i);
		expect(text).not.toMatch(/ECONNREFUSED, ENOTFOUND or ETIMEDOUT, nothing answers at the Base URL/);
		await snap('credential-form');
		await page.keyboard.press('Escape');
	});

	uiTest('the trigger with Download on and Verify off: no second switch asked for, and the files arrive', async () => {
		await openWorkflow(TRIGGER_ID, 'Callbacks');
		await openNode('Callbacks');
		const shown = await ndv().getByTestId('node-parameters').innerText();
		expect(shown).not.toMatch(/needs Verify With API/);
		await ndv().getByTestId('node-credentials-select').first().waitFor();
		await closeNode();

		// A real task whose callback reaches the published trigger.
		const before = n8n.executions({ workflowId: TRIGGER_ID }).length;
		const created = await fetch(`${sim.url}/v1/tasks`, {
			method: 'POST',
			headers: { Authorization: 'Bearer sim-e2e-key', 'Content-Type': 'application/json' },
			body: JSON.stringify({
				model: 'google/nano-banana',
				input: { prompt: 'a cat', aspect_ratio: '1:1' },
				callback_url: `${n8n.baseUrl}/webhook/${TRIGGER_WEBHOOK}/callback`,
			}),
		});
		const taskId = ((await created.json()) as { data: { task_id: string } }).data.task_id;
		const execution = await waitFor(
			'the trigger execution with the task',
			() =>
				n8n
					.executions({ workflowId: TRIGGER_ID, includeData: true })
					.slice(before)
					.find((record) => record.status === 'success' && JSON.stringify(record.run ?? {}).includes(taskId)),
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		const [item] = nodeItems(execution.run!, 'Callbacks');
		expect(item.json.download_error).toBeUndefined();
		expect(item.binary?.data?.mimeType).toMatch(/^image\//);
		expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
	});

	// ---- issue #30: the six models that took only JSON, from their forms --------------------------

	/** Types into a text field of the open node and leaves it (n8n stores the value on blur). */
	async function fillField(name: string, value: string): Promise<void> {
		await ndv().getByTestId(`parameter-input-${name}`).locator('textarea, input').first().fill(value);
		await ndv().getByTestId('node-parameters').getByText('Operation', { exact: true }).click();
	}

	const SIX: Array<{
		label: string;
		resource?: 'Video' | 'Image' | 'Audio';
		model: RegExp;
		filter: string;
		id: string;
		fill: Array<[string, string]>;
		choose?: Array<[string, RegExp, string]>;
		guessed: boolean;
		prompt: boolean;
		sent: Record<string, unknown>;
	}> = [
		{
			label: 'Topaz Video Upscale',
			model: /Topaz: Video Upscale/,
			filter: 'Video Upscale',
			id: 'topaz-labs/video-upscale',
			fill: [['videoUrl', 'https://example.com/in.mp4']],
			choose: [['resolution', /^2K/, '2k']],
			guessed: false,
			prompt: false,
			sent: { video_url: 'https://example.com/in.mp4', resolution: '2k' },
		},
		{
			label: 'Topaz Image Upscale',
			resource: 'Image',
			model: /Topaz: Image Upscale/,
			filter: 'Image Upscale',
			id: 'topaz-labs/image-upscale',
			fill: [['imageUrl', 'https://example.com/photo.png']],
			guessed: true,
			prompt: false,
			sent: { image_url: 'https://example.com/photo.png' },
		},
		{
			label: 'Topaz Image Generative',
			model: /Topaz: Image Generative/,
			filter: 'Image Generative',
			id: 'topaz-labs/image-generative',
			fill: [['imageUrl', 'https://example.com/other.png']],
			guessed: true,
			prompt: false,
			sent: { image_url: 'https://example.com/other.png' },
		},
		{
			label: 'ElevenLabs Text to Speech',
			resource: 'Audio',
			model: /ElevenLabs: Text-to-Speech/,
			filter: 'ElevenLabs: Text',
			id: 'elevenlabs/text-to-speech',
			fill: [['prompt', 'Hello, and welcome to the show']],
			guessed: true,
			prompt: true,
			sent: { text: 'Hello, and welcome to the show' },
		},
		{
			label: 'ElevenLabs Voice Isolation',
			model: /ElevenLabs: Voice Isolation/,
			filter: 'Voice Isolation',
			id: 'elevenlabs/voice-isolation',
			fill: [['audioUrl', 'https://example.com/noisy.mp3']],
			guessed: true,
			prompt: false,
			sent: { audio_url: 'https://example.com/noisy.mp3' },
		},
		{
			label: 'Suno WAV',
			model: /Suno: WAV Export/,
			filter: 'WAV',
			id: 'suno-ai/wav',
			fill: [['clipId', '69ad968a-23c4-40e0-9cdc-80f9649c5209']],
			guessed: true,
			prompt: false,
			sent: { clip_id: '69ad968a-23c4-40e0-9cdc-80f9649c5209' },
		},
	];

	uiTest('the six models that took only JSON: each chosen and filled from its form (no JSON), saved as typed, and run against the simulator', async () => {
		await openWorkflow(SIX_ID, SIX_NODE);
		for (const step of SIX) {
			await openNode(SIX_NODE);
			if (step.resource) await choose('resource', new RegExp(`^${step.resource}$`));
			await choose('model', step.model, step.filter);
			expect({ step: step.label, model: await ndv().getByTestId('parameter-input-model').locator('input').first().inputValue() }).toEqual({
				step: step.label,
				model: expect.stringMatching(step.model),
			});
			// The upscalers show no Prompt (Topaz Video Upscale showed a text-to-video example).
			expect({ step: step.label, prompt: (await promptInput().count()) > 0 }).toEqual({ step: step.label, prompt: step.prompt });
			if (step.prompt) expect(await labelOf('prompt')).toMatch(/^Text/);
			for (const [name, value] of step.fill) await fillField(name, value);
			for (const [name, option, value] of step.choose ?? []) {
				await choose(name, option);
				expect(await ndv().getByTestId(`parameter-input-${name}`).locator('input').first().inputValue()).toMatch(option);
				expect(step.sent[name]).toBe(value);
			}
			// A guessed input name is offered with words saying so; the client-code one says where it comes from.
			const hint = step.guessed ? /this input's name is a guess/ : /from a public program that uses Unifically/;
			await ndv().getByText(hint).first().waitFor({ timeout: 10_000 });
			expect({ step: step.label, problems: await parameterProblems() }).toEqual({ step: step.label, problems: [] });
			await snap(`six-${step.label.replace(/\W+/g, '-')}`);
			await closeNode();

			await page.keyboard.press('Control+s');
			const saved = await waitFor(
				`${step.label} saved`,
				async () => {
					const { data } = await n8n.rest<{ data: WorkflowJson }>('GET', `/rest/workflows/${SIX_ID}`);
					const parameters = data.nodes.find((node) => node.name === SIX_NODE)!.parameters;
					return parameters.model === step.id && step.fill.every(([name, value]) => parameters[name] === value) ? parameters : undefined;
				},
				{ timeoutMs: 20_000, intervalMs: 500 },
			);
			// Typed in the form, not in Extra Input (JSON).
			expect({ step: step.label, extraInput: (saved.additionalFields as Record<string, unknown> | undefined)?.extraInput }).toEqual({ step: step.label, extraInput: undefined });

			const before = n8n.executions({ workflowId: SIX_ID }).length;
			await page.getByTestId('execute-workflow-button').click();
			const execution = await waitFor(
				`${step.label} run`,
				() => n8n.executions({ workflowId: SIX_ID, includeData: true }).slice(before).find((record) => record.status === 'success' || record.status === 'error'),
				{ timeoutMs: 120_000, intervalMs: 500 },
			);
			expect({ step: step.label, status: execution.status }).toEqual({ step: step.label, status: 'success' });
			const [item] = nodeItems(execution.run!, SIX_NODE);
			expect(item.json).toMatchObject({ status: 'completed', model: step.id });
			expect({ step: step.label, input: sim.tasks.get(String(item.json.task_id))?.input }).toEqual({ step: step.label, input: step.sent });
			await closeNotifications();
		}

		// Words: the dialogue's empty JSON editor has its example under it, as valid JSON.
		await openNode(SIX_NODE);
		await choose('model', /ElevenLabs: Multi-Voice Dialogue/, 'Dialogue');
		const example = await ndv().getByText(/^Example \(voice IDs/).first().innerText();
		expect(JSON.parse(example.slice(example.indexOf('[')))).toEqual([
			expect.objectContaining({ voice: 'TX3LPaxmHKxFdv7VOQHJ' }),
			expect.objectContaining({ voice: 'cgSgspJ2msm6clMCkdW9' }),
		]);
		await snap('dialogue-example');
		await choose('model', /Suno: WAV Export/, 'WAV');
		await closeNode();
	});

	// ---- a file from the workflow as a model's input -----------------------------------------------

	/** The docs' picture of the form: the panel from its top to the last of the given fields. */
	async function photographForm(fields: string[]): Promise<void> {
		await page.mouse.move(2, 400); // no hover effects in the picture
		await page.addStyleTag({ content: '[data-test-id="floating-node"] { visibility: hidden !important; }' });
		await page.waitForTimeout(1_000); // fonts and icons settle
		const box = (await ndv().boundingBox())!;
		let bottom = box.y;
		for (const name of fields) {
			const field = await ndv().getByTestId(`parameter-input-${name}`).boundingBox();
			if (field) bottom = Math.max(bottom, field.y + field.height);
		}
		const clip = { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, bottom - box.y + 40) };
		const cached = path.join(SCREENSHOTS, 'binary-input.png');
		await page.screenshot({ path: cached, clip });
		if (process.env.UPDATE_DOCS_IMAGES === '1' || !fs.existsSync(DOCS_IMAGE)) {
			fs.copyFileSync(cached, DOCS_IMAGE);
			process.stderr.write(`[e2e] wrote ${path.relative(ROOT, DOCS_IMAGE)}\n`);
		}
	}

	uiTest('Input Type → Binary File: Start Image URL becomes Start Image Binary Field ("data"), another name is saved, and the file from Read/Write Files is uploaded and used', async () => {
		await openWorkflow(BINARY_ID, BINARY_NODE);
		await openNode(BINARY_NODE);
		await choose('model', /Hailuo 2\.3 Fast/, 'Hailuo 2.3 Fast');
		const inputType = ndv().getByTestId('parameter-input-inputType').locator('input').first();
		// URL first (the default): the required Start Image URL, no binary field.
		expect(await inputType.inputValue()).toBe('URL');
		await ndv().getByTestId('parameter-input-startImageUrl').waitFor();
		expect(await ndv().getByTestId('parameter-input-startImageBinaryField').count()).toBe(0);

		await choose('inputType', /Binary File/);
		expect(await inputType.inputValue()).toBe('Binary File');
		const field = ndv().getByTestId('parameter-input-startImageBinaryField').locator('input').first();
		await field.waitFor();
		expect(await labelOf('startImageBinaryField')).toMatch(/^Start Image Binary Field/);
		expect(await field.inputValue()).toBe('data');
		expect(await ndv().getByTestId('parameter-input-startImageUrl').count()).toBe(0);
		expect(await promptValue()).toBe(BINARY_PROMPT);
		expect(await parameterProblems()).toEqual([]);
		await snap('binary-input-default');

		// The previous node puts the file in "picture": the user types that.
		await field.fill(PICTURE.field);
		await ndv().getByTestId('node-parameters').getByText('Operation', { exact: true }).click(); // leave the field
		expect(await field.inputValue()).toBe(PICTURE.field);
		expect(await parameterProblems()).toEqual([]);
		await closeNode();
		await expect(canvasNode(BINARY_NODE).getByTestId('node-issues').count()).resolves.toBe(0);
		await page.keyboard.press('Control+s');
		const saved = await waitFor(
			'the workflow saved with the binary input',
			async () => {
				const { data } = await n8n.rest<{ data: WorkflowJson }>('GET', `/rest/workflows/${BINARY_ID}`);
				const parameters = data.nodes.find((node) => node.name === BINARY_NODE)!.parameters;
				return parameters.inputType === 'binary' && parameters.startImageBinaryField === PICTURE.field ? parameters : undefined;
			},
			{ timeoutMs: 20_000, intervalMs: 500 },
		);
		// (n8n saves what differs from a parameter's default: Resource "Video" and Operation "Generate" are.)
		expect(saved).toMatchObject({ model: 'hailuo/minimax-2.3-fast', prompt: BINARY_PROMPT, inputType: 'binary', startImageBinaryField: PICTURE.field });

		// Run it: Read/Write Files reads the picture, the node uploads it and creates the task with its URL.
		sim.resetStats();
		const uploadsBefore = new Set(sim.uploads().map((upload) => upload.id));
		const executionsBefore = n8n.executions({ workflowId: BINARY_ID }).length;
		await page.getByTestId('execute-workflow-button').click();
		const node = canvasNode(BINARY_NODE);
		await node
			.getByTestId('canvas-node-status-success')
			.or(node.getByTestId('canvas-node-status-error'))
			.or(page.getByText('Workflow execution cannot start'))
			.first()
			.waitFor({ timeout: 120_000 });
		expect(await page.getByText('Workflow execution cannot start').count()).toBe(0);
		expect(await node.getByTestId('canvas-node-status-error').count()).toBe(0);
		const execution = await waitFor(
			'the run saved',
			() => n8n.executions({ workflowId: BINARY_ID, includeData: true }).slice(executionsBefore).find((record) => record.status === 'success'),
			{ timeoutMs: 30_000, intervalMs: 500 },
		);
		const [read] = nodeItems(execution.run!, 'Read Picture');
		expect(read.binary?.[PICTURE.field]).toMatchObject({ fileName: PICTURE.name, mimeType: 'image/png', id: expect.stringMatching(/^filesystem/) });
		const uploads = sim.uploads().filter((upload) => !uploadsBefore.has(upload.id));
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ fileName: PICTURE.name, contentType: 'image/png', size: picture.length, sha256: sha256(picture) });
		const [generated] = nodeItems(execution.run!, BINARY_NODE);
		expect(generated.json).toMatchObject({ status: 'completed', model: 'hailuo/minimax-2.3-fast' });
		expect(sim.tasks.get(String(generated.json.task_id))?.input).toEqual({ prompt: BINARY_PROMPT, start_image_url: uploads[0].url });
		expect(sim.stats()).toMatchObject({ creates: 1, uploads: 1 });

		// The form as a user sees it after the run: the picture in the input's binary field, named on the form.
		await closeNotifications();
		await openNode(BINARY_NODE);
		const binaryTab = page.getByTestId('input-panel').getByTestId('radio-button-binary');
		if (await binaryTab.isVisible().catch(() => false)) await binaryTab.click();
		await photographForm(['inputType', 'startImageBinaryField', 'prompt']);
		await closeNode();
	});
	// ---- choices from the API's lists ----------------------------------------------------------------

	uiTest('Multi-Voice Dialogue without JSON: Add Turn, type the line, pick the voice from the API\'s list; saved and sent as its ID', async () => {
		await openWorkflow(PICKERS_ID, 'Dialogue');
		await openNode('Dialogue');
		await ndv().getByText('Add Turn', { exact: true }).first().click();
		const text = ndv().getByTestId('parameter-input-text').locator('textarea, input').first();
		await text.fill('[excitedly] We did it!');
		const voice = ndv().getByTestId('resource-locator-voice');
		await voice.waitFor();
		await voice.getByTestId('rlc-input').first().click();
		// The simulator's four voices, each by its name and ID.
		const rachel = page.getByText(`Rachel (${RACHEL})`, { exact: true });
		await rachel.waitFor({ timeout: 20_000 });
		expect(await page.getByText(/^(Rachel|Domi|Antoni|Arnold) \(\w+\)$/).filter({ visible: true }).count()).toBe(4);
		await snap('dialogue-voice-list');
		await rachel.click();
		await page.waitForTimeout(300);
		// The picker's inputs: the mode ("From list"), then the picked voice by name.
		const shown = await voice.locator('input').evaluateAll((inputs) => inputs.map((input) => (input as unknown as { value: string }).value));
		expect(shown).toEqual(['From list', expect.stringMatching(/^Rachel/)]);
		expect(await parameterProblems()).toEqual([]);
		await closeNode();
		await expect(canvasNode('Dialogue').getByTestId('node-issues').count()).resolves.toBe(0);
		await page.keyboard.press('Control+s');
		const saved = await waitFor(
			'the workflow saved with the turn',
			async () => {
				const { data } = await n8n.rest<{ data: WorkflowJson }>('GET', `/rest/workflows/${PICKERS_ID}`);
				const parameters = data.nodes.find((node) => node.name === 'Dialogue')!.parameters as { dialogueTurns?: { turn?: Array<{ text: string; voice: { value: string } }> } };
				return parameters.dialogueTurns?.turn?.[0]?.voice?.value === RACHEL ? parameters : undefined;
			},
			{ timeoutMs: 20_000, intervalMs: 500 },
		);
		expect(saved.dialogueTurns!.turn![0]).toMatchObject({ text: '[excitedly] We did it!', voice: { __rl: true, mode: 'list', value: RACHEL } });

		// Run it: the API gets the dialogue array with the voice's plain ID.
		sim.resetStats();
		const executionsBefore = n8n.executions({ workflowId: PICKERS_ID }).length;
		await page.getByTestId('execute-workflow-button').click();
		const execution = await waitFor(
			'the run saved',
			() => n8n.executions({ workflowId: PICKERS_ID, includeData: true }).slice(executionsBefore).find((record) => record.status !== 'running' && record.status !== 'new'),
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		expect(execution.status).toBe('success');
		const [created] = nodeItems(execution.run!, 'Dialogue');
		expect(sim.tasks.get(String(created.json.task_id))?.input).toEqual({ dialogue: [{ text: '[excitedly] We did it!', voice: RACHEL }] });
		await closeNotifications();
	});
	uiTest('Other Model From the API: the list offers the video models GET /v1/models lists beyond the catalog; the picked one is created', async () => {
		await openWorkflow(OTHER_MODEL_ID, 'Newer Model');
		await openNode('Newer Model');
		const model = ndv().getByTestId('resource-locator-otherModel');
		await model.waitFor();
		await model.getByTestId('rlc-input').first().click();
		const seedance = page.getByText('Seedance 2.0 Fast (bytedance/seedance-2.0-fast)', { exact: true });
		await seedance.waitFor({ timeout: 20_000 });
		// The simulator's four listed-only video models; no catalog model, no image or audio model.
		const listed = page.getByText(/^.+ \((bytedance|xai|google|kuaishou|openai|suno-ai)\/[\w.-]+\)$/).filter({ visible: true });
		expect((await listed.allInnerTexts()).sort()).toEqual([
			'Grok Imagine Video (xai/grok-imagine-video)',
			'Kling 2.6 Video (kuaishou/kling-2.6-video)',
			'Seedance 2.0 Fast (bytedance/seedance-2.0-fast)',
			'Veo 3.1 Lite (google/veo-3.1-lite)',
		]);
		await snap('other-model-list');
		await seedance.click();
		await page.waitForTimeout(300);
		expect(await parameterProblems()).toEqual([]);
		await closeNode();
		expect(await canvasNode('Newer Model').innerText()).toContain('Create Task: seedance-2.0-fast');
		await page.keyboard.press('Control+s');
		await waitFor(
			'the workflow saved with the model',
			async () => {
				const { data } = await n8n.rest<{ data: WorkflowJson }>('GET', `/rest/workflows/${OTHER_MODEL_ID}`);
				const parameters = data.nodes.find((node) => node.name === 'Newer Model')!.parameters as { otherModel?: { value?: string } };
				return parameters.otherModel?.value === 'bytedance/seedance-2.0-fast' ? parameters : undefined;
			},
			{ timeoutMs: 20_000, intervalMs: 500 },
		);
		const executionsBefore = n8n.executions({ workflowId: OTHER_MODEL_ID }).length;
		await page.getByTestId('execute-workflow-button').click();
		const execution = await waitFor(
			'the run saved',
			() => n8n.executions({ workflowId: OTHER_MODEL_ID, includeData: true }).slice(executionsBefore).find((record) => record.status !== 'running' && record.status !== 'new'),
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		expect(execution.status).toBe('success');
		const [created] = nodeItems(execution.run!, 'Newer Model');
		expect(created.json).toMatchObject({ model: 'bytedance/seedance-2.0-fast', status: 'pending' });
		const task = sim.tasks.get(String(created.json.task_id));
		expect([task?.model, task?.input]).toEqual(['bytedance/seedance-2.0-fast', { prompt: 'A fox runs through the snow' }]);
		await closeNotifications();
	});
});
