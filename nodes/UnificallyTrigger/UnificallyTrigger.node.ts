import { timingSafeEqual } from 'crypto';
import type {
	IDataObject,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { getTask, isFailed, isSucceeded, taskFromCallback, type Task } from '../Unifically/helpers/tasks';

export { taskFromCallback };
import { downloadKeepingTask } from '../Unifically/transport/download';
import { nothingToRegister } from '../Unifically/helpers/webhookMethods';

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
			},
		],
		properties: [
			{
				displayName:
					'Open "Webhook URLs" above, choose Production URL and copy it into the Unifically node: Options → Callback URL. With a Secret Token set, add ?token= and the token to it. Publish this workflow so the URL is live: every task created with that URL then comes in here when it finishes.',
				name: 'usageNotice',
				type: 'notice',
				default: '',
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
					'Whether to re-read each task from the API with the credential and emit that instead of the posted body, so a forged callback cannot inject data',
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
							'Whether to download every output file into binary data. On n8n 1.x with binary data mode "filesystem", n8n deletes a file received here when another execution of this workflow ends first (fixed in n8n 2.x): there, leave this off and add Unifically → Task → Get with Download Output Files after the trigger.',
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

		let task = taskFromCallback(this.getBodyData());
		if (!task) return reply(400, { error: 'The body is not a Unifically task (expected task_id and status)' });

		if (this.getNodeParameter('verifyWithApi', false) as boolean) {
			try {
				// Only the API's own view is emitted: nothing of the posted body survives, not even `model`.
				task = await getTask(this, task.task_id);
			} catch (error) {
				// An unknown task is refused for good; an API that is down gets 503, which a sender may retry.
				const unknown = String((error as { httpCode?: unknown }).httpCode) === '404';
				return reply(unknown ? 400 : 503, {
					error: `Task ${task.task_id} could not be verified with the API: ${(error as Error).message}`,
				});
			}
		}

		const statuses = this.getNodeParameter('statuses', ['completed', 'failed']) as string[];
		if (!statuses.includes(statusGroup(task))) {
			return reply(200, { received: true, emitted: false });
		}

		// Answer before downloading: the API must not wait on large files or on the workflow.
		response.status(200).json({ received: true, emitted: true });
		const options = this.getNodeParameter('options', {}) as { download?: boolean; binaryPropertyName?: string };
		// The callback was already acknowledged: a failed download still emits the task.
		const emitted =
			options.download && isSucceeded(task)
				? await downloadKeepingTask(this, task, options.binaryPropertyName?.trim() || 'data', 0)
				: { task };
		return {
			noWebhookResponse: true,
			workflowData: [[{ json: emitted.task, ...(emitted.binary ? { binary: emitted.binary } : {}) }]],
		};
	}
}
