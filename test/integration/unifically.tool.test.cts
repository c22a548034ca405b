/**
 * The node as an AI Agent's tool. n8n runs it as its generated `…Tool` variant, whose parameters are
 * `$fromAI()` expressions read from the tool call's arguments. In n8n 2.x the agent's tool calls
 * reach the node as its input item (the engine merges the arguments into it); `$fromAI()` reads
 * them from there — so these runs give the arguments as the input item, exactly what an agent sends.
 * Also the form n8n shows for the tool variant (n8n-workflow's display logic with `@tool`).
 */
import type { INodeParameters, INodeType } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { AGENT_CHOOSES_MODEL } from '../../nodes/Unifically/actions/tool';
import { modelsOf } from '../../nodes/Unifically/catalog/index';
import { getNodeType, node, runWorkflow, MANUAL_TRIGGER, SET_ITEMS, UNIFICALLY, chain } from '../../harness/engine.cjs';
import { credentialsFor, receivedInput, simTask, useSimulator } from './support/fixtures.cjs';

const TOOL_TYPE = `${UNIFICALLY}Tool`;
const TOOL_NAME = 'Generate video';

/** The variant n8n makes from `usableAsTool` (n8n's convertNodeToAiTool renames it `<name>Tool`). */
function toolVariant(): INodeType {
	const base = getNodeType(UNIFICALLY);
	return Object.create(base, {
		description: { value: { ...base.description, name: `${base.description.name}Tool`, displayName: 'Unifically Tool' } },
	}) as INodeType;
}

describe('Unifically as an AI Agent tool', () => {
	const sim = useSimulator({ taskLatencyMs: 300 });

	/** Runs the tool variant once with `args` as the agent's tool-call arguments. */
	async function callTool(parameters: INodeParameters, args: Record<string, unknown>) {
		const nodes = [
			node('Start', MANUAL_TRIGGER),
			node('Agent call', SET_ITEMS, { itemsJson: JSON.stringify([args]) }),
			node(TOOL_NAME, TOOL_TYPE, parameters),
		];
		const result = await runWorkflow({
			nodes,
			connections: chain('Start', 'Agent call', TOOL_NAME),
			nodeTypes: { [TOOL_TYPE]: toolVariant() },
			credentials: credentialsFor(sim()),
		});
		return result;
	}

	it('with "Let the Agent Choose", the agent chooses the model, the prompt and the main options; the call returns the finished task', async () => {
		const result = await callTool(
			{ resource: 'video', operation: 'generate', model: AGENT_CHOOSES_MODEL },
			{ model: 'google/veo-3.1-fast', prompt: 'A red fox in the snow', aspect_ratio: '9:16', resolution: '1080p' },
		);
		expect(result.errorOf(TOOL_NAME)).toBeUndefined();
		const [item] = result.outputOf(TOOL_NAME);
		expect(item.json).toMatchObject({ status: 'completed', model: 'google/veo-3.1-fast' });
		expect(simTask(sim(), item.json.task_id).model).toBe('google/veo-3.1-fast');
		expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({
			prompt: 'A red fox in the snow',
			aspect_ratio: '9:16',
			resolution: '1080p',
		});
		expect(item.binary).toBeUndefined(); // an agent cannot read files: none downloaded
	});

	it('by default the model is the one picked in the dropdown (the resource\'s first): the agent gives only the inputs', async () => {
		const picked = await callTool({ resource: 'video', operation: 'generate', model: 'kuaishou/kling-2.6' }, { prompt: 'A cat', duration: '10' });
		expect(picked.errorOf(TOOL_NAME)).toBeUndefined();
		const [item] = picked.outputOf(TOOL_NAME);
		expect(simTask(sim(), item.json.task_id).model).toBe('kuaishou/kling-2.6');
		expect(receivedInput(sim(), item.json.task_id)).toStrictEqual({ prompt: 'A cat', duration: 10 });
		// A model argument the agent sends anyway changes nothing: no field of the tool asks for it.
		const byDefault = await callTool({ resource: 'image', operation: 'create' }, { model: 'openai/gpt-image-1', prompt: 'A cat', aspect_ratio: '1:1' });
		expect(simTask(sim(), byDefault.outputOf(TOOL_NAME)[0].json.task_id).model).toBe('google/nano-banana');
	});

	it('numbers, URL lists and Other Inputs arrive with the API types', async () => {
		const result = await callTool(
			{ resource: 'image', operation: 'generate' },
			{
				model: 'google/nano-banana',
				prompt: 'Same cat, in watercolour',
				aspect_ratio: '4:5',
				image_urls: 'https://example.com/a.png, https://example.com/b.png',
				other_inputs: '{"sim_latency_ms": 200}',
			},
		);
		expect(result.errorOf(TOOL_NAME)).toBeUndefined();
		const [item] = result.outputOf(TOOL_NAME);
		expect(receivedInput(sim(), item.json.task_id)).toMatchObject({
			prompt: 'Same cat, in watercolour',
			aspect_ratio: '4:5',
			image_urls: ['https://example.com/a.png', 'https://example.com/b.png'],
			sim_latency_ms: 200,
		});
	});

	it('a task not finished within the timeout comes back as its task_id with a note, not an error', async () => {
		const started = Date.now();
		const result = await callTool(
			{ resource: 'video', operation: 'generate', options: { timeout: 1 } },
			{ model: 'google/veo-3.1-fast', prompt: 'A very slow render', other_inputs: '{"sim_outcome": "stuck"}' },
		);
		expect(result.status).toBe('success');
		expect(result.errorOf(TOOL_NAME)).toBeUndefined();
		const [item] = result.outputOf(TOOL_NAME);
		expect(item.json).toEqual({
			task_id: expect.any(String),
			status: expect.stringMatching(/^(pending|processing)$/),
			model: 'google/veo-3.1-fast',
			note: expect.stringContaining('the task goes on'),
		});
		expect(sim().tasks.has(item.json.task_id as string)).toBe(true);
		expect(Date.now() - started).toBeLessThan(20_000); // the 1 s cap, with the first status read (not 900 s)

		// Task → Get as a tool, with the task_id the agent got back.
		const get = await callTool({ resource: 'task', operation: 'get' }, { task_id: item.json.task_id });
		expect(get.errorOf(TOOL_NAME)).toBeUndefined();
		expect(get.outputOf(TOOL_NAME)[0].json).toMatchObject({ task_id: item.json.task_id, status: item.json.status });
	});

	it('an input the chosen model does not take, or an unknown model, is an error the agent can act on (nothing created)', async () => {
		const wrongInput = await callTool(
			{ resource: 'video', operation: 'generate', model: AGENT_CHOOSES_MODEL },
			{ model: 'hailuo/minimax-2.3', prompt: 'A cat', aspect_ratio: '16:9' },
		);
		expect(wrongInput.errorOf(TOOL_NAME)?.message).toMatch(/^Model hailuo\/minimax-2\.3 does not take aspect_ratio\. It takes: prompt/);
		const unknown = await callTool({ resource: 'video', operation: 'generate', model: AGENT_CHOOSES_MODEL }, { model: 'acme/video-9', prompt: 'A cat' });
		expect(unknown.errorOf(TOOL_NAME)?.message).toMatch(/Unknown video model "acme\/video-9".*google\/veo-3\.1-fast/);
		expect(sim().stats().creates).toBe(0);
	});
});

describe('the tool variant’s form', () => {
	const tool = toolVariant().description;
	const plain = getNodeType(UNIFICALLY).description;
	const NODE = { typeVersion: 1 };
	const filled = (description: typeof tool, values: INodeParameters) =>
		NodeHelpers.getNodeParameters(description.properties, values, true, false, NODE, description) ?? {};

	it('as a tool, the model and the main inputs default to $fromAI() (what the agent fills); the node keeps its form', () => {
		// The model: a normal dropdown, the resource's first model by default; letting the agent choose is opt-in.
		const asTool = filled(tool, { resource: 'video', operation: 'generate' });
		expect(asTool.model).toBe('google/veo-3.1-fast');
		expect(asTool.modelFromAgent).toBeUndefined();
		const modelField = tool.properties.find((property) => property.name === 'model' && NodeHelpers.displayParameter(asTool, property, NODE, tool));
		expect(modelField?.type).toBe('options');
		expect((modelField?.options as Array<{ value: string }>).map((option) => option.value).slice(0, 2)).toEqual([AGENT_CHOOSES_MODEL, 'google/veo-3.1-fast']);
		const agentChooses = filled(tool, { resource: 'video', operation: 'generate', model: AGENT_CHOOSES_MODEL });
		expect(agentChooses.modelFromAgent).toMatch(/^=\{\{ \/\*n8n-auto-generated-fromAI-override\*\/ \$fromAI\('model', 'The model ID, one of .*google\/veo-3\.1-fast = /);
		// Every example shown to the agent is valid: Other Inputs' is JSON.
		const example = /for example (\{.*?\})\./.exec(String(asTool.otherInputs))?.[1];
		expect(example).toBe('{"seed": 42}');
		expect(JSON.parse(example!)).toEqual({ seed: 42 });
		for (const name of ['prompt', 'aspectRatio', 'resolution', 'startImageUrl', 'otherInputs']) {
			// n8n's marker: the editor shows "Defined automatically by the model"
			expect(asTool[name]).toMatch(/^=\{\{ \/\*n8n-auto-generated-fromAI-override\*\/ \$fromAI\('[a-z_]+', '.*', 'string', ''\) \}\}$/);
		}
		expect(asTool.additionalFields).toBeUndefined();
		// The agent reads what the tool does and how long a call waits (plain text: n8n 1.x does not resolve expressions there).
		expect(asTool.toolDescription).toMatch(/^Generates a video with an AI model .* waits for the task up to its timeout \(60 seconds/);
		expect(filled(tool, { resource: 'task', operation: 'get' }).toolDescription).toMatch(/^Reads a Unifically task by its task_id/);
		// Files only as URLs: n8n passes no binary data across the tool boundary, and the agent is told so.
		expect(asTool.toolDescription).toContain('given as public URLs: the tool cannot take binary files');
		expect(filled(tool, { resource: 'image', operation: 'create' }).toolDescription).toContain('files as public URLs');
		expect(asTool.inputType).toBeUndefined();
		expect(filled(tool, { resource: 'account', operation: 'get' }).toolDescription).toMatch(/^Reads the Unifically account: balance_usd .* Check the balance before a costly task/);

		const asNode = filled(plain, { resource: 'video', operation: 'generate' });
		expect(asNode.model).toBe('google/veo-3.1-fast');
		expect(JSON.stringify(asNode)).not.toContain('$fromAI');
		expect(asNode.toolDescription).toBeUndefined();
	});

	/** The `$fromAI()` arguments n8n offers the agent for these values: key → description. */
	const argumentsOffered = (values: INodeParameters) =>
		Object.fromEntries(
			Object.values(filled(tool, values))
				.map((value) => /\$fromAI\('([a-z_]+)', '(.*?)', 'string'/.exec(String(value)))
				.filter((match): match is RegExpExecArray => match !== null)
				.map((match) => [match[1], match[2]]),
		);

	it('with Veo fixed, the agent is offered no Duration, and Other Inputs lists only Veo\'s own other inputs', () => {
		const veo = argumentsOffered({ resource: 'video', operation: 'generate', model: 'google/veo-3.1-fast' });
		expect(Object.keys(veo).sort()).toEqual(['aspect_ratio', 'other_inputs', 'prompt', 'resolution', 'start_image_url']);
		expect(veo.other_inputs).toContain('The other inputs google/veo-3.1-fast takes: end_image_url, seed');
		expect(veo.other_inputs).not.toMatch(/duration|kling|sora|hailuo/);
		// Letting the agent choose: every argument, and every model's inputs in the hint (as before).
		const chooses = argumentsOffered({ resource: 'video', operation: 'generate', model: AGENT_CHOOSES_MODEL });
		expect(Object.keys(chooses).sort()).toEqual(['aspect_ratio', 'duration', 'model', 'other_inputs', 'prompt', 'resolution', 'start_image_url']);
		for (const entry of modelsOf('video')) expect(chooses.other_inputs).toContain(`${entry.id} = `);
	});

	it.each(['video', 'image', 'audio'] as const)('%s: every fixed model is offered exactly the arguments it takes, and a hint naming only its inputs', (resource) => {
		for (const entry of modelsOf(resource)) {
			for (const operation of ['generate', 'create', 'estimateCost']) {
				const offered = argumentsOffered({ resource, operation, model: entry.id });
				const keys = entry.inputs.map((spec) => spec.key);
				const own = Object.keys(offered).filter((key) => key !== 'other_inputs');
				// Each argument is an input of the model; Other Inputs names the rest of them, and nothing else.
				expect([entry.id, own.filter((key) => !keys.includes(key))]).toEqual([entry.id, []]);
				const rest = keys.filter((key) => !own.includes(key));
				const hint = offered.other_inputs;
				for (const key of rest) expect([entry.id, key, hint.includes(key)]).toEqual([entry.id, key, true]);
				const named = /takes: (.*)$/.exec(hint)?.[1].split(', ').map((text) => text.split(' ')[0]) ?? [];
				expect([entry.id, named]).toEqual([entry.id, rest]);
				if (rest.length === 0) expect(hint).toMatch(/^Leave empty/);
			}
		}
	});

	it('Task → Get as a tool takes its task_id from the agent', () => {
		expect(filled(tool, { resource: 'task', operation: 'get' }).taskId).toMatch(/^=\{\{ \/\*n8n-auto-generated-fromAI-override\*\/ \$fromAI\('task_id'/);
		expect(filled(plain, { resource: 'task', operation: 'get' }).taskId).toBe('');
	});
});
