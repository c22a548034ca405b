/**
 * Tasks: their life on the clock (pending, processing, then completed or failed; `stuck` never
 * finishes), their creation from a request (with the `sim_*` test controls and the check of their
 * input files, inputUrls.cts) and their end.
 */
import { sendCallback } from './callbacks.cjs';
import { inputUrls, missingUploadError, remoteInputError, remoteUrls } from './inputUrls.cjs';
import type { SimModel } from './modelTypes.cjs';
import { planOutput, type PlannedOutput } from './outputs.cjs';
import { newId, numberInput, type SimContext } from './state.cjs';
import type { CallbackRecord, TaskOutcome, TaskStatus } from './types.cjs';

/** One task as the simulator keeps it. `status` follows the clock. */
export class SimTask {
	readonly finishesAt: number;
	/** The callback sent for this task, once sent. */
	callback?: CallbackRecord;
	/** When each status read the API answered for it came (ms since epoch): how the node aims its reads. */
	readonly readsAt: number[] = [];
	/** While its input URLs are being fetched (`fetchInputUrls`) the task cannot finish. */
	checkingInputs = false;
	private finished = false;

	constructor(
		readonly id: string,
		readonly model: string,
		readonly input: Record<string, unknown>,
		/** The API key that created the task (only it can read the task). */
		readonly owner: string,
		readonly createdAt: number,
		readonly latencyMs: number,
		/** Set at creation; an input URL that cannot be fetched (`fetchInputUrls`) may still turn it to `fail`. */
		public outcome: TaskOutcome,
		public errorMessage: string,
		readonly cost: number,
		readonly planned: PlannedOutput,
		readonly callbackUrl: string | undefined,
		readonly callbackShape: 'wrapped' | 'bare',
	) {
		this.finishesAt = createdAt + latencyMs;
	}

	statusAt(now: number): TaskStatus {
		const elapsed = now - this.createdAt;
		if (this.outcome === 'stuck' || this.checkingInputs) return elapsed < this.latencyMs / 3 ? 'pending' : 'processing';
		if (elapsed >= this.latencyMs) return this.outcome === 'fail' ? 'failed' : 'completed';
		return elapsed < this.latencyMs / 3 ? 'pending' : 'processing';
	}

	/** True the first time only: the task's end (stats, callback) happens once. */
	markFinished(): boolean {
		if (this.finished) return false;
		this.finished = true;
		return true;
	}

	get status(): TaskStatus {
		return this.statusAt(Date.now());
	}

	/** The task object as `GET /v1/tasks/:id` returns it inside `data`. */
	view(now = Date.now()): Record<string, unknown> {
		const status = this.statusAt(now);
		const view: Record<string, unknown> = { task_id: this.id, status };
		if (status === 'completed') view.output = this.planned.output;
		if (status === 'failed') view.error = this.errorMessage;
		return view;
	}
}

export function schedule(sim: SimContext, ms: number, action: () => void) {
	const timer = setTimeout(() => {
		sim.timers.delete(timer);
		action();
	}, Math.max(0, ms));
	sim.timers.add(timer);
}

/** Waits a random time in `[min, max]` ms (nothing for `[0, 0]`). */
export async function delay(sim: SimContext, [min, max]: [number, number]) {
	const ms = min + Math.random() * Math.max(0, max - min);
	if (ms > 0) await new Promise<void>((resolve) => schedule(sim, ms, resolve));
}

export function finish(sim: SimContext, task: SimTask) {
	if (sim.closed || task.outcome === 'stuck' || task.checkingInputs || !task.markFinished()) return;
	if (task.outcome === 'fail') sim.stats.tasksFailed++;
	else sim.stats.tasksCompleted++;
	if (task.callbackUrl) sendCallback(sim, task, task.callbackUrl);
}

export function createTask(sim: SimContext, model: SimModel, input: Record<string, unknown>, owner: string, cost: number, callbackUrl?: string) {
	const id = newId(8);
	sim.taskCounter++;
	const latency = numberInput(input.sim_latency_ms) ?? sim.config.taskLatencyMs;
	const outputBytes = Math.floor(numberInput(input.sim_output_bytes) ?? sim.config.outputBytes);
	const requested = String(input.sim_outcome ?? 'success').toLowerCase();
	// An input file the model cannot download fails the task whatever the test controls ask.
	const urls = inputUrls(input);
	const missing = missingUploadError(sim, urls, owner);
	const outcome: TaskOutcome = missing
		? 'fail'
		: requested === 'fail' || requested === 'failed'
			? 'fail'
			: requested === 'stuck' || requested === 'hang'
				? 'stuck'
				: 'success';
	const errorMessage =
		missing ??
		(typeof input.sim_error_message === 'string' && input.sim_error_message
			? input.sim_error_message
			: 'Generation failed: the content was flagged by the provider (simulated failure)');
	const shapeOverride = input.sim_callback_shape;
	const shape: 'wrapped' | 'bare' =
		shapeOverride === 'wrapped' || shapeOverride === 'bare'
			? shapeOverride
			: sim.config.callbackShape === 'alternate'
				? sim.taskCounter % 2 === 1
					? 'wrapped'
					: 'bare'
				: sim.config.callbackShape;
	const planned = planOutput(model, input, id, sim.baseUrl, outputBytes);
	const task = new SimTask(
		id,
		model.id,
		input,
		owner,
		Date.now(),
		latency,
		outcome,
		errorMessage,
		cost,
		planned,
		callbackUrl || undefined,
		shape,
	);
	sim.tasks.set(id, task);
	const remote = !missing && sim.config.fetchInputUrls ? remoteUrls(sim, urls) : [];
	if (remote.length) {
		// Fetched now; the task finishes at its time or when the fetches end, whichever is later.
		task.checkingInputs = true;
		void remoteInputError(sim, remote).then((error) => {
			task.checkingInputs = false;
			if (error) {
				task.outcome = 'fail';
				task.errorMessage = error;
			}
			if (Date.now() >= task.finishesAt) finish(sim, task);
		});
	}
	if (outcome !== 'stuck' || remote.length) schedule(sim, latency, () => finish(sim, task));
	return task;
}
