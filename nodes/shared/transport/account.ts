/**
 * The API key's account (`GET /v1/account`): balance and restriction, in both documented answers
 * (with `success`, and without it but with `restricted_until`).
 */
import type { IDataObject } from 'n8n-workflow';

import { apiRequest, type ApiContext } from './index';

/** The account as the node outputs it (Account → Get). */
export interface Account extends IDataObject {
	balance_usd: number | null;
	/** ISO time while the account is (or was) restricted; null when the API says it is not. */
	restricted_until: string | null;
	user_id: number | string | null;
	email: string | null;
}

const numberOf = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN);

/** The API's account data → the node's fields (unix seconds → ISO; 0 or null: not restricted). */
export function accountFrom(data: IDataObject): Account {
	const balance = numberOf(data.balance_usd);
	const until = numberOf(data.restricted_until);
	return {
		balance_usd: Number.isFinite(balance) ? balance : null,
		restricted_until: Number.isFinite(until) && until > 0 ? new Date(until * 1000).toISOString() : null,
		user_id: (data.user_id as number | string | undefined) ?? null,
		email: typeof data.email === 'string' ? data.email : null,
	};
}

export async function getAccount(context: ApiContext, itemIndex?: number): Promise<Account> {
	return accountFrom(await apiRequest<IDataObject>(context, { kind: 'status', method: 'GET', path: '/v1/account', itemIndex }));
}

/** Whether the account is restricted now. */
export const isRestricted = (account: Account, now = Date.now()) =>
	account.restricted_until !== null && Date.parse(account.restricted_until) > now;
