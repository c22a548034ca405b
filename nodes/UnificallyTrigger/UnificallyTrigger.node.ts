import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { getTask, isFailed, isSucceeded, taskFromCallback, type Task } from '../shared/transport/tasks';

import { TRIGGER_DESCRIPTION } from '../shared/descriptionText';
import { downloadKeepingTask } from '../shared/transport/download';
import { nothingToRegister } from '../shared/webhookMethods';
import { inQueue } from './callbackQueue';
import { NO_CREDENTIAL, notDownloaded, tokensMatch } from './trust';
import { callbackKey, claim, release } from './seenCallbacks';

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
		// The nodes panel shows this node and the action node as one "Unifically" entry with this text.
		description: TRIGGER_DESCRIPTION,
		defaults: { name: 'Unifically Trigger' },
		// n8n's editor links this URL as it is; the codex's (the .node.json) gets a query appended after its #anchor.
		documentationUrl: 'https://github.com/n8n-nodes-unifically/n8n-nodes-unifically#unifically-trigger',
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// Verify With API and Download Output Files read the task with it. Shown always, not required: a
		// credential's display rule can name one condition (n8n also checks it when the node reads the
		// credential), and Download sits in Options; a webhook without either needs none.
		credentials: [{ name: 'unificallyApi', required: false }],
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
							'Whether to download every output file into binary data. The trigger reads each task from the API with the credential and fetches only the URLs the API returns, never those of a posted callback (on n8n 1.x see the README first).',
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
	 * Then the task joins its node's queue (see `./callbackQueue`): the first call finding nobody at
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

		const items = await inQueue(
			callbackKey(settings.workflowId, settings.nodeId, '', ''),
			posted,
			async (task) => await itemFor(this, settings, task),
			(task, error) => this.logger.error(`Unifically Trigger: task ${task.task_id} was acknowledged and is not emitted: ${error.message}`),
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
	if (!settings.verify) {
		if (!settings.options.download || !isSucceeded(posted)) return { json: posted };
		return await downloadedFromApi(context, posted, settings.options);
	}
	const postedKey = keyOf(settings, posted);
	if (!hasCredential(context)) {
		release(postedKey);
		context.logger.warn(`Unifically Trigger: task ${posted.task_id} not emitted: it could not be verified with the API (${NO_CREDENTIAL})`);
		return undefined;
	}
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
	return await itemOf(context, task, settings.options);
}

const hasCredential = (context: IWebhookFunctions) => !!context.getNode().credentials?.unificallyApi;

/**
 * Download on, Verify off: the posted body decides that a task is emitted (as without Download), but
 * its files come only from the task as the API reports it — the URLs of a posted body are never
 * fetched, or anyone who can reach the webhook could make n8n request any address of the user's
 * network. The emitted task is the API's, the one the files belong to. A task the API cannot confirm
 * as completed is emitted as posted, with `download_error` saying why.
 */
async function downloadedFromApi(
	context: IWebhookFunctions,
	posted: Task,
	options: { download?: boolean; binaryPropertyName?: string },
): Promise<INodeExecutionData> {
	const unread = (reason: string): INodeExecutionData => {
		context.logger.warn(`Unifically Trigger: task ${posted.task_id} emitted without its files: ${notDownloaded(reason)}`);
		return { json: { ...posted, download_error: notDownloaded(reason) } };
	};
	if (!hasCredential(context)) return unread(NO_CREDENTIAL);
	let task: Task;
	try {
		task = await getTask(context, posted.task_id);
	} catch (error) {
		return unread(`the task could not be read from the API (${(error as Error).message})`);
	}
	if (!isSucceeded(task)) return unread(`the API reports the task as "${task.status}"`);
	return await itemOf(context, task, options);
}

/** The emitted item of a task as the API reported it, with its files when Download is on. */
async function itemOf(
	context: IWebhookFunctions,
	task: Task,
	options: { download?: boolean; binaryPropertyName?: string },
): Promise<INodeExecutionData> {
	if (!options.download || !isSucceeded(task)) return { json: task };
	// The callback was already acknowledged: a failed download still emits the task.
	const emitted = await downloadKeepingTask(context, task, options.binaryPropertyName?.trim() || 'data', 0);
	return { json: emitted.task, ...(emitted.binary ? { binary: emitted.binary } : {}) };
}
