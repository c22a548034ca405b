/**
 * What the trigger trusts in a posted callback: the secret token (compared in constant time), and the
 * words for what it refuses to do without the API.
 */
import { timingSafeEqual } from 'crypto';

/**
 * Why a task came without its files when Download is on and the task could not be read from the API
 * (files are fetched only from the URLs the API returns, never from a posted callback).
 */
export function notDownloaded(reason: string): string {
	return `Not downloaded: ${reason}. Files are fetched only from the URLs the API returns for the task, never from the URLs of a posted callback.`;
}

export const NO_CREDENTIAL = 'no Unifically API credential is selected on the trigger (Verify With API and Download Output Files read the task with it)';

/** Compares in constant time, so a wrong token's response time says nothing about the right one. */
export function tokensMatch(given: unknown, expected: string): boolean {
	if (typeof given !== 'string') return false;
	const a = Buffer.from(given);
	const b = Buffer.from(expected);
	return a.length === b.length && timingSafeEqual(a, b);
}

