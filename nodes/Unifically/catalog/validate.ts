import { applies } from './index';
import type { InputSpec, ModelSpec } from './types';

/**
 * Checks an API `input` object against the catalog before anything is sent (and, in the
 * simulator, before anything is "charged"). Returns every problem, each naming the API key;
 * callers phrase it for their audience (the node names the form field, the simulator the key).
 * Keys the catalog does not know are accepted: `extraInput` exists for inputs the node does not
 * list yet, and the API is the judge of those.
 */
export interface InputProblem {
	key: string;
	message: string;
}

function isMissing(value: unknown): boolean {
	return (
		value === undefined ||
		value === null ||
		(typeof value === 'string' && value.trim() === '') ||
		(Array.isArray(value) && value.length === 0)
	);
}

function isHttpUrl(value: string): boolean {
	if (!/^https?:\/\//i.test(value)) return false;
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

function describe(value: unknown): string {
	return typeof value === 'string' ? `"${value.length > 60 ? value.slice(0, 57) + '...' : value}"` : JSON.stringify(value);
}

function checkValue(spec: InputSpec, value: unknown): string | undefined {
	switch (spec.type) {
		case 'string':
			if (typeof value !== 'string') return `must be text, got ${describe(value)}`;
			if (spec.maxLength !== undefined && value.length > spec.maxLength)
				return `must be at most ${spec.maxLength} characters (got ${value.length})`;
			if (spec.url && !isHttpUrl(value)) return `must be an http(s) URL, got ${describe(value)}`;
			break;
		case 'integer':
		case 'number':
			if (typeof value !== 'number' || !Number.isFinite(value))
				return `must be a number, got ${describe(value)}`;
			if (spec.type === 'integer' && !Number.isInteger(value))
				return `must be a whole number, got ${value}`;
			if (spec.min !== undefined && value < spec.min)
				return `must be between ${spec.min} and ${spec.max ?? '∞'}, got ${value}`;
			if (spec.max !== undefined && value > spec.max)
				return `must be between ${spec.min ?? '-∞'} and ${spec.max}, got ${value}`;
			break;
		case 'boolean':
			if (typeof value !== 'boolean') return `must be true or false, got ${describe(value)}`;
			break;
		case 'stringList':
			if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string'))
				return `must be a list of text values, got ${describe(value)}`;
			if (spec.maxItems !== undefined && value.length > spec.maxItems)
				return `takes at most ${spec.maxItems} entries (got ${value.length})`;
			if (spec.url) {
				const bad = (value as string[]).find((entry) => !isHttpUrl(entry));
				if (bad !== undefined) return `entries must be http(s) URLs, got ${describe(bad)}`;
			}
			break;
		case 'json':
			if (typeof value !== 'object' || value === null)
				return `must be a JSON object or array, got ${describe(value)}`;
			if (spec.maxItems !== undefined && Array.isArray(value) && value.length > spec.maxItems)
				return `takes at most ${spec.maxItems} entries (got ${value.length})`;
			break;
	}
	if (spec.options && !spec.options.includes(value as string | number))
		return `must be one of ${spec.options.map((option) => describe(option)).join(', ')}, got ${describe(value)}`;
	return undefined;
}

export function findInputProblems(model: ModelSpec, input: Record<string, unknown>): InputProblem[] {
	const problems: InputProblem[] = [];
	for (const spec of model.inputs) {
		const value = input[spec.key];
		if (isMissing(value)) {
			// An input of one mode (Suno's Song Description) is required only in that mode.
			if (spec.required && applies(spec, (key) => input[key])) problems.push({ key: spec.key, message: 'is required' });
			continue;
		}
		const message = checkValue(spec, value);
		if (message) problems.push({ key: spec.key, message });
	}

	const valueOrDefault = (key: string) =>
		isMissing(input[key]) ? model.inputs.find((spec) => spec.key === key)?.default : input[key];

	for (const rule of model.rules ?? []) {
		if (rule.kind === 'atLeastOneOf') {
			if (rule.keys.every((key) => isMissing(input[key]))) {
				problems.push({
					key: rule.keys[0],
					message: `is required unless ${rule.keys.slice(1).join(' or ')} is given (one of ${rule.keys.join(', ')} must be set)`,
				});
			}
		} else if (rule.kind === 'restrictWhen') {
			const condition = valueOrDefault(rule.when.key);
			const restricted = valueOrDefault(rule.then.key);
			if (
				condition !== undefined &&
				restricted !== undefined &&
				rule.when.in.includes(condition as string) &&
				!rule.then.in.includes(restricted as string)
			) {
				problems.push({
					key: rule.then.key,
					message: `must be ${rule.then.in.map(describe).join(' or ')} when ${rule.when.key} is ${describe(condition)}, got ${describe(restricted)}`,
				});
			}
		}
	}
	return problems;
}
