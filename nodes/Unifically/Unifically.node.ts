import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { unificallyProperties } from './actions/properties';
import { resumeOnCallback, resumeWebhook } from './actions/callbackWait';
import { ACTION_DESCRIPTION } from './descriptionText';
import { nothingToRegister } from './helpers/webhookMethods';
import { router } from './actions/router';

export class Unifically implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Unifically',
		name: 'unifically',
		icon: { light: 'file:unifically.svg', dark: 'file:unifically.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ ({ generate: "Generate", create: "Create Task", estimateCost: "Estimate Cost", get: "Get Task", wait: "Wait for Task" })[$parameter["operation"]] + ($parameter["model"] ? ": " + String($parameter["model"]).split("/").pop() : "") }}',
		description: ACTION_DESCRIPTION,
		defaults: { name: 'Unifically' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'unificallyApi', required: true }],
		// Only for Generate's "Until Callback" wait mode: the waiting execution's resume URL.
		webhooks: [resumeWebhook],
		properties: unificallyProperties,
	};

	webhookMethods = nothingToRegister;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
