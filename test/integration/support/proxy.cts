/**
 * A TCP proxy in front of the simulator that makes the first connections slow, like cold connections
 * to a real API (DNS, TCP and TLS handshakes) next to warm keep-alive ones: bytes from the client on a
 * connection opened in the first `coldForMs` reach the simulator only after `delayMs`.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SlowStartProxy {
	url: string;
	close(): Promise<void>;
	/** Connections opened, and how many of them were delayed. */
	connections: { opened: number; delayed: number };
}

export async function startSlowStartProxy(
	target: string,
	{ delayMs, coldForMs }: { delayMs: number; coldForMs: number },
): Promise<SlowStartProxy> {
	const { hostname, port } = new URL(target);
	const sockets = new Set<Socket>();
	const connections = { opened: 0, delayed: 0 };
	let startedAt = 0;
	const server = createServer((client) => {
		connections.opened++;
		const cold = Date.now() - startedAt < coldForMs;
		if (cold) connections.delayed++;
		const upstream = connect(Number(port), hostname);
		sockets.add(client).add(upstream);
		const releaseAt = Date.now() + (cold ? delayMs : 0);
		client.on('data', (chunk: Buffer) => {
			const wait = releaseAt - Date.now();
			if (wait <= 0) upstream.write(chunk);
			else {
				client.pause();
				setTimeout(() => {
					upstream.write(chunk);
					client.resume();
				}, wait);
			}
		});
		client.on('end', () => setTimeout(() => upstream.end(), Math.max(0, releaseAt - Date.now())));
		upstream.pipe(client);
		const drop = () => {
			client.destroy();
			upstream.destroy();
			sockets.delete(client);
			sockets.delete(upstream);
		};
		client.on('error', drop).on('close', drop);
		upstream.on('error', drop).on('close', drop);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	startedAt = Date.now();
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		connections,
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
