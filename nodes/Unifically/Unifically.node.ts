import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { unificallyProperties } from './actions/properties';
import { router } from './actions/router';

export class Unifically implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Unifically',
		name: 'unifically',
		icon: 'file:unifically.svg',
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + ($parameter["model"] || $parameter["resource"])}}',
		description:
			'Generate video, images and audio with 50 AI models (Veo, Sora, Kling, Flux, Suno, ElevenLabs …) through Unifically',
		defaults: { name: 'Unifically' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'unificallyApi', required: true }],
		properties: unificallyProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
