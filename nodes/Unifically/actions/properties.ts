import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { MODELS } from '../catalog';
import { resourceModelProperties } from '../catalog/toProperties';
import * as create from './create.operation';
import * as estimateCost from './estimateCost.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import { MEDIA_RESOURCES, RESOURCES } from './resources';
import { nodeOnly, toolProperties } from './tool';
import * as upload from './upload.operation';
import * as account from './account.operation';
import * as wait from './wait.operation';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'Account', value: 'account' },
		{ name: 'Audio', value: 'audio' },
		{ name: 'File', value: 'file' },
		{ name: 'Image', value: 'image' },
		{ name: 'Task', value: 'task' },
		{ name: 'Video', value: 'video' },
	],
	default: 'video',
};

/** Action labels of the nodes panel ("Generate an image"), per resource. */
const NOUNS: Record<string, { one: string; task: string }> = {
	video: { one: 'a video', task: 'a video task' },
	image: { one: 'an image', task: 'an image task' },
	audio: { one: 'audio', task: 'an audio task' },
};

/** A resource's Operation dropdown. */
const operationProperty = (resource: string, options: INodePropertyOptions[], defaultValue: string): INodeProperties => ({
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: [resource] } },
	options,
	default: defaultValue,
});

const mediaOperationProperty = (resource: string): INodeProperties =>
	operationProperty(
		resource,
		[
			{
				name: 'Create Task',
				value: 'create',
				description: 'Create a task and return at once with its task_id',
				action: `Create ${NOUNS[resource].task}`,
			},
			{
				name: 'Estimate Cost',
				value: 'estimateCost',
				description: 'Price the request with a free dry run: nothing is created or charged',
				action: `Estimate the cost of ${NOUNS[resource].one}`,
			},
			{
				name: 'Generate',
				value: 'generate',
				description: 'Create the task, wait for its result and download its files',
				action: `Generate ${NOUNS[resource].one}`,
			},
		],
		'generate',
	);

const taskOperationProperty = operationProperty(
	'task',
	[
		{ name: 'Get', value: 'get', description: 'Get the status and output of a task', action: 'Get a task' },
		{
			name: 'Wait for Completion',
			value: 'wait',
			description: 'Wait until a task completes or fails',
			action: 'Wait for a task to complete',
		},
	],
	'get',
);
const fileOperationProperty = operationProperty('file', [upload.operation], 'upload');
const accountOperationProperty = operationProperty('account', [account.operation], 'get');

/** The node's form: resource → operation → model → that model's fields (from the catalog) → options. */
export const unificallyProperties: INodeProperties[] = [
	resourceProperty,
	mediaOperationProperty('video'),
	mediaOperationProperty('image'),
	mediaOperationProperty('audio'),
	taskOperationProperty,
	fileOperationProperty,
	accountOperationProperty,
	// As an AI Agent's tool the model's form gives way to fields the agent fills (tool.ts).
	...nodeOnly(MEDIA_RESOURCES.flatMap((resource) => resourceModelProperties(resource as 'video', MODELS, RESOURCES))),
	...nodeOnly(generate.description),
	...create.description,
	...estimateCost.description,
	...nodeOnly(get.description),
	...nodeOnly(wait.description),
	...upload.description,
	...toolProperties,
];
