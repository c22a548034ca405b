import type { IHookFunctions } from 'n8n-workflow';

/**
 * Webhook lifecycle for webhooks that exist only on n8n's side. The Unifically API takes the
 * callback URL per task (`callback_url`), so there is nothing to register, check or remove
 * remotely: the trigger's URL is live as soon as n8n serves it, and the action node's resume
 * webhook belongs to a waiting execution.
 */
export const nothingToRegister = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};
