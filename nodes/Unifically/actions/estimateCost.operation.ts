import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { estimateCost } from '../../shared/transport/tasks';
import { Batch, roundPrice } from './batch';

export const description: INodeProperties[] = [];

/**
 * Prices each item with `dry_run` (nothing is created or charged). Every item also carries
 * `total_cost`, the sum over the items priced, so a later IF node can check a whole batch.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
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
