/**
 * Unifically's account as the simulator keeps it: the answer of `GET /v1/account` (and the docs'
 * `GET /account`) in either documented shape, the restriction that refuses creates and dry runs with
 * 403, and the `setAccount` / `account` controls (also `POST` / `GET /__sim/account`).
 */
import type * as http from 'node:http';
import { createHash } from 'node:crypto';

import { roundUsd } from './pricing.cjs';
import { sendError } from './responses.cjs';
import { accountOf, isPlainObject, type Account, type KeyState, type SimContext } from './state.cjs';
import type { AccountChanges, AccountInfo } from './types.cjs';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A stable user id per key (8 digits, from a hash of the key). */
export function userIdOf(key: string): number {
	return 10_000_000 + (sha256(`user:${key}`).readUInt32BE(0) % 90_000_000);
}

/** A stable address per key, from a hash of it, which never spells the key itself. */
export function emailOf(key: string): string {
	let email = '';
	for (let attempt = 0; attempt < 16; attempt++) {
		email = `user-${sha256(`email:${attempt}:${key}`).toString('hex').slice(0, 12)}@example.com`;
		if (!email.toLowerCase().includes(key.toLowerCase())) break;
	}
	return email;
}

/** The end of the account's restriction (unix seconds), or null when it is not restricted (now). */
export function restrictionOf(account: Account, nowMs = Date.now()): number | null {
	const until = account.restrictedUntil;
	return typeof until === 'number' && until * 1000 > nowMs ? until : null;
}

/** The body of `GET /v1/account` for a key, in the configured shape. */
export function accountAnswer(sim: SimContext, key: string, account: Account): Record<string, unknown> {
	const data = {
		user_id: userIdOf(key),
		balance_usd: roundUsd(account.balance),
		email: emailOf(key),
		created_at: account.createdAt,
		updated_at: account.updatedAt,
	};
	if (sim.config.accountShape === 'withSuccess') return { success: true, code: 200, data };
	const until = restrictionOf(account);
	return { code: 200, data: { ...data, restricted_until: until === null ? null : Math.ceil(until) } };
}

/**
 * A create or dry run of a restricted account: 403 in the documented error shape, `account_restricted`,
 * with `Retry-After` the seconds until the restriction ends. Returns false when the account is not restricted.
 */
export function refuseRestricted(
	sim: SimContext,
	res: http.ServerResponse,
	state: KeyState,
	account: Account,
	headers: Record<string, string>,
): boolean {
	const until = restrictionOf(account);
	if (until === null) return false;
	const seconds = Math.max(1, Math.ceil(until - Date.now() / 1000));
	sendError(sim, res, state, 403, `Account restricted until ${new Date(until * 1000).toISOString()}`, 'account_restricted', {
		...headers,
		'Retry-After': String(seconds),
	});
	return true;
}

export function accountInfo(sim: SimContext, key: string): AccountInfo {
	if (typeof key !== 'string' || key === '') throw new Error('key must be a non-empty string');
	const account = accountOf(sim, key);
	return { balance: roundUsd(account.balance), restrictedUntil: restrictionOf(account), valid: account.valid };
}

const CHANGE_FIELDS = ['balance', 'restrictedUntil', 'valid'];

/** Checks every change first, then applies them all (an unknown key gets its default account first). */
export function setAccount(sim: SimContext, key: string, changes: AccountChanges): AccountInfo {
	if (typeof key !== 'string' || key === '') throw new Error('key must be a non-empty string');
	if (!isPlainObject(changes)) throw new Error('the changes must be an object');
	const unknown = Object.keys(changes).filter((field) => !CHANGE_FIELDS.includes(field));
	if (unknown.length) throw new Error(`unknown account field ${unknown.join(', ')} (${CHANGE_FIELDS.join(', ')})`);
	const { balance, restrictedUntil, valid } = changes;
	if (balance !== undefined && (typeof balance !== 'number' || !Number.isFinite(balance)))
		throw new Error('balance must be a number of USD');
	if (restrictedUntil !== undefined && restrictedUntil !== null && (typeof restrictedUntil !== 'number' || !Number.isFinite(restrictedUntil) || restrictedUntil < 0))
		throw new Error('restrictedUntil must be unix seconds, or null for no restriction');
	if (valid !== undefined && typeof valid !== 'boolean') throw new Error('valid must be true or false');

	const account = accountOf(sim, key);
	if (balance !== undefined) account.balance = roundUsd(balance);
	if (restrictedUntil !== undefined) account.restrictedUntil = restrictedUntil ? restrictedUntil : null;
	if (valid !== undefined) account.valid = valid;
	account.updatedAt = Math.floor(Date.now() / 1000);
	return accountInfo(sim, key);
}
