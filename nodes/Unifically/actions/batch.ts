import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { getAccount, isRestricted, type Account } from '../../shared/transport/account';
import { withUploadedFiles } from '../helpers/files';
import { readTaskRequest, type TaskRequest } from '../helpers/input';
import { pollUntilSettled, type PendingTask, type PollOutcome } from '../helpers/polling';
import { mapWithConcurrency } from '../helpers/concurrency';
import { createTask, estimateCost, isSucceeded, taskFailedMessage, type Task } from '../../shared/transport/tasks';
import { downloadOutputs } from '../../shared/transport/download';
import { momentText } from '../../shared/transport/errors';
import type { RunOptions } from './options';
import { CancelledError, type CancelSignal } from '../../shared/transport';
import { readToolTaskRequest } from './tool';
import { isToolRun } from './toolMode';

/**
 * The shared life of a batch: read and validate every item, price it (spending guard), create the
 * tasks concurrently, wait for them together, download outputs. Each step records per-item results
 * in input order; with "Continue On Fail" off, the first problem stops the node — after anything
 * already created is accounted for, so no `task_id` the API returned is lost.
 */
export class Batch {
	private readonly results: Array<INodeExecutionData | undefined>;

	/** Every task this run created, so an error can name them all. */
	readonly created: Array<{ itemIndex: number; taskId: string }> = [];

	readonly continueOnFail: boolean;

	/** Run as an AI Agent's tool: a task still running at the timeout is a result, not an error. */
	readonly asTool: boolean;

	/** The first create the balance could not pay (402): no create of this batch is sent after it. */
	private outOfBalance?: { itemIndex: number; message: string };

	constructor(
		readonly context: IExecuteFunctions,
		itemCount: number,
	) {
		this.results = new Array(itemCount);
		this.continueOnFail = context.continueOnFail();
		this.asTool = isToolRun(context);
	}

	set(itemIndex: number, json: IDataObject, binary?: INodeExecutionData['binary']) {
		this.results[itemIndex] = { json, ...(binary ? { binary } : {}), pairedItem: { item: itemIndex } };
	}

	/** Records an item's failure (Continue On Fail) or stops the node with it. */
	fail(itemIndex: number, error: Error, fields: IDataObject = {}) {
		if (!this.continueOnFail) throw this.withCreatedTasks(error, itemIndex);
		this.set(itemIndex, { ...fields, error: error.message });
	}

	output(): INodeExecutionData[][] {
		return [this.results.filter((item): item is INodeExecutionData => item !== undefined)];
	}

	/** Names the tasks that were created despite the error, so they can be fetched with Task → Get. */
	withCreatedTasks(error: Error, itemIndex?: number): Error {
		const nodeError =
			error instanceof NodeOperationError || 'description' in error
				? (error as NodeOperationError)
				: new NodeOperationError(this.context.getNode(), error, { itemIndex });
		const others = this.created.filter((task) => task.itemIndex !== itemIndex);
		if (others.length > 0) {
			const list = others.map((task) => `item ${task.itemIndex}: ${task.taskId}`).join(', ');
			nodeError.description = [nodeError.description, `Tasks created in this run (fetch them with Task → Get): ${list}`]
				.filter(Boolean)
				.join('\n');
		}
		return nodeError;
	}

	/** Reads and validates every item before any request: bad input never costs money. */
	readRequests(): TaskRequest[] {
		const requests: TaskRequest[] = [];
		for (let itemIndex = 0; itemIndex < this.results.length; itemIndex++) {
			try {
				requests.push((this.asTool ? readToolTaskRequest : readTaskRequest)(this.context, itemIndex));
			} catch (error) {
				this.fail(itemIndex, error as Error);
			}
		}
		return requests;
	}

	/**
	 * Before any create: with Max Total Cost, prices every request with `dry_run` (nothing charged) and
	 * stops if the total is over the limit or over the balance; else, with Check Balance First, one
	 * account read stops a batch the balance cannot start or a restricted account cannot run.
	 */
	async guardSpending(requests: TaskRequest[], options: Pick<RunOptions, 'maxTotalCost' | 'checkBalance'>): Promise<TaskRequest[]> {
		if (requests.length === 0) return requests;
		const total = await this.guardTotalCost(requests, options.maxTotalCost);
		if (total === undefined && !options.checkBalance) return requests;
		const read = await this.readAccountForGuard();
		if (read.refused) {
			// The key itself is refused: so would every create be. Each item fails with the API's answer.
			for (const request of requests) this.fail(request.itemIndex, read.refused, { model: request.model });
			return [];
		}
		const account = read.account;
		if (!account) return requests;
		const node = this.context.getNode();
		if (isRestricted(account)) {
			throw new NodeOperationError(node, `The Unifically account is restricted until ${momentText(account.restricted_until!, this.context.getTimezone())}: no task was created`, {
				description: 'Run the workflow again after that time. Account → Get shows the account.',
			});
		}
		if (account.balance_usd === null) return requests;
		if (total !== undefined && total > account.balance_usd) {
			throw new NodeOperationError(
				node,
				`Estimated total cost $${total.toFixed(2)} is over the balance $${account.balance_usd.toFixed(2)}: no task was created`,
				{ description: `${requests.length} task(s) priced with dry_run. Top up the Unifically account or send fewer items.` },
			);
		}
		if (account.balance_usd <= 0) {
			throw new NodeOperationError(node, `The Unifically balance is $${account.balance_usd.toFixed(2)}: no task was created`, {
				description: 'Top up the Unifically account. (Options → Check Balance First: off skips this read.)',
			});
		}
		return requests;
	}

	/**
	 * The account for the guard, or the API's refusal of the key (401); an account the API does not
	 * answer (an older API, a proxy, a failing read) leaves the check out.
	 */
	private async readAccountForGuard(): Promise<{ account?: Account; refused?: NodeApiError }> {
		try {
			return { account: await getAccount(this.context) };
		} catch (error) {
			if (error instanceof NodeApiError && error.httpCode === '401') return { refused: error };
			this.context.logger.warn(`Unifically: the account could not be read before the batch; going on without the balance check: ${(error as Error).message}`);
			return {};
		}
	}

	/** Prices every request with `dry_run` (nothing charged) and stops if the total is over the limit; returns the total. */
	private async guardTotalCost(requests: TaskRequest[], maxTotalCost: number | undefined): Promise<number | undefined> {
		if (!maxTotalCost || maxTotalCost <= 0 || requests.length === 0) return undefined;
		const cancel: CancelSignal = { cancelled: false };
		const costs = await Promise.all(
			requests.map(async (request) => {
				try {
					return await estimateCost(this.context, request, cancel);
				} catch (error) {
					cancel.cancelled = true;
					throw this.withCreatedTasks(error as Error, request.itemIndex);
				}
			}),
		);
		const total = roundPrice(costs.reduce((sum, cost) => sum + cost, 0));
		if (total > maxTotalCost) {
			throw new NodeOperationError(
				this.context.getNode(),
				`Estimated total cost $${total.toFixed(2)} is over Max Total Cost $${maxTotalCost.toFixed(2)}: no task was created`,
				{
					description: `${requests.length} task(s) priced with dry_run. Raise "Max Total Cost" or send fewer items.`,
				},
			);
		}
		return total;
	}

	/**
	 * Creates one task. A failure is returned, not thrown: without Continue On Fail it cancels the
	 * creates (and reads) of this batch not yet sent, and is reported once all have settled. The first
	 * 402 (balance) ends creating in any case: later items are not started (and not uploaded).
	 */
	private async createOne(
		request: TaskRequest,
		callbackUrl: (request: TaskRequest) => string | undefined,
		cancel: CancelSignal,
	): Promise<{ request: TaskRequest; task?: Task; createdAt?: number; error?: Error; notStarted?: boolean }> {
		const outOfBalance = () => this.outOfBalance !== undefined;
		const stopCreating: CancelSignal = {
			get cancelled() {
				return cancel.cancelled || outOfBalance();
			},
		};
		try {
			// The item's binary inputs go to Unifically's storage first; a failed upload creates nothing.
			const uploaded = await withUploadedFiles(this.context, request, stopCreating);
			const task = await createTask(this.context, uploaded, callbackUrl(request), stopCreating);
			this.created.push({ itemIndex: request.itemIndex, taskId: task.task_id });
			return { request, task, createdAt: Date.now() };
		} catch (error) {
			// A create already on its way when the first 402 came is one more item not started.
			if (this.outOfBalance && !cancel.cancelled) return { request, notStarted: true };
			if (error instanceof NodeApiError && error.httpCode === '402') {
				this.outOfBalance = { itemIndex: request.itemIndex, message: error.message };
			}
			if (!this.continueOnFail) cancel.cancelled = true;
			return { request, error: error as Error };
		}
	}

	/**
	 * Creates every task concurrently (the rate limiter paces them). Without Continue On Fail, the
	 * first failed create cancels the creates not yet sent, and the error names those already created.
	 */
	async createTasks(requests: TaskRequest[], callbackUrl: (request: TaskRequest) => string | undefined) {
		const cancel: CancelSignal = { cancelled: false };
		const outcomes = await Promise.all(requests.map(async (request) => await this.createOne(request, callbackUrl, cancel)));
		this.recordCreateFailures(outcomes);
		return outcomes.flatMap(({ request, task, createdAt }) => (task ? [{ request, task, createdAt: createdAt! }] : []));
	}

	/**
	 * Generate's pipeline: each task is polled as soon as its own create returns, so the first tasks
	 * are read (and finished) while later ones are still being created at the API's pace — a batch
	 * takes about N/10 s + its slowest task. Without Continue On Fail, a failed create cancels the
	 * creates and reads not yet sent, and the error names the tasks already created.
	 */
	async createAndSettle(
		requests: TaskRequest[],
		callbackUrl: (request: TaskRequest) => string | undefined,
		options: { timeoutMs: number; download: boolean; binaryPropertyName: string },
	): Promise<void> {
		const cancel: CancelSignal = { cancelled: false };
		const outcomes = await Promise.all(
			requests.map(async (request) => {
				const { task, createdAt, error, notStarted } = await this.createOne(request, callbackUrl, cancel);
				if (!task) return { request, error, notStarted };
				const pending: PendingTask = {
					taskId: task.task_id,
					model: request.model,
					itemIndex: request.itemIndex,
					createdAt: createdAt!,
				};
				const [outcome] = await pollUntilSettled(this.context, [pending], options.timeoutMs, cancel);
				return { request, pending, outcome };
			}),
		);
		this.recordCreateFailures(outcomes);
		const polled = outcomes.filter((outcome) => outcome.pending !== undefined);
		await this.recordOutcomes(
			polled.map((outcome) => outcome.pending!),
			polled.map((outcome) => outcome.outcome!),
			options,
		);
	}

	/**
	 * Reports the first real failure, not the creates it cancelled (stops the node without Continue On
	 * Fail). Items a 402 left unstarted come out as `status: "not_started"` (Continue On Fail), or are
	 * counted in the node's error.
	 */
	private recordCreateFailures(outcomes: Array<{ request: TaskRequest; error?: Error; notStarted?: boolean }>) {
		const notStarted = outcomes.filter((outcome) => outcome.notStarted || (this.outOfBalance && outcome.error instanceof CancelledError));
		const failures = outcomes.filter((outcome) => outcome.error && !notStarted.includes(outcome));
		failures.sort((a, b) => Number(a.error instanceof CancelledError) - Number(b.error instanceof CancelledError));
		if (this.outOfBalance && notStarted.length > 0) {
			const reason = `Not started: the Unifically balance ran out at item ${this.outOfBalance.itemIndex} (${this.outOfBalance.message}); no further task was created`;
			const first = failures[0]?.error as (Error & { description?: string | null }) | undefined;
			if (first && !this.continueOnFail) {
				first.description = [first.description, `${notStarted.length + 1} item(s) were not started. Top up the account, then run them again.`]
					.filter(Boolean)
					.join(' ');
			}
			for (const { request } of notStarted) {
				if (this.continueOnFail) this.set(request.itemIndex, { status: 'not_started', model: request.model, error: reason });
			}
		}
		for (const failure of failures) {
			// The item the balance could not pay is not started either (Continue On Fail), with the API's 402.
			const status = this.outOfBalance?.itemIndex === failure.request.itemIndex ? { status: 'not_started' } : {};
			this.fail(failure.request.itemIndex, failure.error!, { ...status, model: failure.request.model });
		}
	}

	/**
	 * Waits for the tasks together, then emits each: the task object (plus its files when `download`),
	 * or — failed or past the timeout — an error naming its `task_id`.
	 */
	async settleTasks(
		pending: PendingTask[],
		options: { timeoutMs: number; download: boolean; binaryPropertyName: string },
	): Promise<void> {
		await this.recordOutcomes(pending, await pollUntilSettled(this.context, pending, options.timeoutMs), options);
	}

	/** Emits tasks whose outcome is already known (poll results, or tasks just read). */
	async recordOutcomes(
		pending: PendingTask[],
		outcomes: PollOutcome[],
		options: { download: boolean; binaryPropertyName: string; timeoutMs?: number },
	): Promise<void> {
		const settled: Array<{ itemIndex: number; task: Task }> = [];
		outcomes.forEach((outcome, index) => {
			const { itemIndex, taskId } = pending[index];
			const task: Task = { ...outcome.task, task_id: outcome.task.task_id || taskId };
			if (outcome.kind === 'error') {
				this.fail(itemIndex, outcome.error, { task_id: task.task_id, status: task.status, model: task.model });
			} else if (outcome.kind === 'timedOut' && this.asTool) {
				this.set(itemIndex, {
					task_id: task.task_id,
					status: task.status,
					model: task.model,
					note: `Not finished within ${Math.round((options.timeoutMs ?? 0) / 1000)} s; the task goes on. Get the task by this task_id later to read its result.`,
					...(outcome.readError ? { last_read_error: outcome.readError.message } : {}),
				});
			} else if (outcome.kind === 'timedOut') {
				// Reads still failing at the deadline: the task may well have finished; say why it is unknown.
				const readFailure = outcome.readError ? `; the last status read failed: ${outcome.readError.message}` : '';
				const error = new NodeOperationError(
					this.context.getNode(),
					`Task ${task.task_id} did not finish within the timeout (last status: ${task.status}${readFailure})`,
					{ itemIndex, description: `The task goes on: fetch its result later with Task → Get or Task → Wait using ID ${task.task_id}.` },
				);
				this.fail(itemIndex, error, {
					task_id: task.task_id,
					status: task.status,
					model: task.model,
					...(outcome.readError ? { last_read_error: outcome.readError.message } : {}),
				});
			} else if (!isSucceeded(task)) {
				const error = new NodeOperationError(this.context.getNode(), taskFailedMessage(task), {
					itemIndex,
					description: `Model ${String(task.model ?? '')}, status "${task.status}".`,
				});
				this.fail(itemIndex, error, { task_id: task.task_id, status: task.status, model: task.model, ...(task.error !== undefined ? { api_error: task.error } : {}) });
			} else {
				settled.push({ itemIndex, task });
			}
		});
		await this.emitTasks(settled, options);
	}

	/** Emits finished tasks, downloading their outputs (a few at a time) when asked. */
	async emitTasks(
		settled: Array<{ itemIndex: number; task: Task }>,
		options: { download: boolean; binaryPropertyName: string },
	): Promise<void> {
		await mapWithConcurrency(settled, 4, async ({ itemIndex, task }) => {
			if (!options.download) return this.set(itemIndex, task);
			try {
				const binary = await downloadOutputs(this.context, task, options.binaryPropertyName, itemIndex);
				this.set(itemIndex, task, Object.keys(binary).length > 0 ? binary : undefined);
			} catch (error) {
				this.fail(itemIndex, error as Error, { ...task });
			}
		});
	}
}

/** Prices are in USD with up to 4 decimals (Kling's per-second rates): sums are rounded the same way. */
export const roundPrice = (value: number) => Math.round(value * 10_000) / 10_000;
