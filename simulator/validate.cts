import type { SimInput, SimModel, SimValue } from './modelTypes.cjs';

/**
 * The simulator's input check, as the API doc describes the API's 400 "Invalid parameters": every
 * problem of a task's `input` against the simulator's model table, each naming the API key. Keys
 * the table does not know are accepted (the API accepts them; the node sends them via Extra Input,
 * the tests their `sim_*` controls).
 */
export interface InputProblem {
	key: string;
	message: string;
}

const absent = (value: unknown) =>
	value === undefined ||
	value === null ||
	(typeof value === 'string' && value.trim() === '') ||
	(Array.isArray(value) && value.length === 0);

export function isHttpUrl(value: unknown): boolean {
	if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) return false;
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

const show = (value: unknown) => (typeof value === 'string' ? `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"` : JSON.stringify(value));

function problemOf(spec: SimInput, value: unknown): string | undefined {
	if (spec.alsoAccepts?.includes(value as SimValue)) return undefined;
	switch (spec.type) {
		case 'string':
			if (typeof value !== 'string') return `must be a string, got ${show(value)}`;
			if (spec.maxLength !== undefined && value.length > spec.maxLength)
				return `must be at most ${spec.maxLength} characters (got ${value.length})`;
			if (spec.url && !isHttpUrl(value)) return `must be an http(s) URL, got ${show(value)}`;
			break;
		case 'integer':
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number, got ${show(value)}`;
			if (spec.type === 'integer' && !Number.isInteger(value)) return `must be an integer, got ${value}`;
			if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))
				return `must be between ${spec.min ?? '-∞'} and ${spec.max ?? '∞'}, got ${value}`;
			break;
		case 'boolean':
			if (typeof value !== 'boolean') return `must be a boolean, got ${show(value)}`;
			break;
		case 'string[]':
			if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string'))
				return `must be an array of strings, got ${show(value)}`;
			if (spec.maxItems !== undefined && value.length > spec.maxItems) return `takes at most ${spec.maxItems} entries (got ${value.length})`;
			if (spec.url && !value.every(isHttpUrl)) return `entries must be http(s) URLs, got ${show(value.find((entry) => !isHttpUrl(entry)))}`;
			break;
		case 'object[]':
			if (typeof value !== 'object' || value === null) return `must be a JSON array or object, got ${show(value)}`;
			if (spec.maxItems !== undefined && Array.isArray(value) && value.length > spec.maxItems)
				return `takes at most ${spec.maxItems} entries (got ${value.length})`;
			break;
	}
	if (spec.options && !spec.options.includes(value as SimValue))
		return `must be one of ${spec.options.map(show).join(', ')}, got ${show(value)}`;
	return undefined;
}

export function inputProblems(model: SimModel, input: Record<string, unknown>): InputProblem[] {
	const problems: InputProblem[] = [];
	for (const [key, spec] of Object.entries(model.inputs)) {
		const value = input[key];
		if (absent(value)) {
			if (spec.required) problems.push({ key, message: 'is required' });
			continue;
		}
		const message = problemOf(spec, value);
		if (message) problems.push({ key, message });
	}
	const valueOf = (key: string) => (absent(input[key]) ? model.inputs[key]?.default : input[key]);
	for (const rule of model.rules ?? []) {
		if (rule.kind === 'oneOf') {
			if (rule.keys.every((key) => absent(input[key])))
				problems.push({ key: rule.keys[0], message: `is required unless ${rule.keys.slice(1).join(' or ')} is given (one of ${rule.keys.join(', ')} must be set)` });
		} else {
			const when = valueOf(rule.when.key);
			const then = valueOf(rule.then.key);
			if (when !== undefined && then !== undefined && rule.when.in.includes(when as SimValue) && !rule.then.in.includes(then as SimValue))
				problems.push({ key: rule.then.key, message: `must be ${rule.then.in.map(show).join(' or ')} when ${rule.when.key} is ${show(when)}, got ${show(then)}` });
		}
	}
	return problems;
}
