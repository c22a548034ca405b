/**
 * Compatibility: the same subset of end-to-end behaviour on every n8n version the README promises
 * (TESTED_N8N_VERSIONS: the 1.x line users still run, 1.123.81, and the current 2.41.1), with the
 * package installed from its `npm pack` tarball as a community package.
 *
 * One `n8n start` per version, shared by its tests: every workflow starts from a production Webhook
 * (published through n8n's REST API once the server runs; the trigger's with the CLI before it), so
 * no test pays for an `n8n execute` or other CLI process of its own. Executions
 * are followed in n8n's database. What differs between n8n versions in driving n8n (publish:workflow
 * vs update:workflow --active) is handled by harness/n8n/n8n.cts; what differs for the package is
 * handled by the package itself (feature detection), so the tests below are the same for every version.
 *
 * The other e2e files go deeper on 2.41.1 only; this file proves the cross-version subset:
 * install as a community package, credential test (GET /v1/account), Generate with download,
 * Estimate Cost, Create → Wait → Get, bad input, the trigger with a callback, Generate "Until
 * Callback", a file from the workflow as a model's input (Read/Write Files from Disk → Input Type:
 * Binary File), Account → Get, and a batch that runs out of balance (Continue On Fail).
 * On the current n8n (N8N_VERSION, 2.41.1) it runs only what no other e2e file runs there (the
 * credential test, Create → Wait → Get, bad input, the binary input, the account and the dry batch):
 * each other test names the test that covers it on 2.41.1 (`olderVersionsOnly`), and its workflows
 * are not imported there.
 *
 * The account tests use credentials of their own (ACCOUNT_CREDENTIAL, DRY_CREDENTIAL: their own API
 * keys), set up through the simulator's control route (`POST /__sim/account`) and counted by key, so
 * a balance or a restriction they set reaches no other test.
 *
 * Binary data: this file's n8n runs in filesystem mode on every version (harness/n8n), so the binary
 * input is streamed from n8n's binary store. Where a version's own default mode is another one
 * (n8n 1.x: "default", in memory), the binary input test runs a second time on a small n8n of that
 * version left in its default mode, where the file goes from its buffer (about 15 s more).
 *
 * E2E_COMPAT_VERSIONS=1.123.81 (comma-separated) runs a subset of the versions.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	EXAMPLE_CREDENTIAL,
	N8n,
	N8N_VERSION,
	TESTED_N8N_VERSIONS,
	UNIFICALLY_NODE,
	UNIFICALLY_TRIGGER,
	ensureN8n,
	loadExample,
	nodeError,
	nodeItems,
	nodeJson,
	packPackage,
	StopWaiting,
	waitFor,
	type ExecutionRecord,
	type WorkflowJson,
} from '../../harness/n8n/index.cjs';
import { pngPicture, sha256 } from './support/pictures.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';
import { unificallyTriggerNode, webhookBatchWorkflow, webhookNode } from './support/workflows.cjs';

const SETUP_TIMEOUT = 25 * 60_000; // a first run installs n8n (minutes); later runs take seconds
const TEST_TIMEOUT = 3 * 60_000;

const VERSIONS: string[] = process.env.E2E_COMPAT_VERSIONS
	? process.env.E2E_COMPAT_VERSIONS.split(',').map((version) => version.trim()).filter(Boolean)
	: [...TESTED_N8N_VERSIONS];

/** Workflows of this suite: id (16 characters, as n8n's) and the path of their Webhook trigger. */
const FLOWS = {
	estimate: { id: 'unifCompatEstim1', path: 'compat-estimate' },
	generate: { id: 'unifCompatGenVid', path: 'compat-generate' },
	createWaitGet: { id: 'unifCompatCrWtGt', path: 'compat-create-wait-get' },
	badInput: { id: 'unifCompatBadInp', path: 'compat-bad-input' },
	createWithCallback: { id: 'unifCompatCbCrea', path: 'compat-create-callback' },
	untilCallback: { id: 'unifCompatUntilC', path: 'compat-until-callback' },
	binaryStartImage: { id: 'unifCompatBinImg', path: 'compat-binary-start-image' },
	accountGet: { id: 'unifCompatAcctGt', path: 'compat-account-get' },
	dryBatch: { id: 'unifCompatDryBat', path: 'compat-dry-batch' },
} as const;
const TRIGGER_WORKFLOW = 'unifCompatTrigg1';
const TRIGGER_WEBHOOK_ID = 'b7f0c7d2-6a43-4c55-9d0e-5e2f3f0a7c11';
const TRIGGER_TOKEN = 'compat-token';
const UNTIL_CALLBACK_NODE_ID = '3c9c6d0e-5a0b-4b8e-9f57-0c0a11c0b1a1';

/** Credentials of the account tests, each with an API key no other test uses. */
const ACCOUNT_CREDENTIAL = { id: 'unifCompatAcct01', name: 'Unifically (compat account)', apiKey: 'compat-account-key' } as const;
const DRY_CREDENTIAL = { id: 'unifCompatDry001', name: 'Unifically (compat dry batch)', apiKey: 'compat-dry-key' } as const;
/** The dry batch: 100 Nano Banana images ($0.03 each in the simulator), a balance that pays 36. */
const DRY_BATCH = { items: 100, paid: 36, price: 0.03 } as const;

/** An example workflow with its Manual Trigger replaced by a production Webhook (same node name). */
function viaWebhook(example: string, flow: { id: string; path: string }): WorkflowJson {
	const workflow = loadExample(example);
	workflow.id = flow.id;
	workflow.name = `compat: ${workflow.name}`;
	workflow.nodes = workflow.nodes.map((node) =>
		node.type === 'n8n-nodes-base.manualTrigger' ? webhookNode(flow.path, { name: node.name, position: node.position }) : node,
	);
	return workflow;
}

/** Webhook → the given Unifically nodes, in a chain (with the examples' credential unless another is given). */
function chain(
	flow: { id: string; path: string },
	name: string,
	nodes: Array<{ name: string; parameters: Record<string, unknown>; id?: string }>,
	credential: { id: string; name: string } = EXAMPLE_CREDENTIAL,
): WorkflowJson {
	const all = [
		webhookNode(flow.path),
		...nodes.map((node, index) => ({
			id: node.id ?? randomUUID(),
			name: node.name,
			type: UNIFICALLY_NODE,
			typeVersion: 1,
			position: [220 * (index + 1), 0] as [number, number],
			parameters: node.parameters,
			credentials: { unificallyApi: { id: credential.id, name: credential.name } },
		})),
	];
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < all.length - 1; index++) {
		connections[all[index].name] = { main: [[{ node: all[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { id: flow.id, name: `compat: ${name}`, nodes: all, connections, settings: { executionOrder: 'v1' } };
}

/**
 * Unifically Trigger (Secret Token) → Task → Get with Download: the file is fetched by the action
 * node, inside the execution. (The trigger's own "Download Output Files" is not used here: on n8n 1.x
 * in filesystem binary mode, n8n deletes a webhook's files when another execution of the same
 * workflow ends first — README "Compatibility". examples.test.cts covers it on 2.41.1.)
 */
function triggerWorkflow(): WorkflowJson {
	return {
		id: TRIGGER_WORKFLOW,
		name: 'compat: receive task results',
		nodes: [
			unificallyTriggerNode(TRIGGER_WEBHOOK_ID, TRIGGER_TOKEN),
			{
				id: randomUUID(),
				name: 'Get Result',
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [220, 0],
				parameters: { resource: 'task', operation: 'get', taskId: '={{ $json.task_id }}', options: { download: true } },
				credentials: { unificallyApi: EXAMPLE_CREDENTIAL },
			},
		],
		connections: { 'Unifically Trigger': { main: [[{ node: 'Get Result', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

const VEO = { resource: 'video', model: 'google/veo-3.1-fast' } as const;

/**
 * The picture the binary input test writes into n8n's working folder, the only place n8n's file
 * nodes may read (harness/n8n: N8N_RESTRICT_FILE_ACCESS_TO; n8n 2.x also blocks its own folders).
 * 512 × 400 pixels of noise, about 600 KB: more than one of the chunks the node streams.
 */
const PICTURE = { folder: 'pictures', name: 'start-frame-compat.png', width: 512, height: 400 } as const;
const picturePath = (instance: N8n) => path.join(instance.workDir, PICTURE.folder, PICTURE.name);
const BINARY_PROMPT = 'The picture comes to life';

/**
 * Webhook → n8n's Read/Write Files from Disk (read the picture: binary field `data`) → Video →
 * Generate with Hailuo 2.3 Fast, its required start image given as Input Type: Binary File.
 */
function binaryStartImageWorkflow(instance: N8n): WorkflowJson {
	const flow = FLOWS.binaryStartImage;
	return {
		id: flow.id,
		name: 'compat: a file from disk as the start image',
		nodes: [
			webhookNode(flow.path),
			{
				id: randomUUID(),
				name: 'Read Picture',
				type: 'n8n-nodes-base.readWriteFile',
				typeVersion: 1,
				position: [220, 0],
				parameters: { operation: 'read', fileSelector: picturePath(instance), options: {} },
			},
			{
				id: randomUUID(),
				name: 'Animate Picture',
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [440, 0],
				parameters: {
					resource: 'video',
					operation: 'generate',
					model: 'hailuo/minimax-2.3-fast',
					prompt: BINARY_PROMPT,
					inputType: 'binary',
					startImageBinaryField: 'data',
					options: { download: false },
				},
				credentials: { unificallyApi: EXAMPLE_CREDENTIAL },
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Read Picture', type: 'main', index: 0 }]] },
			'Read Picture': { main: [[{ node: 'Animate Picture', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/**
 * The binary data mode an n8n version uses when N8N_DEFAULT_BINARY_DATA_MODE is not set (regular
 * mode): "default" (in memory, inline base64) on 1.x, "filesystem" since 2.0. The test checks it on
 * the binary the Read/Write Files node outputs (an id in filesystem mode, inline data in memory).
 */
const defaultBinaryMode = (major: number): 'default' | 'filesystem' => (major >= 2 ? 'filesystem' : 'default');

function workflows(instance: N8n): WorkflowJson[] {
	return [
		viaWebhook('estimate-cost', FLOWS.estimate),
		viaWebhook('generate-video', FLOWS.generate),
		chain(FLOWS.createWaitGet, 'Create → Wait → Get', [
			{
				name: 'Create Task',
				parameters: { resource: 'image', operation: 'create', model: 'google/nano-banana', prompt: 'A red kite over a green hill', aspectRatio: '1:1', options: {} },
			},
			{ name: 'Wait for Task', parameters: { resource: 'task', operation: 'wait', taskId: '={{ $json.task_id }}', options: { download: true } } },
			{ name: 'Get Task', parameters: { resource: 'task', operation: 'get', taskId: '={{ $json.task_id }}' } },
		]),
		chain(FLOWS.badInput, 'bad input', [
			{
				name: 'Generate Video',
				parameters: { ...VEO, operation: 'generate', prompt: 'A hummingbird', aspectRatio: '={{ "7:3" }}', options: {} },
			},
		]),
		chain(FLOWS.createWithCallback, 'Create with a callback URL', [
			{
				name: 'Create Task',
				parameters: {
					resource: 'image',
					operation: 'create',
					model: 'google/nano-banana',
					prompt: '={{ $json.body.prompt }}',
					aspectRatio: '1:1',
					options: { callbackUrl: `http://localhost:5678/webhook/${TRIGGER_WEBHOOK_ID}/callback?token=${TRIGGER_TOKEN}` },
				},
			},
		]),
		triggerWorkflow(),
		chain(FLOWS.untilCallback, 'Generate until callback', [
			{
				id: UNTIL_CALLBACK_NODE_ID,
				name: 'Generate Videos',
				parameters: {
					...VEO,
					operation: 'generate',
					prompt: '={{ $json.body.prompt }}',
					additionalFields: { extraInput: '={{ JSON.stringify({ sim_latency_ms: $json.body.latency }) }}' },
					options: { waitMode: 'callback', timeout: 300, download: true },
				},
			},
		]),
		binaryStartImageWorkflow(instance),
		chain(FLOWS.accountGet, 'Account → Get', [{ name: 'Get Account', parameters: { resource: 'account', operation: 'get' } }], ACCOUNT_CREDENTIAL),
		webhookBatchWorkflow({
			id: FLOWS.dryBatch.id,
			name: 'compat: a batch that runs out of balance',
			path: FLOWS.dryBatch.path,
			generate: {
				id: randomUUID(),
				name: 'Generate Images',
				type: UNIFICALLY_NODE,
				typeVersion: 1,
				position: [440, 0],
				// Continue On Fail (regular output): the items not started come out with the others.
				onError: 'continueRegularOutput',
				parameters: {
					resource: 'image',
					operation: 'generate',
					model: 'google/nano-banana',
					prompt: '={{ $json.prompt }}',
					aspectRatio: '1:1',
					options: { download: false },
				},
				credentials: { unificallyApi: { id: DRY_CREDENTIAL.id, name: DRY_CREDENTIAL.name } },
			},
			after: 'Done',
			settings: { executionOrder: 'v1' },
		}),
	];
}

/** The workflows the tests on the current n8n use (the others are covered there by other e2e files). */
const ON_CURRENT_N8N: string[] = [FLOWS.createWaitGet.id, FLOWS.badInput.id, FLOWS.binaryStartImage.id, FLOWS.accountGet.id, FLOWS.dryBatch.id];

describe.each(VERSIONS)('compatibility: n8n %s', (version) => {
	const current = version === N8N_VERSION;
	/**
	 * A test another e2e file runs on the current n8n: here on the older versions only. `coveredBy`
	 * names the file and test that cover it on the current n8n.
	 */
	const olderVersionsOnly =
		(coveredBy: string) =>
		(name: string, fn: () => Promise<void>, timeout: number): void => {
			if (current) coveredElsewhere.push(`"${name}": ${coveredBy}`);
			else test(name, fn, timeout);
		};
	const coveredElsewhere: string[] = [];
	let sim: Simulator;
	let n8n: N8n;
	const timings: string[] = [];
	let suiteStarted = 0;

	beforeAll(async () => {
		suiteStarted = Date.now();
		await ensureN8n(version);
		const tarball = await packPackage();
		sim = await startTestSimulator();
		n8n = await N8n.create({ version, tarball, name: `unifically-compat-${version}` });
		await n8n.importUnificallyCredential({ baseUrl: sim.url, apiKey: 'sim-e2e-key' });
		// The account tests' credentials, in one CLI call.
		await n8n.importCredentials(
			[ACCOUNT_CREDENTIAL, DRY_CREDENTIAL].map(({ id, name, apiKey }) => ({
				id,
				name,
				type: 'unificallyApi',
				data: { apiKey, baseUrl: sim.url, uploadUrl: `${sim.url}/upload`, requestsPerSecond: 10 },
			})),
		);
		const ids = await n8n.importWorkflows(workflows(n8n).filter((workflow) => !current || ON_CURRENT_N8N.includes(workflow.id!)));
		// The trigger's workflow is published with the CLI (publish:workflow on 2.x, update:workflow
		// --active on 1.x: harness/n8n/n8n.cts), the others through the REST API once n8n runs.
		if (ids.includes(TRIGGER_WORKFLOW)) await n8n.publishWorkflow(TRIGGER_WORKFLOW);
		const starting = Date.now();
		await n8n.start();
		const activating = Date.now();
		for (const id of ids) if (id !== TRIGGER_WORKFLOW) await n8n.activateWorkflow(id);
		for (const id of ids) await n8n.waitForWebhooks(id);
		timings.push(
			`setup (install check, pack, import, CLI publish): ${starting - suiteStarted} ms; n8n start: ${activating - starting} ms; ` +
				`publishing ${ids.length} workflows until their webhooks answer: ${Date.now() - activating} ms`,
		);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		timings.push(`whole suite: ${Date.now() - suiteStarted} ms`);
		if (coveredElsewhere.length > 0) timings.push(`left to other e2e files on ${version}:\n    ${coveredElsewhere.join('\n    ')}`);
		process.stderr.write(`[compat n8n ${version}] timings:\n  ${timings.join('\n  ')}\n`);
		await n8n?.dispose();
		await sim?.close();
	}, 60_000);

	/** POSTs to a workflow's production webhook; resolves with the execution once it has ended. */
	async function run(flow: { id: string; path: string }, body: unknown = {}, timeoutMs = 120_000, instance = n8n): Promise<ExecutionRecord> {
		const started = await startExecution(flow, body, instance);
		return await waitForEnd(started.id, timeoutMs, instance);
	}

	async function startExecution(flow: { id: string; path: string }, body: unknown, instance = n8n): Promise<ExecutionRecord> {
		const before = new Set(instance.executions({ workflowId: flow.id }).map((execution) => execution.id));
		const response = await fetch(instance.webhookUrl(flow.path), {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(response.status).toBe(200);
		return await waitFor('the new execution', () => instance.executions({ workflowId: flow.id }).find((execution) => !before.has(execution.id)), {
			timeoutMs: 30_000,
		});
	}

	function execution(id: string, includeData = false, instance = n8n): ExecutionRecord {
		const found = instance.executions({ includeData }).find((record) => record.id === id);
		if (!found) throw new Error(`execution ${id} not found`);
		return found;
	}

	/**
	 * The execution once it has ended and its data is saved. n8n 1.x writes the status of an
	 * execution a moment before its run data (a resumed one's waiting node briefly has no run; a
	 * webhook-started one may briefly have no run data at all): wait for both.
	 */
	async function waitForEnd(id: string, timeoutMs: number, instance = n8n): Promise<ExecutionRecord> {
		return await waitFor(
			`execution ${id} to end`,
			() => {
				if (['new', 'running', 'waiting', 'unknown'].includes(execution(id, false, instance).status)) return undefined;
				const record = execution(id, true, instance);
				const runs = Object.values(record.run?.data.resultData.runData ?? {});
				return record.status !== 'success' || (runs.length > 0 && runs.every((nodeRuns) => nodeRuns.length > 0)) ? record : undefined;
			},
			{ timeoutMs, intervalMs: 250 },
		).catch((error: Error) => {
			throw new Error(`${error.message}\n--- n8n log ---\n${instance.logs().split('\n').slice(-40).join('\n')}`);
		});
	}

	function expectSuccess(record: ExecutionRecord): void {
		if (record.status !== 'success') {
			throw new Error(`execution ${record.id} ended "${record.status}": ${JSON.stringify(record.run?.data.resultData.error ?? record.run?.data.resultData.runData, null, 1).slice(0, 3000)}`);
		}
	}

	// (No runtime dependencies: package.json's, test/integration/publishing.test.cts.)
	olderVersionsOnly('examples.test.cts: "npm install --omit=dev puts the package alone …" and "n8n lists both Unifically nodes …"')('installs as a community package: the package alone, both nodes and the credential type are listed', async () => {
		expect(n8n.installedModules()).toEqual(['n8n-nodes-unifically']);
		const names = (await n8n.nodeTypes()).map((type) => type.name);
		expect(names).toEqual(expect.arrayContaining([UNIFICALLY_NODE, UNIFICALLY_TRIGGER]));
		expect((await n8n.credentialTypes()).map((type) => type.name)).toContain('unificallyApi');
	}, TEST_TIMEOUT);

	/** The simulator's account of a key, through its control route; with `changes`, set first (POST /__sim/account). */
	async function simAccount(key: string, changes?: { balance?: number; restrictedUntil?: number | null }): Promise<{ balance: number; restrictedUntil: number | null; valid: boolean }> {
		const response = changes
			? await fetch(`${sim.url}/__sim/account`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, ...changes }) })
			: await fetch(`${sim.url}/__sim/account?key=${encodeURIComponent(key)}`);
		expect(response.status).toBe(200);
		return (await response.json()) as { balance: number; restrictedUntil: number | null; valid: boolean };
	}

	/** A restriction's end an hour from now, in whole unix seconds, and the ISO time the node shows for it. */
	function anHourFromNow(): { until: number; iso: string } {
		const until = Math.floor(Date.now() / 1000) + 3600;
		return { until, iso: new Date(until * 1000).toISOString() };
	}

	test('credential test (GET /v1/account): a good key passes with nothing created or charged, a bad key is refused with a message about the key, a wrong Base URL says so, a restricted account passes', async () => {
		sim.resetStats();
		const testWith = (apiKey: string, baseUrl = sim.url) =>
			n8n.testCredential({ id: EXAMPLE_CREDENTIAL.id, name: EXAMPLE_CREDENTIAL.name, type: 'unificallyApi', data: { baseUrl, requestsPerSecond: 10, apiKey } });

		const good = await testWith('sim-e2e-key');
		expect(good.status).toBe('OK');
		// The test is one account read: no dry run, no task, nothing charged.
		expect(sim.stats()).toMatchObject({ accountReads: 1, dryRuns: 0, creates: 0, spentUsd: 0 });
		expect(sim.stats().byKey['sim-e2e-key']).toMatchObject({ accountReads: 1 });

		const bad = await testWith('invalid-key');
		expect(bad.status).toBe('Error');
		// n8n 2.x applies the credential's rule for 401 ("Invalid API key: …"); n8n 1.x shows its own 401 text.
		expect(bad.message).toMatch(n8n.major >= 2 ? /^Invalid API key: check the key in this credential$/ : /^Authorization failed - please check your credentials/);
		expect(bad.message).not.toContain('invalid-key');
		// Two requests, both 401: n8n's httpRequestWithAuthentication (1.x and 2.x) sends a request answered
		// 401 once more after asking the credential for a fresh token (preAuthentication, which this
		// credential does not have). Nothing else is read or created with the key.
		expect(sim.stats().byKey['invalid-key']).toMatchObject({ errors: { '401': 2 }, accountReads: 0, creates: 0, dryRuns: 0 });

		// A Base URL where no Unifically API answers (the simulator's 404 for an unknown path).
		const nowhere = await testWith('sim-e2e-key', `${sim.url}/no-api-here`);
		expect(nowhere.status).toBe('Error');
		expect(nowhere.message).toMatch(n8n.major >= 2 ? /^No Unifically API at this Base URL \(404\)$/ : /^The resource you are requesting could not be found/);

		// A restricted account: its account read answers 200, so n8n reports the test as passed. n8n's
		// declarative credential test can only match a status code or compare a field to a fixed value,
		// so it cannot look at restricted_until (docs/node.md, "The credential"); Account → Get shows it,
		// and Generate / Create Task stop on it before creating anything.
		const restrictedKey = 'compat-restricted-key';
		const { until } = anHourFromNow();
		expect(await simAccount(restrictedKey, { restrictedUntil: until })).toMatchObject({ restrictedUntil: until, valid: true });
		const restricted = await testWith(restrictedKey);
		expect(restricted).toMatchObject({ status: 'OK' });
		expect(sim.stats().byKey[restrictedKey]).toMatchObject({ accountReads: 1, creates: 0, dryRuns: 0 });
		expect(sim.stats()).toMatchObject({ accountReads: 2, dryRuns: 0, creates: 0, spentUsd: 0 });
		timings.push(`credential test answers: good ${JSON.stringify(good)}; bad key ${JSON.stringify(bad)}; 404 ${JSON.stringify(nowhere)}; restricted ${JSON.stringify(restricted)}`);
	}, TEST_TIMEOUT);

	test('Account → Get: the balance the simulator holds, restricted_until null, then an ISO time once the account is restricted', async () => {
		const key = ACCOUNT_CREDENTIAL.apiKey;
		sim.resetStats();
		expect(await simAccount(key, { balance: 12.3456, restrictedUntil: null })).toEqual({ balance: 12.3456, restrictedUntil: null, valid: true });
		const open = await run(FLOWS.accountGet);
		expectSuccess(open);
		const [account, ...rest] = nodeJson(open.run!, 'Get Account');
		expect(rest).toHaveLength(0);
		expect(account).toEqual({ balance_usd: 12.3456, restricted_until: null, user_id: expect.anything(), email: expect.stringContaining('@') });
		expect(JSON.stringify(account)).not.toContain(key);
		expect(sim.stats().byKey[key]).toMatchObject({ accountReads: 1, creates: 0 });

		const { until, iso } = anHourFromNow();
		await simAccount(key, { restrictedUntil: until });
		try {
			const restricted = await run(FLOWS.accountGet);
			expectSuccess(restricted);
			const [read] = nodeJson(restricted.run!, 'Get Account');
			expect(read).toEqual({ ...account, restricted_until: iso });
			expect(sim.stats().byKey[key]).toMatchObject({ accountReads: 2, creates: 0 });
		} finally {
			await simAccount(key, { restrictedUntil: null });
		}
	}, TEST_TIMEOUT);

	test(`a batch that runs dry: ${DRY_BATCH.items} Nano Banana images with Continue On Fail, a balance for ${DRY_BATCH.paid}: ${DRY_BATCH.paid} completed, the rest not started (the first with the 402), one account read, one 402`, async () => {
		const key = DRY_CREDENTIAL.apiKey;
		sim.resetStats();
		const balance = DRY_BATCH.paid * DRY_BATCH.price + 0.001;
		expect(await simAccount(key, { balance, restrictedUntil: null })).toMatchObject({ balance: 1.081, restrictedUntil: null });
		const known = new Set(sim.tasks.keys());
		const from = Date.now();
		const ended = await run(FLOWS.dryBatch, { items: Array.from({ length: DRY_BATCH.items }, (_, index) => ({ prompt: `A paper boat, number ${index + 1}` })) }, 150_000);
		const ranMs = Date.now() - from;
		const items = nodeItems(ended.run!, 'Generate Images');
		const completed = items.filter((item) => item.json.status === 'completed');
		const notStarted = items.filter((item) => item.json.status === 'not_started');
		const stats = sim.stats().byKey[key];
		// The request counts, to be quoted.
		console.log(
			`[dry batch n8n ${version}] account reads ${stats?.accountReads}, creates ${stats?.creates}, 402s ${stats?.errors['402'] ?? 0}, ` +
				`completed ${completed.length}, not started ${notStarted.length} (${ranMs} ms from the webhook to the end)`,
		);
		timings.push(`dry batch (${DRY_BATCH.items} items): ${ranMs} ms from the webhook to the end of the execution`);
		expectSuccess(ended);

		expect(items).toHaveLength(DRY_BATCH.items);
		expect([completed.length, notStarted.length]).toEqual([DRY_BATCH.paid, DRY_BATCH.items - DRY_BATCH.paid]);
		// In item order: the ones the balance paid, then the one it could not pay (with the API's 402), then the rest.
		expect(items.map((item) => item.json.status)).toEqual([
			...Array<string>(DRY_BATCH.paid).fill('completed'),
			...Array<string>(DRY_BATCH.items - DRY_BATCH.paid).fill('not_started'),
		]);
		expect(notStarted[0].pairedItem).toMatchObject({ item: DRY_BATCH.paid });
		expect(notStarted[0].json).toMatchObject({ status: 'not_started', model: 'google/nano-banana', error: 'Unifically API error 402: Insufficient balance' });
		for (const item of notStarted.slice(1)) {
			expect(String(item.json.error)).toMatch(new RegExp(`^Not started: the Unifically balance ran out at item ${DRY_BATCH.paid} `));
		}
		// Every task the API created is in the output, completed: none lost.
		const created = [...sim.tasks.values()].filter((task) => !known.has(task.id));
		expect(completed.map((item) => item.json.task_id).sort()).toEqual(created.map((task) => task.id).sort());
		for (const item of completed) expect(item.json).toMatchObject({ model: 'google/nano-banana', output: expect.anything() });
		// The simulator saw one account read, the creates the balance paid, one 402 and nothing after it.
		expect([stats.accountReads, stats.creates, stats.errors['402']]).toEqual([1, DRY_BATCH.paid, 1]);
		expect(stats.dryRuns).toBe(0);
		expect((await simAccount(key)).balance).toBeCloseTo(0.001, 4);
		// Continue On Fail: the workflow goes on with every item.
		expect(nodeItems(ended.run!, 'Done')).toHaveLength(DRY_BATCH.items);
	}, TEST_TIMEOUT);

	olderVersionsOnly('examples.test.cts: "Estimate Cost: prices with a dry run, creates nothing" (the same example)')('Estimate Cost: priced with a dry run, nothing created', async () => {
		sim.resetStats();
		const ended = await run(FLOWS.estimate);
		expectSuccess(ended);
		const priced = nodeJson(ended.run!, 'Estimate Cost');
		expect(priced).toHaveLength(1);
		expect(priced[0]).toMatchObject({ model: 'google/veo-3.1-fast', cost: 0.4 });
		expect(sim.stats()).toMatchObject({ dryRuns: 1, creates: 0, spentUsd: 0 });
	}, TEST_TIMEOUT);

	olderVersionsOnly('examples.test.cts: "Generate Video: waits for the task and downloads the video …" (the same example)')('Generate with download: waits for the task, the video lands in binary data', async () => {
		sim.resetStats();
		const ended = await run(FLOWS.generate);
		expectSuccess(ended);
		const [item, ...rest] = nodeItems(ended.run!, 'Generate Video');
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({ status: 'completed', model: 'google/veo-3.1-fast', task_id: expect.any(String) });
		expect(item.binary?.data?.mimeType).toMatch(/^video\//);
		expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		expect(sim.stats()).toMatchObject({ creates: 1, tasksCompleted: 1 });
	}, TEST_TIMEOUT);

	test('Create → Task Wait → Task Get: the same task all the way, with its file', async () => {
		sim.resetStats();
		const ended = await run(FLOWS.createWaitGet);
		expectSuccess(ended);
		const [created] = nodeJson(ended.run!, 'Create Task');
		expect(created).toEqual({ task_id: expect.any(String), status: expect.any(String), model: 'google/nano-banana' });
		const [waited] = nodeItems(ended.run!, 'Wait for Task');
		expect(waited.json).toMatchObject({ task_id: created.task_id, status: 'completed' });
		expect(n8n.readBinary(waited.binary!.data).length).toBe(sim.config.outputBytes);
		const [got] = nodeJson(ended.run!, 'Get Task');
		expect(got).toMatchObject({ task_id: created.task_id, status: 'completed', output: waited.json.output });
		expect(sim.stats()).toMatchObject({ creates: 1 });
	}, TEST_TIMEOUT);

	test('bad input: stops with an error naming the parameter, before any request', async () => {
		sim.resetStats();
		const ended = await run(FLOWS.badInput);
		expect(ended.status).toBe('error');
		const error = nodeError(ended.run!, 'Generate Video');
		expect(error?.message).toMatch(/aspectRatio|Aspect Ratio/);
		expect(error?.message).toContain('7:3');
		expect(sim.stats().requests).toBe(0);
	}, TEST_TIMEOUT);

	olderVersionsOnly('examples.test.cts: "create-with-callback + published trigger: every result arrives and is saved", and its restart test (401 without the token)')('create with a callback URL + the published Unifically Trigger: every result arrives once, and its file', async () => {
		sim.resetStats();
		const before = n8n.executions({ workflowId: TRIGGER_WORKFLOW }).length;
		// Three executions at once, each creating one task: their callbacks arrive together.
		const prompts = ['A watercolor map', 'A neon sign in the rain', 'A stack of pancakes'];
		const known = new Set(n8n.executions({ workflowId: FLOWS.createWithCallback.id }).map((record) => record.id));
		await Promise.all(
			prompts.map(async (prompt) => {
				const response = await fetch(n8n.webhookUrl(FLOWS.createWithCallback.path), {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ prompt }),
				});
				expect(response.status).toBe(200);
			}),
		);
		const creations = await waitFor('the three create executions', () => {
			const started = n8n.executions({ workflowId: FLOWS.createWithCallback.id }).filter((record) => !known.has(record.id));
			return started.length === 3 ? started : undefined;
		});
		const created = [];
		for (const creation of creations) {
			const ended = await waitForEnd(creation.id, 60_000);
			expectSuccess(ended);
			created.push(...nodeJson(ended.run!, 'Create Task'));
		}
		expect(created).toHaveLength(3);
		for (const task of created) expect(task).toEqual({ task_id: expect.any(String), status: expect.any(String), model: 'google/nano-banana' });
		// Callbacks arriving together come out as the items of one execution (README: The Unifically Trigger).
		const ended = (status: string) => !['new', 'running', 'waiting', 'unknown'].includes(status);
		const executions = await waitFor(
			'the 3 tasks out of the trigger',
			() => {
				const done = n8n.executions({ workflowId: TRIGGER_WORKFLOW, includeData: true }).slice(before).filter((record) => ended(record.status));
				return done.flatMap((record) => nodeJson(record.run!, 'Unifically Trigger')).length >= 3 ? done : undefined;
			},
			{ timeoutMs: 90_000, intervalMs: 500 },
		);
		executions.forEach(expectSuccess);
		const received = executions.flatMap((record) => nodeJson(record.run!, 'Unifically Trigger'));
		expect(received.map((task) => task.task_id).sort()).toEqual(created.map((task) => task.task_id).sort());
		const results = executions.flatMap((record) => nodeItems(record.run!, 'Get Result'));
		expect(results).toHaveLength(3);
		for (const item of results) {
			expect(item.json).toMatchObject({ status: 'completed', task_id: expect.any(String) });
			expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		}
		expect(sim.stats().callbacks.map((callback) => callback.status)).toEqual([200, 200, 200]);
		// Without the trigger's Secret Token: 401, and nothing starts.
		const [hook] = n8n.webhooks(TRIGGER_WORKFLOW);
		expect(hook.url).toBe(`${n8n.baseUrl}/webhook/${TRIGGER_WEBHOOK_ID}/callback`);
		const refused = await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: 'x', status: 'failed' }) });
		expect(refused.status).toBe(401);
		expect(n8n.executions({ workflowId: TRIGGER_WORKFLOW })).toHaveLength(before + executions.length);
	}, TEST_TIMEOUT);

	olderVersionsOnly('callback-wait.test.cts: "the execution waits in n8n, survives a restart, and completes with every item …" (resume URL, signature, output)')('Generate "Until Callback": the execution waits in n8n and resumes with the task\'s result when its callback arrives', async () => {
		sim.resetStats();
		const known = new Set(sim.tasks.keys());
		const started = await startExecution(FLOWS.untilCallback, { prompt: 'A lighthouse in a storm', latency: 6_000 });
		await waitFor(
			`execution ${started.id} to wait`,
			() => {
				const status = execution(started.id).status;
				if (status === 'waiting') return true;
				if (!['new', 'running', 'unknown'].includes(status)) throw new StopWaiting(`execution ${started.id} ended "${status}" without waiting`);
				return undefined;
			},
			{ timeoutMs: 30_000 },
		);
		const [task] = [...sim.tasks.values()].filter((candidate) => !known.has(candidate.id));
		// The callback URL is this execution's resume URL for the Generate node: n8n 2.x adds its resume
		// token (`signature`), which must be kept; n8n 1.x has none.
		const url = new URL(task.callbackUrl!);
		expect(`${url.origin}${url.pathname}`).toBe(`${n8n.baseUrl}/webhook-waiting/${started.id}/${UNTIL_CALLBACK_NODE_ID}`);
		if (n8n.major >= 2) expect(url.searchParams.get('signature')).toBeTruthy();

		const ended = await waitForEnd(started.id, 90_000);
		expectSuccess(ended);
		const [item, ...rest] = nodeItems(ended.run!, 'Generate Videos');
		expect(rest).toHaveLength(0);
		expect(item.json).toMatchObject({ task_id: task.id, status: 'completed', model: 'google/veo-3.1-fast' });
		expect(item.json.output).toEqual(task.planned.output);
		expect(item.json).not.toHaveProperty('waiting_for_callback');
		expect(n8n.readBinary(item.binary!.data).length).toBe(sim.config.outputBytes);
		expect(sim.stats().callbacks.map((callback) => callback.status)).toEqual([200]);
		expect(sim.stats()).toMatchObject({ creates: 1 });
	}, TEST_TIMEOUT);

	/**
	 * Writes the picture where the workflow reads it, runs the workflow on `instance`, and checks that
	 * the file n8n read is the one uploaded (bytes, name, type) and the task's start image. Returns
	 * the binary n8n's Read/Write Files node output (its `id` says where n8n kept it).
	 */
	async function binaryStartImageRun(instance: N8n): Promise<{ stored: string; uploadMs: number }> {
		const picture = pngPicture(PICTURE.width, PICTURE.height, `compat-${version}-${instance.port}`);
		fs.mkdirSync(path.dirname(picturePath(instance)), { recursive: true });
		fs.writeFileSync(picturePath(instance), picture);
		sim.resetStats();
		const uploadsBefore = new Set(sim.uploads().map((upload) => upload.id));
		const ended = await run(FLOWS.binaryStartImage, {}, 120_000, instance);
		expectSuccess(ended);

		const [read] = nodeItems(ended.run!, 'Read Picture');
		expect(read.binary?.data).toMatchObject({ fileName: PICTURE.name, mimeType: 'image/png' });
		const [generated, ...rest] = nodeItems(ended.run!, 'Animate Picture');
		expect(rest).toHaveLength(0);
		expect(generated.json).toMatchObject({ status: 'completed', model: 'hailuo/minimax-2.3-fast', task_id: expect.any(String) });

		// Exactly the file's bytes went up, once, with its name and type …
		const uploads = sim.uploads().filter((upload) => !uploadsBefore.has(upload.id));
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ fileName: PICTURE.name, contentType: 'image/png', size: picture.length, sha256: sha256(picture) });
		// … and the task the node created reads it from the upload's URL.
		const task = sim.tasks.get(String(generated.json.task_id));
		expect(task?.input).toEqual({ prompt: BINARY_PROMPT, start_image_url: uploads[0].url });
		expect(sim.stats()).toMatchObject({ creates: 1, uploads: 1, tasksCompleted: 1 });
		const runs = ended.run!.data.resultData.runData['Animate Picture'];
		return { stored: read.binary!.data.id ?? 'inline', uploadMs: runs[0].executionTime };
	}

	test(`binary input: Read/Write Files from Disk → Video Generate (Hailuo 2.3 Fast, Input Type: Binary File) in filesystem mode${
		defaultBinaryMode(Number(version.split('.')[0])) === 'filesystem' ? " (this n8n's default)" : ''
	}: the picture is streamed from n8n's binary store, uploaded with its bytes, name and type, and is the task's start image`, async () => {
		const { stored, uploadMs } = await binaryStartImageRun(n8n);
		// Filesystem mode: n8n keeps the file on disk and passes an id, so the node streams it (getBinaryStream).
		expect(stored).toMatch(/^filesystem(-v2)?:/);
		timings.push(`binary input, filesystem mode (${stored.split(':')[0]}): the Unifically node ran ${uploadMs} ms (upload + create + wait)`);
	}, TEST_TIMEOUT);

	if (defaultBinaryMode(Number(version.split('.')[0])) !== 'filesystem') {
		test(`binary input: the same in n8n ${version}'s default binary data mode ("${defaultBinaryMode(Number(version.split('.')[0]))}", in memory): the picture goes from its buffer`, async () => {
			// A second, small n8n of this version (this workflow only) left in its own default mode.
			const from = Date.now();
			const tarball = await packPackage();
			const inMemory = await N8n.create({ version, tarball, name: `unifically-compat-${version}-default-mode`, env: { N8N_DEFAULT_BINARY_DATA_MODE: undefined } });
			try {
				await inMemory.importUnificallyCredential({ baseUrl: sim.url, apiKey: 'sim-e2e-key' });
				await inMemory.importWorkflows([binaryStartImageWorkflow(inMemory)]);
				await inMemory.start();
				await inMemory.activateWorkflow(FLOWS.binaryStartImage.id);
				await inMemory.waitForWebhooks(FLOWS.binaryStartImage.id);
				const ready = Date.now();
				const { stored, uploadMs } = await binaryStartImageRun(inMemory);
				// No id: n8n keeps the file inline in the item (base64), the node sends it from its buffer.
				expect(stored).toBe('inline');
				timings.push(
					`binary input, default mode on a second n8n: setup (install, import, start, publish) ${ready - from} ms; the Unifically node ran ${uploadMs} ms`,
				);
			} finally {
				await inMemory.dispose();
			}
		}, TEST_TIMEOUT);
	}
});
