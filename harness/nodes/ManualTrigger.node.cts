import type {
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';

/**
 * Test-only stand-in for n8n's built-in "Manual Trigger" (`n8n-nodes-base.manualTrigger`),
 * because n8n-nodes-base is not installed here. Like the real one it is a trigger
 * node that emits a single empty item when the workflow is started by hand.
 *
 * In `manual` mode the engine calls `trigger()` and waits for `emit`; in every
 * other mode (e.g. `cli`) it just passes the start item (`{ json: {} }`) through.
 */
export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'When clicking "Execute workflow"',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n (test stand-in)',
		defaults: { name: 'When clicking "Execute workflow"' },
		inputs: [],
		outputs: ['main'],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		const manualTriggerFunction = async () => {
			this.emit([this.helpers.returnJsonArray([{}])]);
		};
		return { manualTriggerFunction };
	}
}
