import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { estimateCost } from '../../shared/transport/tasks';
import { Batch, roundPrice } from './batch';
import { NOUNS, type Operation } from './operation';
import { MEDIA_RESOURCES } from './resources';

/**
 * Prices each item with `dry_run` (nothing is created or charged). Every item also carries
 * `total_cost`, the sum over the items priced, so a later IF node can check a whole batch.
 */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const batch = new Batch(this, this.getInputData().length);
	const requests = batch.readRequests();
	const priced = await Promise.all(
		requests.map(async (request) => {
			try {
				return { request, cost: await estimateCost(this, request) };
			} catch (error) {
				batch.fail(request.itemIndex, error as Error, { model: request.model });
				return undefined;
			}
		}),
	);
	const successful = priced.filter((entry) => entry !== undefined);
	const total = roundPrice(successful.reduce((sum, entry) => sum + entry.cost, 0));
	for (const { request, cost } of successful) {
		batch.set(request.itemIndex, { model: request.model, cost, total_cost: total });
	}
	return batch.output();
}

export const operation: Operation = {
	value: 'estimateCost',
	name: 'Estimate Cost',
	description: 'Price the request with a free dry run: nothing is created or charged',
	action: (resource) => `Estimate the cost of ${NOUNS[resource].one}`,
	resources: MEDIA_RESOURCES,
	usesModel: true,
	properties: [],
	tool: {
		description: (resource) =>
			`Prices ${NOUNS[resource].one} request of Unifically (the same model and inputs as generating it) without creating or charging anything: returns the model and its cost in USD.`,
	},
	execute,
};
