/**
 * The Unifically node as a tool of n8n's AI Agent, in a real n8n 2.x (`n8n execute`), with the
 * package installed from its tarball. The agent's chat model is n8n's own "OpenAI Chat Model" node
 * whose credential points at a scripted OpenAI-compatible server (support/scriptedChatModel.ts):
 * it answers with the tool calls a test scripts, then with a final message quoting the tool results.
 *
 * - The tool runs the model picked in its dropdown; the agent is offered that model's inputs only
 *   and gives the prompt and an option: the simulator receives exactly those (with "Let the Agent
 *   Choose", the agent is offered every input of the resource and also gives the model),
 *   and the agent's answer carries the finished task (task_id, output URL).
 * - A task slower than the tool's wait comes back as its task_id with a note; the agent then gets
 *   it with the "Get a task" tool and answers with its output.
 * - Account → Get as a tool (no arguments): the agent reads the balance the simulator holds for the
 *   credential's key before a costly task; the account reaches the model, one account read, nothing created.
 *
 * Also passes on n8n 1.123.81: N8N_CACHE_DIR=<its install> E2E_AGENT_VERSION=3 (its newest AI Agent).
 */
import { randomUUID } from 'node:crypto';

import { N8n, UNIFICALLY_NODE, ensureN8n, nodeJson, packPackage, type WorkflowJson } from '../../harness/n8n/index.cjs';
import { startScriptedChatModel, type ChatRequest, type ScriptedAnswer, type ScriptedChatModel } from './support/scriptedChatModel.cjs';
import { startTestSimulator, type Simulator } from './support/simulator.cjs';

const SETUP_TIMEOUT = 20 * 60_000;
const RUN_TIMEOUT = 3 * 60_000;
const TOOL = `${UNIFICALLY_NODE}Tool`;
/** The AI Agent's newest version in the n8n under test (3.1 in 2.x; 3 in 1.123.x). */
const AGENT_VERSION = Number(process.env.E2E_AGENT_VERSION ?? 3.1);
const OPENAI_CREDENTIAL = { id: 'scriptedOpenAi01', name: 'Scripted OpenAI' };

const FOX = {
	ask: 'Make a vertical video of a red fox in the snow',
	// The tool runs the model picked in its dropdown (the default, Veo 3.1 Fast): no model argument.
	args: { prompt: 'A red fox trotting through fresh snow, golden hour', aspect_ratio: '9:16' },
};
const SLOW = {
	ask: 'Make a long cinematic video of a lighthouse in a storm',
	args: {
		model: 'kuaishou/kling-2.6',
		prompt: 'A lighthouse in a storm, waves crashing, cinematic',
		duration: '10',
		other_inputs: '{"sim_latency_ms": 7000}',
	},
};

const BALANCE = {
	ask: 'How much is left on my Unifically balance? I want to make a long video.',
	/** The credential's key (harness: importUnificallyCredential's default) and the balance set for it. */
	key: 'sim-e2e-key',
	usd: 42.4242,
};

const taskIdIn = (text: string) => /"task_id"\s*:\s*"([^"]+)"/.exec(text)?.[1];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the scripted model answers: per conversation (its first user message), by turn. */
async function script(request: ChatRequest): Promise<ScriptedAnswer> {
	const asked = request.messages.map((message) => (typeof message.content === 'string' ? message.content : '')).join('\n');
	const results = request.toolResults;
	if (asked.includes(FOX.ask)) {
		if (results.length === 0) return { toolCall: { tool: /^Generate/, arguments: FOX.args } };
		return { content: `Here is your fox video. Tool result: ${results[0]}` };
	}
	if (asked.includes(SLOW.ask)) {
		if (results.length === 0) return { toolCall: { tool: /^Generate/, arguments: SLOW.args } };
		if (results.length === 1) {
			// The tool said the task goes on: come back later with its task_id.
			await sleep(7000);
			return { toolCall: { tool: /^Get/, arguments: { task_id: taskIdIn(results[0]) } } };
		}
		return { content: `It took a while. First: ${results[0]} Later: ${results[1]}` };
	}
	if (asked.includes(BALANCE.ask)) {
		if (results.length === 0) return { toolCall: { tool: /^Check/, arguments: {} } };
		return { content: `Before the video, your account: ${results[0]}` };
	}
	return { content: 'I did not understand.' };
}

function agentWorkflow(
	id: string,
	ask: string,
	unifically: { id: string; name: string },
	tools: Array<{ name: string; parameters: Record<string, unknown> }>,
): WorkflowJson {
	const position = (x: number, y: number): [number, number] => [x, y];
	return {
		id,
		name: `e2e AI Agent ${id}`,
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: position(0, 0), parameters: {} },
			{
				id: randomUUID(),
				name: 'Chat input',
				type: 'n8n-nodes-base.set',
				typeVersion: 3.4,
				position: position(220, 0),
				parameters: { mode: 'raw', jsonOutput: JSON.stringify({ chatInput: ask }), options: {} },
			},
			{
				id: randomUUID(),
				name: 'AI Agent',
				type: '@n8n/n8n-nodes-langchain.agent',
				typeVersion: AGENT_VERSION,
				position: position(440, 0),
				parameters: { promptType: 'define', text: '={{ $json.chatInput }}', options: {} },
			},
			{
				id: randomUUID(),
				name: 'OpenAI Chat Model',
				type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
				typeVersion: 1.2,
				position: position(300, 220),
				parameters: { model: { __rl: true, mode: 'id', value: 'scripted-model' }, options: {} },
				credentials: { openAiApi: OPENAI_CREDENTIAL },
			},
			...tools.map((tool, index) => ({
				id: randomUUID(),
				name: tool.name,
				type: TOOL,
				typeVersion: 1,
				position: position(500 + index * 200, 220),
				parameters: tool.parameters,
				credentials: { unificallyApi: unifically },
			})),
		],
		connections: {
			Start: { main: [[{ node: 'Chat input', type: 'main', index: 0 }]] },
			'Chat input': { main: [[{ node: 'AI Agent', type: 'main', index: 0 }]] },
			'OpenAI Chat Model': { ai_languageModel: [[{ node: 'AI Agent', type: 'ai_languageModel', index: 0 }]] },
			...Object.fromEntries(tools.map((tool) => [tool.name, { ai_tool: [[{ node: 'AI Agent', type: 'ai_tool', index: 0 }]] }])),
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('Unifically as an AI Agent tool in a real n8n', () => {
	let sim: Simulator;
	let model: ScriptedChatModel;
	let n8n: N8n;

	beforeAll(async () => {
		await ensureN8n();
		const tarball = await packPackage();
		sim = await startTestSimulator({ taskLatencyMs: 1500 });
		model = await startScriptedChatModel(script);
		n8n = await N8n.create({ tarball, name: 'unifically-ai-agent' });
		const unifically = await n8n.importUnificallyCredential({ baseUrl: sim.url });
		await n8n.importCredentials([{ ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-scripted', url: model.url } }]);
		// Only resource and operation are saved: the $fromAI() fields come from the node's defaults.
		await n8n.importWorkflow(
			agentWorkflow('unifAgentFox0001', FOX.ask, unifically, [
				{ name: 'Generate video', parameters: { resource: 'video', operation: 'generate' } },
			]),
		);
		await n8n.importWorkflow(
			agentWorkflow('unifAgentSlow001', SLOW.ask, unifically, [
				// "Let the Agent Choose" (opt-in): the agent gives the model.
				{ name: 'Generate video', parameters: { resource: 'video', operation: 'generate', model: 'agentChooses', options: { timeout: 2 } } },
				{ name: 'Get a task', parameters: { resource: 'task', operation: 'get' } },
			]),
		);
		// Account → Get as a tool: nothing for the agent to give; its description is the node's default.
		await n8n.importWorkflow(
			agentWorkflow('unifAgentAcct001', BALANCE.ask, unifically, [{ name: 'Check balance', parameters: { resource: 'account', operation: 'get' } }]),
		);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await n8n?.dispose();
		await model?.close();
		await sim?.close();
	}, 60_000);

	const conversation = (ask: string) =>
		model.requests.filter((request) => request.messages.some((message) => message.content === ask));

	test('the picked model runs; the agent gives prompt and aspect ratio; its answer carries the finished task', async () => {
		const result = await n8n.execute('unifAgentFox0001', { timeoutMs: RUN_TIMEOUT });
		expect(model.errors).toEqual([]);
		expect(result.error).toBeUndefined();

		// n8n offered the tool with the arguments the node defines, and a description saying how long it waits.
		const [first, second] = conversation(FOX.ask);
		const tool = first.tools.find((candidate) => candidate.name.startsWith('Generate'))!;
		expect(tool.description).toMatch(/^Generates a video with an AI model .* waits for the task up to its timeout \(60 seconds unless set otherwise\)/);
		// Veo fixed: only the inputs Veo takes (no duration).
		expect(Object.keys(tool.parameters.properties ?? {}).sort()).toEqual(
			['aspect_ratio', 'other_inputs', 'prompt', 'resolution', 'start_image_url'].sort(),
		);
		// Its example is JSON, and it lists Veo's other inputs only.
		expect(tool.parameters.properties?.other_inputs.description).toContain('for example {"seed": 42}');
		expect(tool.parameters.properties?.other_inputs.description).toContain('The other inputs google/veo-3.1-fast takes: end_image_url, seed');
		expect(tool.parameters.properties?.other_inputs.description).not.toMatch(/duration|kling/);

		// The simulator received exactly what the scripted model chose.
		const [task] = [...sim.tasks.values()].filter((candidate) => candidate.input.prompt === FOX.args.prompt);
		expect(task.model).toBe('google/veo-3.1-fast');
		expect(task.input).toStrictEqual({ prompt: FOX.args.prompt, aspect_ratio: '9:16' });

		// The tool result went back to the model, and the agent's answer quotes it.
		expect(second.toolResults).toHaveLength(1);
		expect(taskIdIn(second.toolResults[0])).toBe(task.id);
		const [answer] = nodeJson(result.run!, 'AI Agent');
		expect(answer.output).toContain(task.id);
		expect(answer.output).toContain('"status":"completed"');
		expect(answer.output).toMatch(new RegExp(`http://127\\.0\\.0\\.1:\\d+/files/`));
	}, RUN_TIMEOUT);

	test('a task slower than the tool’s wait returns its task_id with a note; the agent gets it later', async () => {
		const started = Date.now();
		const result = await n8n.execute('unifAgentSlow001', { timeoutMs: RUN_TIMEOUT });
		expect(model.errors).toEqual([]);
		expect(result.error).toBeUndefined();

		const turns = conversation(SLOW.ask);
		expect(turns).toHaveLength(3);
		const generate = turns[0].tools.find((candidate) => candidate.name.startsWith('Generate'))!;
		expect(generate.parameters.properties?.model.description).toContain('kuaishou/kling-2.6 = ');
		// Letting the agent choose: every argument of the resource, every model's inputs in the hint.
		expect(Object.keys(generate.parameters.properties ?? {}).sort()).toEqual(
			['aspect_ratio', 'duration', 'model', 'other_inputs', 'prompt', 'resolution', 'start_image_url'].sort(),
		);
		expect(generate.parameters.properties?.other_inputs.description).toContain('google/veo-3.1-fast = ');
		const descriptions = turns[0].tools.map((candidate) => candidate.description);
		expect(descriptions).toHaveLength(2);
		expect(descriptions).toEqual(
			expect.arrayContaining([expect.stringMatching(/^Generates a video /), expect.stringMatching(/^Reads a Unifically task by its task_id/)]),
		);
		const [task] = [...sim.tasks.values()].filter((candidate) => candidate.input.prompt === SLOW.args.prompt);
		expect(task.model).toBe('kuaishou/kling-2.6');
		expect(task.input).toMatchObject({ prompt: SLOW.args.prompt, duration: 10 });

		// First tool result: not finished, with its task_id and a note (not an error).
		const pending = turns[1].toolResults[0];
		expect(taskIdIn(pending)).toBe(task.id);
		expect(pending).toMatch(/"status":"(pending|processing)"/);
		expect(pending).toContain('the task goes on');
		expect(pending).not.toMatch(/"error"/);
		// Then "Get a task" with that id: completed, with its output.
		const later = turns[2].toolResults[1];
		expect(taskIdIn(later)).toBe(task.id);
		expect(later).toContain('"status":"completed"');
		const [answer] = nodeJson(result.run!, 'AI Agent');
		expect(answer.output).toContain(task.id);
		expect(answer.output).toMatch(/files\//);
		process.stderr.write(`[ai-agent] slow-task conversation took ${Math.round((Date.now() - started) / 1000)} s\n`);
	}, RUN_TIMEOUT);

	test('Account → Get as a tool: the agent checks the balance; the account reaches the model; one account read, nothing created', async () => {
		sim.setAccount(BALANCE.key, { balance: BALANCE.usd, restrictedUntil: null });
		const before = sim.stats().byKey[BALANCE.key] ?? { accountReads: 0, creates: 0, dryRuns: 0 };
		const result = await n8n.execute('unifAgentAcct001', { timeoutMs: RUN_TIMEOUT });
		expect(model.errors).toEqual([]);
		expect(result.error).toBeUndefined();

		const turns = conversation(BALANCE.ask);
		expect(turns).toHaveLength(2);
		// One tool, without arguments, its description telling the agent to check the balance first.
		const [tool, ...others] = turns[0].tools;
		expect(others).toHaveLength(0);
		expect(tool.description).toMatch(/^Reads the Unifically account: balance_usd .*Check the balance before a costly task/);
		expect(Object.keys(tool.parameters.properties ?? {})).toEqual([]);

		// The tool's output went back to the model: the balance, no restriction.
		expect(turns[1].toolResults).toHaveLength(1);
		const toolResult = turns[1].toolResults[0];
		expect(toolResult).toContain(`"balance_usd":${BALANCE.usd}`);
		expect(toolResult).toContain('"restricted_until":null');
		expect(toolResult).not.toContain(BALANCE.key);
		const [answer] = nodeJson(result.run!, 'AI Agent');
		expect(answer.output).toContain(`"balance_usd":${BALANCE.usd}`);

		// The simulator saw the account read, and nothing created or priced.
		const after = sim.stats().byKey[BALANCE.key];
		expect([after.accountReads - before.accountReads, after.creates - before.creates, after.dryRuns - before.dryRuns]).toEqual([1, 0, 0]);
		process.stderr.write(`[ai-agent] account tool: ${toolResult}\n`);
	}, RUN_TIMEOUT);
});
