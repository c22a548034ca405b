/**
 * A simulator (simulator/server.cts, unchanged) whose HTTP server also logs every request it
 * answers: when it arrived, when the answer was sent, method, path and status. The simulator's own
 * stats give totals; this log gives the timeline (which task was read when), to explain a figure.
 * The simulator checks its rate limit when it handles a request (after reading the body), and
 * answers at once: `doneAt` is the closer of the two times to that check.
 */
import http = require('node:http');

import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/server.cjs';

export interface RequestRecord {
	/** Arrival, ms since epoch. */
	at: number;
	/** Answer sent, ms since epoch. */
	doneAt: number;
	method: string;
	path: string;
	status: number;
	/** The API key the request carried (the bench's own made-up keys), '' when none. */
	key: string;
}

export interface RecordedSimulator {
	sim: Simulator;
	log: RequestRecord[];
}

export async function startRecordedSimulator(options: SimulatorOptions): Promise<RecordedSimulator> {
	const log: RequestRecord[] = [];
	const original = http.createServer;
	// The simulator builds its server with http.createServer(handler): add a listener in front of its
	// handler for the duration of that call only.
	(http as { createServer: unknown }).createServer = (...args: Parameters<typeof http.createServer>) => {
		const server = (original as (...a: unknown[]) => http.Server)(...args);
		server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
			const at = Date.now();
			const key = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
			res.on('finish', () =>
				log.push({ at, doneAt: Date.now(), method: req.method ?? '', path: req.url ?? '', status: res.statusCode, key }),
			);
		});
		return server;
	};
	try {
		return { sim: await startSimulator(options), log };
	} finally {
		(http as { createServer: unknown }).createServer = original;
	}
}
