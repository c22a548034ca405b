import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { unificallyProperties } from './actions/properties';
import { MODELS } from './catalog';
import { OTHER_MODEL } from './catalog/toProperties';
import { resumeOnCallback, resumeWebhook } from './actions/callbackResume';
import { ACTION_DESCRIPTION } from '../shared/descriptionText';
import { nothingToRegister } from '../shared/webhookMethods';
import { router } from './actions/router';
import { searchApiModels, searchElevenlabsVoices, searchHiggsfieldMotions, searchHiggsfieldVoices } from './methods/listSearch';

/** Each operation's name as its Operation dropdown shows it ("Generate", "Get", "Wait for Completion"). */
const OPERATION_NAMES = JSON.stringify(
	Object.fromEntries(
		unificallyProperties
			.filter((property) => property.name === 'operation')
			.flatMap((property) => (property.options as INodePropertyOptions[]).map((option) => [option.value, option.name])),
	),
);
/** The model's name on the canvas ("Generate: Higgsfield Text-to-Speech"), its id's last part for an id the node does not know. */
const MODEL_NAMES = JSON.stringify(Object.fromEntries(MODELS.map((model) => [model.id, model.label.replace(': ', ' ')])));
/** The canvas subtitle: the operation's name, then the model's (n8n evaluates it with the node's parameters as `$parameter`). */
const SUBTITLE = `={{ (${OPERATION_NAMES})[$parameter["operation"]] + ($parameter["model"] ? ": " + ((${MODEL_NAMES})[$parameter["model"]] || String($parameter["model"] === "${OTHER_MODEL}" ? (($parameter["otherModel"] || {}).value ?? $parameter["otherModel"]) || "Other Model" : $parameter["model"]).split("/").pop()) : "") }}`;

export class Unifically implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Unifically',
		name: 'unifically',
		icon: { light: 'file:unifically.svg', dark: 'file:unifically.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: SUBTITLE,
		description: ACTION_DESCRIPTION,
		defaults: { name: 'Unifically' },
		// n8n's editor links this URL as it is; the codex's (the .node.json) gets a query appended after its #anchor.
		documentationUrl: 'https://github.com/n8n-nodes-unifically/n8n-nodes-unifically#operations',
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'unificallyApi', required: true }],
		// Only for Generate's "Until Callback" wait mode: the waiting execution's resume URL.
		webhooks: [resumeWebhook],
		properties: unificallyProperties,
	};

	methods = {
		listSearch: { searchApiModels, searchElevenlabsVoices, searchHiggsfieldMotions, searchHiggsfieldVoices },
	};

	webhookMethods = nothingToRegister;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
