/**
 * Processes for driving n8n: a command run to completion (`run`, never throws on a non-zero exit),
 * polling until something holds (`waitFor`), free ports, and `N8nProcess`, one long-running n8n
 * process (`n8n start`, `n8n worker`, `n8n webhook`) in a process group of its own (n8n and its task
 * runner), started until its readiness URL answers, stopped gracefully or killed. The `N8n` class
 * (./n8n.cts) runs its server with it, and so does the queue-mode cluster (./queue.cts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

import { ROOT, pathWithNode24 } from './paths.cjs';

export interface RunResult {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	timedOut: boolean;
}

export interface RunOptions {
	cwd?: string;
	env?: NodeJS.ProcessEnv;
	timeoutMs?: number;
}

/** Run a command to completion; never throws on a non-zero exit (look at `code`). */
export function run(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: options.cwd ?? ROOT,
			env: options.env ?? { ...process.env, PATH: pathWithNode24() },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		let stdout = '';
		let stderr = '';
		let timedOut = false;
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
		const timer = options.timeoutMs
			? setTimeout(() => {
					timedOut = true;
					killGroup(child, 'SIGKILL');
				}, options.timeoutMs)
			: undefined;
		child.on('error', (error) => {
			if (timer) clearTimeout(timer);
			reject(error);
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			resolve({ code, signal, stdout, stderr, timedOut });
		});
	});
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
	if (child.pid === undefined) return;
	try {
		process.kill(-child.pid, signal); // the whole group: n8n and its task runner
	} catch {
		try {
			child.kill(signal);
		} catch {
			/* already gone */
		}
	}
}

export async function runOrThrow(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
	const result = await run(command, args, options);
	if (result.code !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed (${result.timedOut ? 'timed out' : `exit ${result.code}`}):\n` +
				tail(result.stdout + '\n' + result.stderr, 4000),
		);
	}
	return result;
}

export function tail(text: string, chars: number): string {
	return text.length > chars ? '…' + text.slice(-chars) : text;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Thrown from a `waitFor` check to stop waiting at once (other errors are retried until the timeout). */
export class StopWaiting extends Error {}

/** Poll `check` until it returns something other than undefined/false, or throw after `timeoutMs`. */
export async function waitFor<T>(
	what: string,
	check: () => Promise<T | undefined | false> | T | undefined | false,
	{ timeoutMs = 60_000, intervalMs = 250 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value !== undefined && value !== false) return value;
		} catch (error) {
			if (error instanceof StopWaiting) throw error;
			lastError = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
		}
		await sleep(intervalMs);
	}
}

/** A port nobody listens on right now (127.0.0.1). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

/** One long-running n8n process: `bin args` in `cwd`, ready when `readinessUrl` answers 200. */
export class N8nProcess {
	/** Everything the process printed, this start and the previous ones. */
	log = '';
	private child?: ChildProcess;
	private exited?: Promise<void>;

	constructor(
		readonly name: string,
		private readonly bin: string,
		private readonly args: string[],
		private readonly cwd: string,
		/** URL that answers 200 once the process is ready. */
		readonly readinessUrl: string,
		/** The environment of every start (a function: computed at each start). */
		private readonly env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv),
	) {}

	get running(): boolean {
		return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
	}

	get pid(): number | undefined {
		return this.child?.pid;
	}

	/** Starts the process (`env`: changes for this start only); resolves when its readiness URL answers. */
	async start({ timeoutMs = 240_000, env = {} }: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<void> {
		if (this.running) throw new Error(`${this.name} is already running`);
		this.log += `\n----- n8n ${this.args.join(' ')} (${new Date().toISOString()}) -----\n`;
		const child = spawn(this.bin, this.args, {
			cwd: this.cwd,
			env: { ...(typeof this.env === 'function' ? this.env() : this.env), ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		this.child = child;
		child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
		child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.log += chunk));
		this.exited = new Promise((resolve) => child.on('exit', () => resolve()));
		await waitFor(
			`${this.name} to be ready (${this.readinessUrl})`,
			async () => {
				if (!this.running) throw new StopWaiting(`${this.name} exited (${child.exitCode ?? child.signalCode}):\n${tail(this.log, 3000)}`);
				const response = await fetch(this.readinessUrl).catch(() => undefined);
				return response?.ok === true;
			},
			{ timeoutMs, intervalMs: 500 },
		).catch(async (error: Error) => {
			await this.kill();
			throw new Error(`${error.message}\n--- ${this.name} log ---\n${tail(this.log, 3000)}`);
		});
	}

	/** SIGKILL to the whole process group: a crash, nothing saved, no graceful shutdown. */
	async kill(): Promise<void> {
		const child = this.child;
		if (!child) return;
		killGroup(child, 'SIGKILL');
		await this.exited;
		this.child = undefined;
	}

	/** SIGTERM (n8n's graceful shutdown: it finishes or parks running executions), SIGKILL after `timeoutMs`. */
	async stop({ timeoutMs = 20_000 }: { timeoutMs?: number } = {}): Promise<void> {
		const child = this.child;
		if (!child) return;
		if (this.running) {
			killGroup(child, 'SIGTERM');
			let timer: NodeJS.Timeout | undefined;
			// The timer is cleared once n8n exits, so it keeps no test process alive.
			const exited = await Promise.race([
				this.exited!.then(() => true),
				new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
			]);
			clearTimeout(timer);
			if (!exited) killGroup(child, 'SIGKILL');
		}
		// The task runner is in the same process group; make sure nothing is left behind.
		killGroup(child, 'SIGKILL');
		await this.exited;
		this.child = undefined;
	}

	/** Kill without waiting (for process exit handlers). */
	killNow(): void {
		if (this.child) killGroup(this.child, 'SIGKILL');
	}
}
