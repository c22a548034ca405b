/**
 * Nothing typed is lost (issue #30): n8n's editor drops the value of a parameter its display rules
 * hide, so every field a toggle (Suno's mode, Input Type), a model, a resource or an operation hides
 * has `hidden` keepers of its name (catalog/toProperties.ts). Walked over every model of the catalog
 * with n8n-workflow's NodeHelpers as the editor changes parameters (support/form.cts): type into
 * every field shown, switch away and back, the values are there. And a kept value is never sent.
 */
import type { INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MODELS } from '../../nodes/Unifically/catalog/index';
import type { ModelSpec } from '../../nodes/Unifically/catalog/types';
import { description, editorChange, form, issuesOf } from './support/form.cjs';
import { receivedInput, runUnifically, useSimulator, NODE_NAME } from './support/fixtures.cjs';

const FIXED = ['resource', 'operation', 'model'];

/** A value the user might type into this field, other than its default. */
function typedValue(property: INodeProperties): INodeParameters[string] | undefined {
	switch (property.type) {
		case 'options': {
			const values = (property.options as INodePropertyOptions[]).map((option) => option.value).filter((value) => value !== property.default && value !== '');
			return values[values.length - 1];
		}
		case 'boolean':
			return !property.default;
		case 'number': {
			const { minValue, maxValue } = (property.typeOptions ?? {}) as { minValue?: number; maxValue?: number };
			const candidate = maxValue ?? (minValue ?? Number(property.default)) + 1;
			return candidate === property.default ? minValue : candidate;
		}
		case 'json':
			return `{"typed": "${property.name}"}`;
		case 'string':
			return `typed ${property.name}`;
		default:
			return undefined;
	}
}

/** Parameters whose value decides which other fields show (Suno's Custom Mode, Input Type). */
const toggleNames = new Set(
	[...description.properties, ...description.properties.flatMap((property) => (property.name === 'additionalFields' ? ((property.options ?? []) as INodeProperties[]) : []))]
		.filter((property) => property.type !== 'hidden')
		.flatMap((property) => Object.entries(property.displayOptions?.hide ?? {}).map(([key]) => key.replace(/^\//, '')).filter((key) => key !== property.name))
		.filter((key) => !['resource', 'operation', 'model', '@tool'].includes(key)),
);

/** Types into every field the form shows (not the toggles), top level and every Additional Field; returns what was typed. */
function typeIntoEveryField(values: INodeParameters): { values: INodeParameters; typed: Record<string, unknown> } {
	const typed: Record<string, unknown> = {};
	const shown = form(values);
	for (const name of shown.names) {
		if (FIXED.includes(name) || toggleNames.has(name) || name === 'additionalFields' || name === 'options') continue;
		const value = typedValue(shown.byName(name)!);
		if (value === undefined) continue;
		values = editorChange(values, name, value);
		typed[name] = value;
	}
	const additional: INodeParameters = { ...((values.additionalFields ?? {}) as INodeParameters) };
	for (const name of form(values).additional) {
		if (toggleNames.has(name)) continue;
		const value = typedValue(form(values).additionalField(name)!);
		if (value === undefined) continue;
		additional[name] = value;
		typed[`additionalFields.${name}`] = value;
	}
	if (Object.keys(additional).length) values = editorChange(values, 'additionalFields', additional);
	return { values, typed };
}

const valueAt = (values: INodeParameters, path: string) =>
	path.startsWith('additionalFields.') ? ((values.additionalFields ?? {}) as INodeParameters)[path.slice('additionalFields.'.length)] : values[path];

function expectKept(values: INodeParameters, typed: Record<string, unknown>, context: string) {
	for (const [path, value] of Object.entries(typed)) expect([context, path, valueAt(values, path)]).toEqual([context, path, value]);
}

/** Toggles the model's form shows, with the values each can take. */
function togglesOf(values: INodeParameters): Array<{ name: string; values: Array<INodeParameters[string]> }> {
	const shown = form(values);
	return shown.names
		.filter((name) => toggleNames.has(name))
		.map((name) => {
			const property = shown.byName(name)!;
			const all = property.type === 'boolean' ? [true, false] : (property.options as INodePropertyOptions[]).map((option) => option.value);
			return { name, values: all };
		});
}

const start = (model: ModelSpec) => editorChange({ resource: model.resource, operation: 'generate' }, 'model', model.id);

describe('Nothing typed is lost: every model of the catalog, as the editor switches', () => {
	it('the catalog has toggles to walk: Suno\'s Custom Mode and Input Type', () => {
		expect([...toggleNames].sort()).toEqual(['custom', 'inputType']);
	});

	it.each(MODELS.map((model) => [model.id, model] as const))('%s: each toggle off and back keeps what was typed on either side', (_id, model) => {
		let { values, typed } = typeIntoEveryField(start(model));
		for (const toggle of togglesOf(values)) {
			const original = values[toggle.name];
			for (const other of toggle.values.filter((value) => value !== original)) {
				let away = editorChange(values, toggle.name, other);
				const there = typeIntoEveryField(away);
				away = there.values;
				values = editorChange(away, toggle.name, original);
				expectKept(values, typed, `${model.id}: ${toggle.name} ${String(other)} → ${String(original)}`);
				// …and what was typed on the other side is there when the toggle comes back to it.
				const again = editorChange(values, toggle.name, other);
				expectKept(again, there.typed, `${model.id}: ${toggle.name} ${String(original)} → ${String(other)}`);
				typed = { ...there.typed, ...typed };
			}
		}
		expect(Object.keys(typed).length).toBeGreaterThan(0);
	});

	it.each(MODELS.map((model) => [model.id, model] as const))('%s: Resource → Task, File, Account → back, and Operation → Create, Estimate Cost → back keep the model and what was typed', (_id, model) => {
		const { values, typed } = typeIntoEveryField(start(model));
		for (const resource of ['task', 'file', 'account']) {
			let away = editorChange(values, 'resource', resource);
			expect(form(away).names).not.toContain('model');
			away = editorChange(away, 'resource', model.resource);
			expect([resource, away.model]).toEqual([resource, model.id]);
			expectKept(away, typed, `${model.id} → ${resource} → back`);
			expect(issuesOf(away)).toEqual(issuesOf(values));
		}
		for (const operation of ['create', 'estimateCost']) {
			const away = editorChange(editorChange(values, 'operation', operation), 'operation', 'generate');
			expectKept(away, typed, `${model.id} → ${operation} → generate`);
		}
	});

	it.each(MODELS.map((model) => [model.id, model] as const))('%s: another model, or a model by expression, and back keeps what the other model does not show', (_id, model) => {
		const { values, typed } = typeIntoEveryField(start(model));
		// The model of the resource sharing fewest inputs with this one; what it shows of these fields
		// keeps or drops by that field's own rules, what it does not show must come back.
		const keys = new Set(model.inputs.map((spec) => spec.key));
		const [other] = MODELS.filter((entry) => entry.resource === model.resource && entry !== model).sort(
			(a, b) => a.inputs.filter((spec) => keys.has(spec.key)).length - b.inputs.filter((spec) => keys.has(spec.key)).length,
		);
		const there = editorChange(values, 'model', other.id);
		const shown = form(there);
		const names = new Set([...shown.names, ...shown.additional.map((name) => `additionalFields.${name}`)]);
		const hiddenTyped = Object.fromEntries(Object.entries(typed).filter(([path]) => !names.has(path)));
		// (A model whose one input is Prompt, which every model shows, has nothing to hide.)
		if (model.inputs.some((spec) => spec.key !== 'prompt')) expect(Object.keys(hiddenTyped).length).toBeGreaterThan(0);
		expectKept(editorChange(there, 'model', model.id), hiddenTyped, `${model.id} → ${other.id} → back`);
		const viaExpression = editorChange(editorChange(values, 'model', '={{ "other/model" }}'), 'model', model.id);
		expectKept(viaExpression, typed, `${model.id} → expression → back`);
	});

	it('Options: Generate → Create → Estimate Cost → Generate, and → Task → back, keep every option set', () => {
		let values = editorChange({ resource: 'video', operation: 'generate' }, 'prompt', 'A fox');
		const options = { timeout: 120, waitMode: 'callback', callbackUrl: 'https://example.com/hook', checkBalance: false, maxTotalCost: 3, download: false, binaryPropertyName: 'clip' };
		values = editorChange(values, 'options', options);
		for (const path of [['create', 'estimateCost', 'generate'], ['create', 'generate'], ['estimateCost', 'generate']]) {
			let away = values;
			for (const operation of path) away = editorChange(away, 'operation', operation);
			expect([path, away.options]).toEqual([path, options]);
		}
		for (const resource of ['task', 'file', 'account']) {
			let away = editorChange(values, 'resource', resource);
			if (resource === 'task') away = editorChange(away, 'operation', 'wait');
			away = editorChange(editorChange(away, 'resource', 'video'), 'operation', 'generate');
			expect([resource, away.options, away.prompt]).toEqual([resource, options, 'A fox']);
		}
	});

	it('keepers are never displayed beside a field of their name (the field keeps its own default)', () => {
		for (const model of MODELS) {
			for (const operation of ['generate', 'create', 'estimateCost']) {
				const values = editorChange({ resource: model.resource, operation }, 'model', model.id);
				const shown = form(values);
				for (const name of shown.names) expect([model.id, name, values[name] === undefined]).toEqual([model.id, name, false]);
			}
		}
		for (const resource of ['task', 'file', 'account']) {
			const shown = form(editorChange({ resource: 'video' }, 'resource', resource));
			for (const name of shown.names) expect([resource, name, shown.filled[name] === undefined]).toEqual([resource, name, false]);
		}
	});
});

describe('a kept value is never sent', () => {
	const sim = useSimulator({ taskLatencyMs: 50 });

	it("Suno with Custom Mode off sends no kept Tags or Negative Tags; Veo sends none of Kling's kept fields", async () => {
		let values = editorChange({ resource: 'audio', operation: 'create' }, 'model', 'suno-ai/music');
		values = editorChange(values, 'prompt', '[Verse] Windows down');
		values = editorChange(values, 'additionalFields', { tags: 'synthwave', negativeTags: 'metal', title: 'Road' });
		values = editorChange(values, 'custom', false);
		values = editorChange(values, 'prompt', 'An upbeat song about a road trip');
		expect((values.additionalFields as INodeParameters).tags).toBe('synthwave'); // kept, not shown
		const suno = await runUnifically(sim(), values);
		expect(suno.errorOf(NODE_NAME)).toBeUndefined();
		const sunoInput = receivedInput(sim(), suno.outputOf(NODE_NAME)[0].json.task_id);
		expect(sunoInput).toMatchObject({ gpt_description_prompt: 'An upbeat song about a road trip', title: 'Road' });
		expect(sunoInput).not.toHaveProperty('tags');
		expect(sunoInput).not.toHaveProperty('negative_tags');
		expect(sunoInput).not.toHaveProperty('prompt');

		let video = editorChange({ resource: 'video', operation: 'create' }, 'model', 'kuaishou/kling-2.6');
		video = editorChange(video, 'prompt', 'A cat');
		video = editorChange(video, 'duration', 10);
		video = editorChange(video, 'additionalFields', { mode: 'pro' });
		video = editorChange(video, 'model', 'google/veo-3.1-fast');
		expect(video.duration).toBe(10); // kept for the way back to Kling
		const veo = await runUnifically(sim(), video);
		expect(veo.errorOf(NODE_NAME)).toBeUndefined();
		expect(receivedInput(sim(), veo.outputOf(NODE_NAME)[0].json.task_id)).toStrictEqual({ prompt: 'A cat' });
	});
});
