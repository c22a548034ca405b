import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { getAccount } from '../../shared/transport/account';
import { Batch } from './batch';

/** Account → Get: the dropdown's entry. */
export const operation = {
	name: 'Get',
	value: 'get',
	description: "Get the account's balance and whether it is restricted",
	action: 'Get the account',
};

export const description: INodeProperties[] = [];

/** Reads the account once and emits it for every input item: `{balance_usd, restricted_until, user_id, email}`. */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const itemCount = Math.max(1, this.getInputData().length);
	const batch = new Batch(this, itemCount);
	try {
		const account = await getAccount(this, 0);
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) batch.set(itemIndex, { ...account });
	} catch (error) {
		for (let itemIndex = 0; itemIndex < itemCount; itemIndex++) batch.fail(itemIndex, error as Error);
	}
	return batch.output();
}
