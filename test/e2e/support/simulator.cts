/**
 * The project's Unifically API simulator, started in the test process for e2e tests.
 * n8n (a separate process) reaches it on 127.0.0.1; its callbacks reach n8n's webhooks.
 */
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../simulator/server.cjs';

export type { Simulator, SimulatorOptions };

/** A simulator on a free port; tasks finish after `taskLatencyMs` (default here 1000 ms). */
export async function startTestSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	return startSimulator({ port: 0, taskLatencyMs: 1000, ...options });
}
