import { timingSafeEqual } from 'crypto';
import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeExecutionData } from 'n8n-workflow';

import { getTask, isFailed, isSucceeded, taskFromCallback, type Task } from '../Unifically/helpers/tasks';

export { taskFromCallback };
import { downloadKeepingTask } from '../Unifically/transport/download';
import { nothingToRegister } from '../Unifically/helpers/webhookMethods';
import { callbackKey, claim, inQueue, release } from './seenCallbacks';

export const NOT_DOWNLOADED_UNVERIFIED =
	'Not downloaded: Download Output Files needs Verify With API. Files are fetched only from the task as the API reports it, never from the URLs of a posted callback.';

/** Compares in constant time, so a wrong token's response time says nothing about the right one. */
export function tokensMatch(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

function statusGroup(task: Task): string {
	if (isSucceeded(task)) return 'completed';
	if (isFailed(task)) return 'failed';
	return String(task.status).toLowerCase();
}

export class UnificallyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Unifically Trigger',
		name: 'unificallyTrigger',
		icon: { light: 'file:unifically.svg', dark: 'file:unifically.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["statuses"].join(" or ") + " task"}}',
		description: 'Starts the workflow when a Unifically task calls back with its result',
		defaults: { name: 'Unifically Trigger' },
		// n8n's editor links this URL as it is; the codex's (the .node.json) gets a query appended after its #anchor.
		documentationUrl: 'https://github.com/n8n-nodes-unifically/n8n-nodes-unifically#unifically-trigger',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'unificallyApi',
				required: true,
				displayOptions: { show: { verifyWithApi: [true] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'callback',
				// With a Secret Token the editor shows the URL with the token instead (below).
				ndvHideUrl: '={{ !!$parameter["secretToken"] }}',
			},
			{
				// Not a webhook: the URL to copy, with the token, in the editor's "Webhook URLs" panel.
				// With no HTTP method n8n registers nothing for it (webhook.service getNodeWebhooks
				// skips an empty method); the editor shows base URL + webhookId + this path.
				name: 'setup',
				httpMethod: '',
				path: '={{ "callback?token=" + encodeURIComponent($parameter["secretToken"]) }}',
				ndvHideUrl: '={{ !$parameter["secretToken"] }}',
				ndvHideMethod: true,
			},
		],
		properties: [
			{
				displayName:
					'Open "Webhook URLs" above, choose Production URL and copy it into the Unifically node: Options → Callback URL. With a Secret Token set, the URL shown already ends in ?token= and the token. Publish this workflow so the URL is live: every task created with that URL then comes in here when it finishes. The API calls this URL from the internet: a URL on localhost or 127.0.0.1 cannot be reached — set n8n\'s WEBHOOK_URL to a public address (or a tunnel).',
				name: 'usageNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName:
					'Anyone who can reach this URL can start this workflow with made-up tasks: set a Secret Token (and add ?token= and the token to the Callback URL), or switch on Verify With API so only tasks the API confirms are emitted.',
				name: 'unprotectedNotice',
				type: 'notice',
				default: '',
				displayOptions: { show: { secretToken: [''], verifyWithApi: [false] } },
			},
			{
				displayName:
					'Options → Download Output Files needs Verify With API: files are fetched only from the task as the API reports it, never from the URLs of a posted callback. Without it, nothing is downloaded and each task carries download_error.',
				name: 'downloadNeedsVerifyNotice',
				type: 'notice',
				default: '',
				// Not `'options.download'`: n8n 1.x cannot resolve a dotted path in displayOptions (activation
				// fails with "Could not resolve parameter dependencies").
				displayOptions: { show: { verifyWithApi: [false] } },
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
				],
				default: ['completed', 'failed'],
				description: 'Which task outcomes start the workflow; other callbacks are acknowledged and dropped',
			},
			{
				displayName: 'Secret Token',
				name: 'secretToken',
				type: 'string',
				typeOptions: { password: true },
				default: '',
				description:
					'If set, a callback must carry ?token= followed by this value in its URL, otherwise it is rejected with 401 and nothing is emitted',
			},
			{
				displayName: 'Verify With API',
				name: 'verifyWithApi',
				type: 'boolean',
				default: false,
				description:
					'Whether to re-read each task from the API with the credential and emit that instead of the posted body, so a forged callback cannot inject data. The callback is answered first; a task the API does not confirm is not emitted (the reason is logged).',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Download Output Files',
						name: 'download',
						type: 'boolean',
						default: false,
						description:
							'Whether to download every output file into binary data. Needs Verify With API: only the files of the task as the API reports it are fetched. On n8n 1.x with binary data mode "filesystem", n8n deletes a file received here when another execution of this workflow ends first (fixed in n8n 2.x): there, leave this off and add Unifically → Task → Get with Download Output Files after the trigger.',
					},
					{
						displayName: 'Put Output File in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'Binary property for the first file; further files go to data_1, data_2 …',
					},
				],
			},
		],
	};

	webhookMethods = nothingToRegister;

	/**
	 * Token and body first (401 / 400 at once), then the answer — before any API read, download or
	 * emit, so a burst of callbacks is answered at once whatever the API's read limit. n8n starts the
	 * workflow only when this method returns `workflowData`; the response written here has already
	 * reached the sender by then (n8n's webhook-helpers leave a response the node wrote alone).
	 *
	 * Then the task joins its node's queue (see `./seenCallbacks`): the first call finding nobody at
	 * work leads — it verifies, downloads and emits every queued task, including those of callbacks
	 * arriving meanwhile, as the items of one execution — and the other calls return at once. In n8n
	 * 2.x each webhook call holds an expression isolate (a fresh V8 isolate) while webhook() runs, and
	 * each execution costs database writes: one execution per burst instead of one per callback, and
	 * one call busy instead of a hundred, is what keeps a burst answered quickly. A task that fails
	 * verification is not emitted; the reason is logged.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		const reply = (status: number, body: IDataObject): IWebhookResponseData => {
			response.status(status).json(body);
			return { noWebhookResponse: true };
		};

		const secretToken = this.getNodeParameter('secretToken', '') as string;
		if (secretToken && !tokensMatch((this.getQueryData() as IDataObject).token, secretToken)) {
			return reply(401, { error: 'Invalid or missing token' });
		}

		const posted = taskFromCallback(this.getBodyData());
		if (!posted) return reply(400, { error: 'The body is not a Unifically task (expected task_id and status)' });

		const settings: Settings = {
			statuses: this.getNodeParameter('statuses', ['completed', 'failed']) as string[],
			verify: this.getNodeParameter('verifyWithApi', false) as boolean,
			options: this.getNodeParameter('options', {}) as { download?: boolean; binaryPropertyName?: string },
			workflowId: this.getWorkflow().id,
			nodeId: this.getNode().id || this.getNode().name,
		};

		// Without verification the posted status decides; with it, the API's (a `processing` callback
		// may find the task completed already), so the posted status is only a hint.
		if (!settings.verify && !settings.statuses.includes(statusGroup(posted))) return reply(200, { received: true, emitted: false });
		const postedKey = keyOf(settings, posted);
		if (!claim(postedKey)) return reply(200, { received: true, emitted: false, duplicate: true });
		response.status(200).json(settings.verify ? { received: true } : { received: true, emitted: true });

		const items = await inQueue(callbackKey(settings.workflowId, settings.nodeId, '', ''), posted, async (task) =>
			await itemFor(this, settings, task),
		);
		return items && items.length > 0 ? { noWebhookResponse: true, workflowData: [items] } : { noWebhookResponse: true };
	}
}

interface Settings {
	statuses: string[];
	verify: boolean;
	options: { download?: boolean; binaryPropertyName?: string };
	workflowId: string | undefined;
	nodeId: string;
}

const keyOf = (settings: Settings, task: Task) => callbackKey(settings.workflowId, settings.nodeId, task.task_id, statusGroup(task));

/** One posted task, verified (when asked) and ready to emit; undefined when it is not to be emitted. */
async function itemFor(context: IWebhookFunctions, settings: Settings, posted: Task): Promise<INodeExecutionData | undefined> {
	if (!settings.verify) return await itemOf(context, posted, settings.options, false);
	const postedKey = keyOf(settings, posted);
	let task: Task;
	try {
		// Only the API's own view is emitted: nothing of the posted body survives, not even `model`.
		task = await getTask(context, posted.task_id);
	} catch (error) {
		release(postedKey);
		context.logger.warn(
			`Unifically Trigger: task ${posted.task_id} not emitted: it could not be verified with the API (${(error as Error).message})`,
		);
		return undefined;
	}
	const taskKey = keyOf(settings, task);
	if (taskKey !== postedKey) {
		// The posted status was not the API's: give it back, and take the task's real one.
		release(postedKey);
		if (!settings.statuses.includes(statusGroup(task))) {
			context.logger.info(
				`Unifically Trigger: task ${task.task_id} not emitted: the callback said "${posted.status}", the API says "${task.status}"`,
			);
			return undefined;
		}
		if (!claim(taskKey)) return undefined;
	} else if (!settings.statuses.includes(statusGroup(task))) {
		return undefined;
	}
	return await itemOf(context, task, settings.options, true);
}

/**
 * The emitted item. Files are downloaded only from a task as the API reported it (`verified`): the
 * URLs of a posted body are never fetched, or anyone who can reach the webhook could make n8n request
 * any address of the user's network.
 */
async function itemOf(
	context: IWebhookFunctions,
	task: Task,
	options: { download?: boolean; binaryPropertyName?: string },
	verified: boolean,
): Promise<INodeExecutionData> {
	if (!options.download || !isSucceeded(task)) return { json: task };
	if (!verified) {
		context.logger.warn(`Unifically Trigger: task ${task.task_id} emitted without its files: ${NOT_DOWNLOADED_UNVERIFIED}`);
		return { json: { ...task, download_error: NOT_DOWNLOADED_UNVERIFIED } };
	}
	// The callback was already acknowledged: a failed download still emits the task.
	const emitted = await downloadKeepingTask(context, task, options.binaryPropertyName?.trim() || 'data', 0);
	return { json: emitted.task, ...(emitted.binary ? { binary: emitted.binary } : {}) };
}
