import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAccount } from '../../shared/transport/account';
import { Batch } from './batch';
import type { Operation } from './operation';

/** Reads the account once and emits it for every input item: `{balance_usd, restricted_until, user_id, email}`. */
async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
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

export const operation: Operation = {
	value: 'get',
	name: 'Get',
	description: "Get the account's balance and whether it is restricted",
	action: () => 'Get the account',
	resources: ['account'],
	isDefault: true,
	properties: [],
	tool: {
		description: () =>
			"Reads the Unifically account: balance_usd (the balance in US dollars), restricted_until (until when the account is restricted, or null) and the account's user_id and email. Check the balance before a costly task, such as a video.",
	},
	execute,
};
