/**
 * Jest setup (jest.config.js `setupFiles`): n8n-workflow's guard on regular expressions, with 5 s
 * instead of 250 ms.
 *
 * n8n-workflow runs each regular expression of a display rule (`_cnd: { regex }`, e.g. the node's
 * "model given by an expression" rule, `^=`) in a `vm` script with a 250 ms timeout of wall time, a
 * guard against catastrophic patterns. With several Jest workers on 2 cores (`npm run test:fast`),
 * even `^=` sometimes waits longer than that for the CPU or a garbage collection, and a test fails
 * with "Regular expression execution timed out" though nothing is wrong with the pattern. This is
 * the same engine (a `vm` script per call, stopped at its timeout, the same error), with a timeout a
 * busy machine does not reach and a catastrophic pattern still does. (n8n's editor, in the browser,
 * runs these patterns with no timeout at all.)
 */
import * as vm from 'node:vm';

import { setSafeRegexEngine } from 'n8n-workflow';

const TIMEOUT_MS = 5000;

const context = vm.createContext({ pattern: '', flags: '', input: '', replacement: '', result: undefined as unknown });
const script = (body: string) => new vm.Script(`result = ${body}`);
const scripts = {
	exec: script('new RegExp(pattern, flags).exec(input)'),
	test: script('new RegExp(pattern, flags).test(input)'),
	replace: script('input.replace(new RegExp(pattern, flags), replacement)'),
	matchAll: script('Array.from(input.matchAll(new RegExp(pattern, flags)))'),
	split: script('input.split(new RegExp(pattern, flags))'),
};

function run<T>(name: keyof typeof scripts, pattern: string, input: string, flags = '', replacement = ''): T {
	Object.assign(context, { pattern, input, flags, replacement, result: undefined });
	try {
		scripts[name].runInContext(context, { timeout: TIMEOUT_MS });
	} catch (error) {
		if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new Error('Regular expression execution timed out');
		throw error;
	}
	return context.result as T;
}

setSafeRegexEngine({
	exec: (pattern, input, flags) => run('exec', pattern, input, flags),
	test: (pattern, input, flags) => run('test', pattern, input, flags),
	replace: (pattern, input, flags, replacement) => run('replace', pattern, input, flags, replacement),
	matchAll: (pattern, input, flags) => run('matchAll', pattern, input, flags?.includes('g') ? flags : `${flags ?? ''}g`),
	split: (pattern, input, flags) => run('split', pattern, input, flags),
});
