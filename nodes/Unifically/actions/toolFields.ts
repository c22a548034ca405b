/** Fields and words the tool variant's operations share (see tool.ts for the model's fields). */
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

import { optionFields, optionsCollection } from './options';
import { TOOL_TIMEOUT_SECONDS } from './toolMode';

/**
 * Text inside a `$fromAI('…')` argument: no quote or backslash that would end it early, and no
 * double brace that would end the `{{ … }}` expression (single braces, as in a JSON example, stay).
 */
const forFromAi = (text: string) => text.replace(/[\\'`]/g, '').replace(/\{\{|\}\}/g, (pair) => `${pair[0]} ${pair[1]}`);

/**
 * A `$fromAI()` default. With n8n's marker the editor shows a text field as "Defined automatically by
 * the model" (with its description editable), as if the user had clicked the button.
 */
export const fromAi = (key: string, description: string, defaultValue?: string, marked = true) =>
	`={{ ${marked ? '/*n8n-auto-generated-fromAI-override*/ ' : ''}$fromAI('${key}', '${forFromAi(description)}', 'string'${defaultValue === undefined ? '' : `, '${defaultValue}'`}) }}`;

/** The Timeout option as a tool has it: a shorter default, and what a call returns when it passes. */
export const toolTimeout: INodeProperties = {
	...optionFields.timeout,
	default: TOOL_TIMEOUT_SECONDS,
	description: `How long a call waits for the task (default ${TOOL_TIMEOUT_SECONDS} s as a tool). A task not finished by then is returned with its task_id, status and a note, not as an error: the agent reads it later.`,
};

/** The tool variant's Options of an operation (`show`: its resources and operation). */
export const toolOptions = (fields: INodeProperties[], show: IDisplayOptions['show']): INodeProperties => optionsCollection(fields, { '@tool': [true], ...show });

/** Task ID as a tool has it: set by the agent from a task_id a Unifically tool returned. */
export const taskIdForAgent = (operation: string): INodeProperties => ({
	displayName: 'Task ID',
	name: 'taskId',
	type: 'string',
	default: fromAi('task_id', 'The task_id a Unifically tool returned when the task was created'),
	description: 'Set by the agent by default',
	displayOptions: { show: { '@tool': [true], resource: ['task'], operation: [operation] } },
});

/** How long a tool call waits, and where the agent reads a task it did not wait for. */
export const WAITS = `up to its timeout (${TOOL_TIMEOUT_SECONDS} seconds unless set otherwise)`;
export const GET_LATER = 'the Unifically tool that gets a task by its task_id reads its result later';
