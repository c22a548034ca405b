/**
 * The README's start command, as a newcomer runs it: a fresh `git clone` of this repository (its
 * committed HEAD), `npm start`, wait for "Ready.", log in as the owner it prints, run an example
 * through n8n's REST API (as the editor's "Execute workflow" does) and check its output, then Ctrl-C
 * (SIGINT to the terminal's process group) and check that nothing it started is left running.
 *
 * Two things are reused instead of downloaded again, to keep CI within its time:
 *  - n8n itself: N8N_CACHE_DIR points at this checkout's `.cache/n8n` (what `scripts/ensure-n8n.sh`
 *    installs; demo.sh and ensure-n8n.sh honour it), instead of a second ~2.5 GB install;
 *  - node_modules: a symlink to this checkout's (an `npm ci` costs minutes). demo.sh's own install
 *    step is therefore skipped here; everything after it (build, pack, install into n8n, import,
 *    publish, start, guide, stop) runs as on a fresh clone, including an empty `.demo/`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { N8N_DIR, ROOT, StopWaiting, ensureN8n, freePort, n8nInstalled, nodeItems, run, waitFor, type RunData } from '../../harness/n8n/index.cjs';

const START_TIMEOUT = 15 * 60_000; // build + pack + 3 n8n CLI commands + n8n start, on 2 busy cores
const KEEP = process.env.E2E_KEEP === '1';

/** The processes (pid → command line) that belong to the clone: cwd, command line or environment in it. */
function processesOf(dir: string): Map<number, string> {
	const found = new Map<number, string>();
	if (!fs.existsSync('/proc')) {
		// macOS and other systems without /proc: the command lines `ps` shows.
		for (const line of spawnSync('ps', ['-axo', 'pid=,command='], { encoding: 'utf8' }).stdout.split('\n')) {
			const match = /^\s*(\d+)\s+(.*)$/.exec(line);
			if (match && Number(match[1]) !== process.pid && match[2].includes(dir)) found.set(Number(match[1]), match[2]);
		}
		return found;
	}
	for (const entry of fs.readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || pid === process.pid) continue;
		try {
			const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
			if (!cmdline) continue; // a zombie or a kernel thread
			let cwd = '';
			try {
				cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
			} catch {
				/* gone */
			}
			let environ = '';
			try {
				environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8');
			} catch {
				/* not ours to read */
			}
			if (cwd.startsWith(dir) || cmdline.includes(dir) || environ.includes(dir)) found.set(pid, cmdline);
		} catch {
			/* the process ended while we looked */
		}
	}
	return found;
}

/** The promise's value, or undefined after `ms` (the timer is cleared: it keeps Jest from exiting otherwise). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
	try {
		return await Promise.race([promise, timeout]);
	} finally {
		clearTimeout(timer);
	}
}

function portAnswers(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

describe('npm start on a fresh clone (README)', () => {
	let tmp: string;
	let clone: string;
	let head: string;
	let demoPort: number;
	let simPort: number;
	let child: ChildProcess | undefined;
	let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	let output = '';
	let started = 0;
	const timings: Record<string, number> = {};

	const show = (): string => (output.length > 6000 ? '…' + output.slice(-6000) : output);

	beforeAll(async () => {
		if (!n8nInstalled()) await ensureN8n();
		tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'unifically-fresh-clone-'));
		clone = path.join(tmp, 'n8n-nodes-unifically');
		head = (await run('git', ['rev-parse', 'HEAD'])).stdout.trim();
		const cloned = await run('git', ['clone', '--quiet', '--no-checkout', ROOT, clone]);
		expect(cloned.code).toBe(0);
		const checkout = await run('git', ['-C', clone, 'checkout', '--quiet', '--detach', head]);
		expect(checkout.code).toBe(0);
		// The one shortcut (see the top of the file): node_modules of this checkout.
		fs.symlinkSync(fs.realpathSync(path.join(ROOT, 'node_modules')), path.join(clone, 'node_modules'));
		demoPort = await freePort();
		simPort = await freePort();
	}, 5 * 60_000);

	afterAll(async () => {
		if (child && child.exitCode === null && child.signalCode === null) {
			try {
				process.kill(-child.pid!, 'SIGINT');
			} catch {
				/* gone */
			}
			await within(exited, 45_000);
		}
		// Whatever is still there after a failed test goes, so that it does not hold ports or files.
		if (clone) for (const pid of processesOf(clone).keys()) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
		if (tmp && !KEEP) fs.rmSync(tmp, { recursive: true, force: true });
		if (KEEP) process.stderr.write(`[e2e] kept the clone in ${clone}\n`);
		process.stderr.write(`[e2e] fresh clone: ${JSON.stringify(timings)}\n`);
	}, 120_000);

	test('the clone is the committed HEAD, without an install of its own', () => {
		expect((fs.readFileSync(path.join(clone, '.git/HEAD'), 'utf8')).trim()).toBe(head);
		for (const ignored of ['.demo', 'dist', '.cache']) expect(fs.existsSync(path.join(clone, ignored))).toBe(false);
	});

	test('`npm start` gets to "Ready." and prints the owner and the examples it imported', async () => {
		started = Date.now();
		const env: NodeJS.ProcessEnv = { ...process.env, DEMO_PORT: String(demoPort), SIM_PORT: String(simPort), N8N_CACHE_DIR: N8N_DIR };
		// Its own process group, as a terminal gives a command: Ctrl-C is a SIGINT to that group.
		child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
		exited = new Promise((resolve) => child!.on('exit', (code, signal) => resolve({ code, signal })));

		await waitFor(
			'"Ready." from npm start',
			() => {
				if (child!.exitCode !== null || child!.signalCode !== null) throw new StopWaiting(`npm start exited (${child!.exitCode ?? child!.signalCode}) before "Ready.":\n${show()}`);
				return /^Ready\./m.test(output);
			},
			{ timeoutMs: START_TIMEOUT, intervalMs: 1000 },
		).catch((error: Error) => {
			throw new Error(`${error.message}\n--- npm start printed ---\n${show()}`);
		});
		timings.readySeconds = Math.round((Date.now() - started) / 1000);
		// Let the guide be printed to its end.
		await waitFor('the end of the guide', () => output.includes('Press Ctrl-C'), { timeoutMs: 10_000 });

		expect(output).toContain(`Open http://localhost:${demoPort} in your browser.`);
		expect(output).toMatch(/Log in as \S+@\S+ \/ password \S+/);
		// The guide lists exactly the examples that were imported, by name.
		const names = fs
			.readdirSync(path.join(clone, 'examples'))
			.filter((file) => file.endsWith('.json'))
			.map((file) => (JSON.parse(fs.readFileSync(path.join(clone, 'examples', file), 'utf8')) as { name: string }).name);
		expect(output).toMatch(new RegExp(`imported ${names.length} example workflows`));
		expect(output).toContain(`you find the ${names.length} example workflows`);
		for (const name of names) expect(output).toContain(name.replace('Unifically example: ', ''));
		expect(output).not.toMatch(/\bfour example workflows\b/);
		expect(output).not.toMatch(/^demo: /m);
	}, START_TIMEOUT);

	test('the printed owner logs in, and "generate a video" runs through the REST API with its MP4', async () => {
		expect(child?.exitCode).toBeNull();
		const [, email, password] = /Log in as (\S+@\S+) \/ password (\S+)/.exec(output)!;
		const base = `http://127.0.0.1:${demoPort}`;
		const login = await fetch(`${base}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: email, password }),
		});
		expect(login.status).toBe(200);
		const cookie = login.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
		const rest = async <T,>(method: string, route: string, body?: unknown): Promise<T> => {
			const response = await fetch(`${base}${route}`, {
				method,
				headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text.slice(0, 500)}`);
			return (JSON.parse(text) as { data: T }).data;
		};

		const workflows = await rest<Array<{ id: string; name: string }>>('GET', '/rest/workflows');
		// By its exact name: other examples start with the same words ("generate a video and upload it to S3").
		const videoName = (JSON.parse(fs.readFileSync(path.join(clone, 'examples/generate-video.json'), 'utf8')) as { name: string }).name;
		const video = workflows.find((workflow) => workflow.name === videoName);
		expect(video).toBeDefined();
		expect(workflows.filter((workflow) => workflow.name.startsWith('Unifically example:'))).toHaveLength(
			fs.readdirSync(path.join(clone, 'examples')).filter((file) => file.endsWith('.json')).length,
		);

		// What the editor's "Execute workflow" sends (n8n 2.41: POST /rest/workflows/:id/run).
		const runStarted = Date.now();
		const { executionId } = await rest<{ executionId: string }>('POST', `/rest/workflows/${video!.id}/run`, {
			triggerToStartFrom: { name: 'Run the example' },
		});
		expect(executionId).toBeDefined();
		const execution = await waitFor(
			`execution ${executionId} to finish`,
			async () => {
				const found = await rest<{ status: string; finished: boolean; data: unknown }>('GET', `/rest/executions/${executionId}`);
				return ['new', 'running', 'waiting'].includes(found.status) ? undefined : found;
			},
			{ timeoutMs: 120_000, intervalMs: 500 },
		);
		timings.runSeconds = Math.round((Date.now() - runStarted) / 1000);
		expect(execution.status).toBe('success');
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const flatted = require(path.join(N8N_DIR, 'node_modules/flatted')) as { parse: (text: string) => unknown };
		const data = (typeof execution.data === 'string' ? flatted.parse(execution.data) : execution.data) as RunData['data'];
		const [item, ...rest2] = nodeItems({ data }, 'Generate Video');
		expect(rest2).toHaveLength(0);
		expect(item.json).toMatchObject({ status: 'completed', model: 'google/veo-3.1-fast' });
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: expect.stringMatching(/\.mp4$/) });
	}, 4 * 60_000);

	test('Ctrl-C stops everything it started: no n8n, no simulator, both ports free', async () => {
		const ours = processesOf(clone);
		const commands = [...ours.values()];
		// The detection sees what runs (so that "nothing left" below means something).
		expect(commands.some((command) => /\bn8n start\b/.test(command))).toBe(true);
		expect(commands.some((command) => command.includes('simulator/cli.cjs'))).toBe(true);
		expect(await portAnswers(demoPort)).toBe(true);
		expect(await portAnswers(simPort)).toBe(true);

		const stopping = Date.now();
		process.kill(-child!.pid!, 'SIGINT'); // what the terminal does on Ctrl-C
		const result = await within(exited, 90_000);
		timings.stopSeconds = Math.round((Date.now() - stopping) / 1000);
		expect(result).toBeDefined();
		expect(output).toMatch(/stopped n8n and the simulator/);

		const left = await waitFor('the processes of the clone to be gone', () => {
			const now = processesOf(clone);
			return now.size === 0 ? now : undefined;
		}, { timeoutMs: 10_000 }).catch(() => processesOf(clone));
		expect([...left.values()]).toEqual([]);
		expect(await portAnswers(demoPort)).toBe(false);
		expect(await portAnswers(simPort)).toBe(false);
	}, 3 * 60_000);
});
