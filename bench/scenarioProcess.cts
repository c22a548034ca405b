/**
 * A benchmark scenario in a child process of its own (bench/child.cts, forked here): warmed up, told
 * to go, its result read back, and its resident memory sampled from outside through /proc.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { ChildMessage, ScenarioConfig, ScenarioResult } from './protocol.cjs';
import { SAMPLE_EVERY_MS } from './settings.cjs';

export const CHILD_JS = path.join(__dirname, 'child.cjs');

/** A forked scenario: `ready` once warmed up, `go()` to start, then `result`. */
export class Scenario {
	readonly child: ChildProcess;
	readonly ready: Promise<void>;
	readonly started: Promise<number>;
	readonly result: Promise<ScenarioResult>;
	/** Peak VmRSS of the child, read from /proc/<pid>/status every 50 ms between `started` and the result. */
	externalPeakRss = 0;
	private stderr = '';

	constructor(readonly label: string, config: ScenarioConfig) {
		this.child = fork(CHILD_JS, [JSON.stringify(config)], {
			execArgv: ['--expose-gc'],
			stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
			env: { ...process.env, N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'silent' },
		});
		this.child.stdout?.on('data', () => undefined);
		this.child.stderr?.on('data', (chunk: Buffer) => {
			this.stderr = (this.stderr + chunk.toString()).slice(-4000);
		});
		const settle = <T,>(type: ChildMessage['type'], pick: (message: ChildMessage) => T) =>
			new Promise<T>((resolve, reject) => {
				const onMessage = (message: ChildMessage) => {
					if (message.type === type) resolve(pick(message));
					if (message.type === 'failed') reject(new Error(`${label} failed:\n${message.error}`));
				};
				this.child.on('message', onMessage);
				this.child.on('exit', (code) =>
					reject(new Error(`${label} exited (code ${code}) before "${type}"\n${this.stderr}`)),
				);
			});
		this.ready = settle('ready', () => undefined);
		this.started = settle('started', () => Date.now());
		this.result = settle('result', (message) => (message as Extract<ChildMessage, { type: 'result' }>).result);
		for (const promise of [this.ready, this.started, this.result]) promise.catch(() => undefined);
		void this.started.then(() => this.sampleExternally(), () => undefined);
	}

	go() {
		this.child.send({ type: 'go' });
	}

	private sampleExternally() {
		const pid = this.child.pid;
		if (!pid) return;
		const sample = () => {
			try {
				const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
				if (match) this.externalPeakRss = Math.max(this.externalPeakRss, Number(match[1]) * 1024);
			} catch {
				// gone, or no /proc
			}
		};
		sample();
		const timer = setInterval(sample, SAMPLE_EVERY_MS);
		void this.result.finally(() => clearInterval(timer)).catch(() => undefined);
	}
}

export async function runScenario<T extends ScenarioResult>(scenario: Scenario): Promise<T & { externalPeakRss: number }> {
	await scenario.ready;
	scenario.go();
	const result = (await scenario.result) as T;
	return { ...result, externalPeakRss: scenario.externalPeakRss };
}
