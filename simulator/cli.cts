#!/usr/bin/env node
/**
 * Runs the Unifically API simulator until SIGINT/SIGTERM:
 *   node dist/simulator/cli.cjs [--port 4010] [--host 127.0.0.1] [--latency-ms 3000] [--rate-limit 10]
 *     [--ban-seconds 60] [--callback-shape wrapped|bare|alternate] [--output-bytes N]
 *     [--omit-rate-limit-headers] [--minimal-file-headers] [--public-url URL] [--api-key KEY=BALANCE ...]
 *     [--request-delay-ms MIN-MAX] [--answer-delay-ms MIN-MAX] [--max-upload-bytes N] [--fetch-input-urls]
 *     [--account-shape restricted|withSuccess]
 */
import { startSimulator, type AccountShape, type CallbackShape, type SimulatorOptions } from './server.cjs';

const USAGE = `Usage: node dist/simulator/cli.cjs [options]
  --port N                    port (default 4010; 0 = any free port)
  --host HOST                 address to listen on (default 127.0.0.1)
  --latency-ms N              time from create to completed (default 3000)
  --rate-limit N              requests per second per key, POST and GET separately (default 10)
  --ban-seconds N             ban after exceeding the limit (default 60)
  --callback-shape SHAPE      wrapped (default) | bare | alternate
  --output-bytes N            size of each output file (default 65536)
  --omit-rate-limit-headers   send no Retry-After / X-RateLimit-* headers
  --minimal-file-headers      serve files as application/octet-stream, chunked (no Content-Length)
  --public-url URL            base of output file URLs (default: the listening address)
  --api-key KEY=BALANCE       only accept these keys (repeatable); default: any key except invalid-key, broke-key has 0 balance
  --request-delay-ms MIN-MAX  random delay before a /v1/tasks request is counted (network in; default 0)
  --answer-delay-ms MIN-MAX   random delay after it is counted, before the answer (default 0)
  --max-upload-bytes N        largest file PUT /upload stores; bigger: 413 (default: no limit)
  --fetch-input-urls          fetch tasks' input URLs on other hosts; one that fails fails the task
  --account-shape SHAPE       GET /v1/account answer: restricted (default; restricted_until, no success) | withSuccess
`;

function fail(message: string): never {
	process.stderr.write(`${message}\n\n${USAGE}`);
	process.exit(2);
}

function parseArgs(argv: string[]): SimulatorOptions {
	const options: SimulatorOptions = { port: 4010 };
	const numberArg = (flag: string, value: string | undefined): number => {
		const number = Number(value);
		if (value === undefined || value.trim() === '' || !Number.isFinite(number) || number < 0)
			fail(`${flag} needs a non-negative number`);
		return number;
	};
	const rangeArg = (flag: string, value: string | undefined): [number, number] => {
		const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(value ?? '');
		if (!match) fail(`${flag} needs milliseconds: N or MIN-MAX`);
		const min = Number(match[1]);
		const max = match[2] === undefined ? min : Number(match[2]);
		if (max < min) fail(`${flag}: MIN must not be above MAX`);
		return [min, max];
	};
	for (let index = 0; index < argv.length; index++) {
		const raw = argv[index];
		const eq = raw.indexOf('=');
		const flag = raw.startsWith('--') && eq > 0 ? raw.slice(0, eq) : raw;
		const inline = raw.startsWith('--') && eq > 0 ? raw.slice(eq + 1) : undefined;
		const next = () => inline ?? argv[++index];
		switch (flag) {
			case '--port':
				options.port = numberArg(flag, next());
				break;
			case '--host':
				options.host = next() ?? fail('--host needs a value');
				break;
			case '--latency-ms':
				options.taskLatencyMs = numberArg(flag, next());
				break;
			case '--rate-limit':
				options.rateLimit = numberArg(flag, next());
				break;
			case '--request-delay-ms':
				options.requestDelayMs = rangeArg(flag, next());
				break;
			case '--answer-delay-ms':
				options.answerDelayMs = rangeArg(flag, next());
				break;
			case '--ban-seconds':
				options.banSeconds = numberArg(flag, next());
				break;
			case '--callback-shape': {
				const shape = next();
				if (shape !== 'wrapped' && shape !== 'bare' && shape !== 'alternate')
					fail('--callback-shape must be wrapped, bare or alternate');
				options.callbackShape = shape as CallbackShape;
				break;
			}
			case '--account-shape': {
				const shape = next();
				if (shape !== 'restricted' && shape !== 'withSuccess') fail('--account-shape must be restricted or withSuccess');
				options.accountShape = shape as AccountShape;
				break;
			}
			case '--output-bytes':
				options.outputBytes = Math.floor(numberArg(flag, next()));
				break;
			case '--omit-rate-limit-headers':
				options.omitRateLimitHeaders = true;
				break;
			case '--minimal-file-headers':
				options.minimalFileHeaders = true;
				break;
			case '--max-upload-bytes':
				options.maxUploadBytes = Math.floor(numberArg(flag, next()));
				break;
			case '--fetch-input-urls':
				options.fetchInputUrls = true;
				break;
			case '--public-url':
				options.publicUrl = next() ?? fail('--public-url needs a value');
				break;
			case '--api-key': {
				const value = next() ?? fail('--api-key needs KEY=BALANCE');
				const at = value.lastIndexOf('=');
				const key = at > 0 ? value.slice(0, at) : value;
				const balance = at > 0 ? Number(value.slice(at + 1)) : 1_000_000;
				if (!key || !Number.isFinite(balance)) fail('--api-key needs KEY=BALANCE');
				options.apiKeys = { ...options.apiKeys, [key]: { balance } };
				break;
			}
			case '--help':
			case '-h':
				process.stdout.write(USAGE);
				process.exit(0);
			// eslint-disable-next-line no-fallthrough
			default:
				fail(`Unknown option ${raw}`);
		}
	}
	return options;
}

async function main() {
	const simulator = await startSimulator(parseArgs(process.argv.slice(2)));
	process.stdout.write(`Unifically simulator listening on ${simulator.url}\n`);
	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) return;
		stopping = true;
		simulator
			.close()
			.then(() => process.exit(0))
			.catch(() => process.exit(signal === 'SIGINT' ? 130 : 143));
		setTimeout(() => process.exit(0), 3000).unref();
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: Error) => {
	process.stderr.write(`Unifically simulator failed to start: ${error.message}\n`);
	process.exit(1);
});
