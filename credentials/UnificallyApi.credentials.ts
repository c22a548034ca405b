import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class UnificallyApi implements ICredentialType {
	name = 'unificallyApi';

	displayName = 'Unifically API';

	icon = 'file:../nodes/Unifically/unifically.svg' as const;

	documentationUrl = 'https://github.com/n8n-nodes-unifically/n8n-nodes-unifically#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Your Unifically API key, from your Unifically dashboard',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.unifically.com',
			// n8n's credential test reports a network error only by its code (ECONNREFUSED, ENOTFOUND): say
			// here what that means. (A node-level test function could phrase it, but n8n gives it only the
			// deprecated `request` helper, which the verification gate's lint rejects.)
			description:
				'The API address. Change it only to go through a proxy. If the connection test says ECONNREFUSED, ENOTFOUND or ETIMEDOUT, nothing answers at this address: check it and your network.',
		},
		{
			displayName: 'Upload URL',
			name: 'uploadUrl',
			type: 'string',
			default: 'https://files.storagecdn.online/upload',
			description:
				"Unifically's file storage: files the workflow holds (binary data) are uploaded here before a model reads them. Change it only for a proxy. The key is sent to the Base URL and to this address, nowhere else.",
		},
		{
			displayName: 'Requests per Second',
			name: 'requestsPerSecond',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 10,
			description:
				"Upper bound on this n8n process's rate for each kind of request (creates, status reads). The API allows 10/s per key and bans it for 60 s beyond that. With the default, several n8n processes on one key (queue-mode workers) share it safely: each reads the key's remaining budget from the API's answers and gives way. Set less to keep part of the key for other uses.",
		},
		{
			// Not shown: the bench measures the limiter against a simple baseline in real n8n ('baseline').
			// Declared because n8n hands a node only the declared fields of its credential.
			displayName: 'Rate Limiter',
			name: 'rateLimiter',
			type: 'hidden',
			default: '',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Reading the account checks the key for free: no task, no dry run.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl || "https://api.unifically.com").replace(/\\/+$/, "")}}',
			url: '/v1/account',
			method: 'GET',
		},
		rules: [
			{ type: 'responseCode', properties: { value: 401, message: 'Invalid API key: check the key in this credential' } },
			{ type: 'responseCode', properties: { value: 403, message: 'The key was refused (403): the account may be restricted; Account → Get shows until when' } },
			{ type: 'responseCode', properties: { value: 404, message: 'No Unifically API at this Base URL (404)' } },
		],
	};
}
