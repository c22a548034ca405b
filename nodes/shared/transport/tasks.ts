/**
 * The API's tasks: what a task object says (status, failure, callback body), the requests on tasks
 * (create, dry-run price, read) and the URLs of a task's output. Waiting for tasks is `helpers/polling`.
 */
import type { IDataObject } from 'n8n-workflow';

import { apiRequest, type ApiContext, type CancelSignal, type RequestTiming } from './index';

/** What a create sends: the model, its input, and the item it is for (for errors). */
export interface TaskBody {
	model: string;
	input: IDataObject;
	itemIndex: number;
}

/** The API's task object, unwrapped from `data`. */
export interface Task extends IDataObject {
	task_id: string;
	status: string;
}

const SUCCEEDED = new Set(['completed', 'succeeded', 'success', 'done']);
const FAILED = new Set(['failed', 'error', 'cancelled', 'canceled', 'expired']);

export const isSucceeded = (task: Task) => SUCCEEDED.has(String(task.status).toLowerCase());
export const isFailed = (task: Task) => FAILED.has(String(task.status).toLowerCase());
export const isSettled = (task: Task) => isSucceeded(task) || isFailed(task);

/** The failure message a failed task carries, whatever shape the API gives it. */
export function taskErrorMessage(task: IDataObject): string {
	const error = task.error ?? task.message ?? task.error_message;
	if (typeof error === 'string' && error) return error;
	if (error && typeof error === 'object') {
		const message = (error as IDataObject).message;
		return typeof message === 'string' ? message : JSON.stringify(error);
	}
	return `status "${String(task.status)}"`;
}

/**
 * A callback arrives wrapped (`{code, success, data: {...}}`) or bare (`{task_id, status, ...}`).
 * Returns the task object, or undefined when the body is not a task.
 */
export function taskFromCallback(body: unknown): Task | undefined {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
	const envelope = body as IDataObject;
	const candidate =
		typeof envelope.data === 'object' && envelope.data !== null && !Array.isArray(envelope.data)
			? (envelope.data as IDataObject)
			: envelope;
	const taskId = candidate.task_id ?? candidate.id;
	if ((typeof taskId !== 'string' && typeof taskId !== 'number') || String(taskId) === '') return undefined;
	if (typeof candidate.status !== 'string' || candidate.status === '') return undefined;
	return { ...candidate, task_id: String(taskId), status: candidate.status };
}

/** "Task abc123 failed: <the API's reason>" — the same words wherever a failed task is reported. */
export const taskFailedMessage = (task: Task) => `Task ${task.task_id} failed: ${taskErrorMessage(task)}`;

export async function createTask(
	context: ApiContext,
	request: TaskBody,
	callbackUrl?: string,
	cancel?: CancelSignal,
): Promise<Task> {
	const body: IDataObject = { model: request.model, input: request.input };
	if (callbackUrl) body.callback_url = callbackUrl;
	const data = await apiRequest<IDataObject>(context, { kind: 'create', method: 'POST', path: '/v1/tasks', body, itemIndex: request.itemIndex, cancel });
	const taskId = data.task_id ?? data.id;
	if (typeof taskId !== 'string' && typeof taskId !== 'number') {
		throw new Error(`The API accepted the task but returned no task_id: ${JSON.stringify(data).slice(0, 300)}`);
	}
	return { ...data, task_id: String(taskId), status: String(data.status ?? 'pending') };
}

export async function estimateCost(
	context: ApiContext,
	request: TaskBody,
	cancel?: CancelSignal,
): Promise<number> {
	const body: IDataObject = { model: request.model, input: request.input, dry_run: true };
	const data = await apiRequest<IDataObject>(context, { kind: 'create', method: 'POST', path: '/v1/tasks', body, itemIndex: request.itemIndex, cancel });
	const cost = Number(data.cost ?? data.price ?? data.estimated_cost);
	if (!Number.isFinite(cost)) throw new Error(`The API returned no cost: ${JSON.stringify(data).slice(0, 300)}`);
	return cost;
}

/**
 * Reads a task. With `retryUntil` (ms since epoch), a read that fails transiently (5xx, a gateway's
 * page, a network error or timeout, 429) is retried with backoff until then, not a fixed number of times.
 */
export async function getTask(
	context: ApiContext,
	taskId: string,
	itemIndex?: number,
	timing?: RequestTiming,
	retryUntil?: number,
): Promise<Task> {
	const data = await apiRequest<IDataObject>(context, {
		kind: 'status',
		method: 'GET',
		path: `/v1/tasks/${encodeURIComponent(taskId)}`,
		itemIndex,
		timing,
		retryUntil,
	});
	return { ...data, task_id: String(data.task_id ?? taskId), status: String(data.status ?? 'unknown') };
}

/** Every http(s) URL in a task's output, in order, once each (outputs come in many shapes). */
export function outputUrls(output: unknown): string[] {
	const urls: string[] = [];
	const visit = (value: unknown) => {
		if (typeof value === 'string') {
			if (/^https?:\/\//i.test(value) && !urls.includes(value)) urls.push(value);
		} else if (Array.isArray(value)) {
			value.forEach(visit);
		} else if (value && typeof value === 'object') {
			Object.values(value).forEach(visit);
		}
	};
	visit(output);
	return urls;
}
