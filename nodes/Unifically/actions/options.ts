import type { IDisplayOptions, IExecuteFunctions, INodeProperties, IWebhookFunctions } from 'n8n-workflow';

import { isToolRun, TOOL_TIMEOUT_SECONDS } from './toolMode';

/** Option fields shared by several operations; each operation lists the ones it offers. */
export const optionFields = {
	callbackUrl: {
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://your-n8n.example.com/webhook/…',
		description:
			"Sent as callback_url: the API POSTs the finished task there. Paste a Unifically Trigger node's production URL to pick results up in another workflow.",
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 900,
		description:
			'How long to wait for the task(s) before giving up. The task itself goes on: an unfinished task comes out as an error naming its task_id.',
	},
	download: {
		displayName: 'Download Output Files',
		name: 'download',
		type: 'boolean',
		default: false,
		description: 'Whether to download every output file into binary data, for storage or upload nodes',
	},
	// Generate downloads by default (as n8n's OpenAI node returns binary): a Drive or YouTube node can
	// follow it as it is. Get and Wait keep `download` (off by default).
	downloadByDefault: {
		displayName: 'Download Output Files',
		name: 'download',
		type: 'boolean',
		default: true,
		description:
			'Whether to download every output file into binary data (on unless turned off here), for storage or upload nodes. Where n8n keeps the files depends on its binary data mode.',
	},
	binaryPropertyName: {
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'Binary property for the first file; further files go to data_1, data_2 …',
	},
	maxTotalCost: {
		displayName: 'Max Total Cost (USD)',
		name: 'maxTotalCost',
		type: 'number',
		typeOptions: { minValue: 0, numberPrecision: 2 },
		default: 0,
		description:
			'Spending guard: before anything is created every item is priced with a free dry run; if the total is over this limit the node stops and creates nothing. 0 means no limit.',
	},
	checkBalance: {
		displayName: 'Check Balance First',
		name: 'checkBalance',
		type: 'boolean',
		default: true,
		description:
			'Whether to read the account once before creating anything, and stop (nothing created) when the balance is zero or the account is restricted. Turn off to save that one request.',
	},
	waitMode: {
		displayName: 'Wait Mode',
		name: 'waitMode',
		type: 'options',
		default: 'poll',
		options: [
			{
				name: 'Poll',
				value: 'poll',
				description: 'Keep this execution running and read the task status until it finishes',
			},
			{
				name: 'Until Callback',
				value: 'callback',
				description:
					"Put the execution to wait (saved in n8n's database, no worker held, survives restarts) and resume when the API calls back",
			},
		],
		description: 'How to wait for long renders',
	},
} satisfies Record<string, INodeProperties>;

/** An operation's Options collection: named shared fields (or fields of its own), alphabetical; `show` as displayOptions.show. */
export function optionsCollection(
	fields: Array<keyof typeof optionFields | INodeProperties>,
	show: IDisplayOptions['show'],
): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: fields
			.map((field) => (typeof field === 'string' ? optionFields[field] : field))
			.sort((a, b) => a.displayName.localeCompare(b.displayName)),
	};
}

export interface RunOptions {
	callbackUrl?: string;
	timeoutMs: number;
	download: boolean;
	binaryPropertyName: string;
	maxTotalCost?: number;
	checkBalance: boolean;
	waitMode: 'poll' | 'callback';
}

/**
 * The node-level options (read from the first item: they configure the run, not each task). The
 * webhook side of Until Callback reads them too, where n8n has no items.
 */
export function readOptions(context: IExecuteFunctions | IWebhookFunctions, itemIndex = 0): RunOptions {
	const parameter = (name: string, fallback: unknown): unknown =>
		'getInputData' in context ? context.getNodeParameter(name, itemIndex, fallback) : context.getNodeParameter(name, fallback);
	const operation = parameter('operation', '') as string;
	const options = parameter('options', {}) as {
		callbackUrl?: string;
		timeout?: number;
		download?: boolean;
		binaryPropertyName?: string;
		maxTotalCost?: number;
		checkBalance?: boolean;
		waitMode?: 'poll' | 'callback';
	};
	// As an agent's tool: a shorter wait, no files (an agent cannot read binary data), no waiting execution.
	const asTool = isToolRun(context);
	return {
		callbackUrl: options.callbackUrl?.trim() || undefined,
		timeoutMs: Math.max(1, Number(options.timeout ?? (asTool ? TOOL_TIMEOUT_SECONDS : 900))) * 1000,
		download: !asTool && (options.download === undefined ? operation === 'generate' : options.download === true),
		binaryPropertyName: options.binaryPropertyName?.trim() || 'data',
		maxTotalCost: options.maxTotalCost ? Number(options.maxTotalCost) : undefined,
		checkBalance: options.checkBalance !== false,
		waitMode: options.waitMode === 'callback' && !asTool ? 'callback' : 'poll',
	};
}
