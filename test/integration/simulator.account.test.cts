/**
 * The simulator's account over HTTP: `GET /v1/account` (and the docs' `GET /account`) in both
 * documented shapes, the balance lowered by creates and 402 when a create cannot be paid, the
 * restriction (403 `account_restricted` on creates and dry runs), the controls (`setAccount`,
 * `account`, `/__sim/account`), its place in the GET rate budget and its injected faults.
 */
import { call, closeAll, create, expectErrorBody, freshKey, getTask, sim, sleep } from './support/simulatorClient.cjs';

afterAll(closeAll);

const readAccount = (base: string, key: string | undefined, path = '/v1/account') => call(base, 'GET', path, key);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const video = (resolution: string) => ({ model: 'test/video', input: { prompt: 'x', resolution } });
const image = { model: 'test/image', input: { prompt: 'x' } };

describe('simulator: GET /v1/account', () => {
	it('answers the documented version with restricted_until and without success by default, stable per key', async () => {
		const s = await sim({ rateLimit: 100 });
		const key = freshKey();
		const before = nowSeconds();
		const reply = await readAccount(s.url, key);
		expect(reply.status).toBe(200);
		expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
		expect(reply.headers.get('x-ratelimit-limit')).toBe('100');
		expect(reply.body).toEqual({
			code: 200,
			data: {
				user_id: expect.any(Number),
				balance_usd: 1_000_000_000,
				email: expect.stringMatching(/^[a-z0-9-]+@example\.com$/),
				created_at: expect.any(Number),
				updated_at: expect.any(Number),
				restricted_until: null,
			},
		});
		const data = reply.body.data;
		expect(Number.isInteger(data.user_id) && data.user_id > 0).toBe(true);
		expect(data.email).not.toContain(key);
		expect(data.created_at).toBeGreaterThanOrEqual(before);
		expect(data.created_at).toBeLessThanOrEqual(nowSeconds());
		expect(data.updated_at).toBe(data.created_at);

		// The same key, the same account; another key, another user.
		const again = await readAccount(s.url, key);
		expect(again.body).toEqual(reply.body);
		const other = await readAccount(s.url, freshKey());
		expect(other.body.data.user_id).not.toBe(data.user_id);
		expect(other.body.data.email).not.toBe(data.email);
		// Derived from the key alone: the same in another simulator.
		const elsewhere = await sim({ rateLimit: 100 });
		const there = await readAccount(elsewhere.url, key);
		expect([there.body.data.user_id, there.body.data.email]).toEqual([data.user_id, data.email]);

		// The docs' legacy path answers the same; other methods are refused.
		const legacy = await readAccount(s.url, key, '/account');
		expect(legacy.status).toBe(200);
		expect(legacy.body).toEqual(reply.body);
		const post = await call(s.url, 'POST', '/v1/account', key, {});
		expect(post.status).toBe(405);
		expect(post.headers.get('allow')).toBe('GET');

		const stats = s.stats();
		expect(stats.accountReads).toBe(4);
		expect(stats.byKey[key].accountReads).toBe(3);
		expect(stats.statusReads).toBe(0);
		s.resetStats();
		expect(s.stats().accountReads).toBe(0);
	});

	it('answers the other documented version ({success, code, data} without restricted_until) with accountShape withSuccess', async () => {
		const s = await sim({ rateLimit: 100, accountShape: 'withSuccess' });
		const key = freshKey();
		const reply = await readAccount(s.url, key);
		expect(reply.status).toBe(200);
		expect(reply.body).toEqual({
			success: true,
			code: 200,
			data: {
				user_id: expect.any(Number),
				balance_usd: 1_000_000_000,
				email: expect.stringMatching(/@example\.com$/),
				created_at: expect.any(Number),
				updated_at: expect.any(Number),
			},
		});
		// Not even when restricted.
		const until = nowSeconds() + 60;
		s.setAccount(key, { restrictedUntil: until });
		expect(Object.keys((await readAccount(s.url, key)).body.data)).not.toContain('restricted_until');

		// Changeable while running, programmatically and over HTTP, and checked.
		expect(s.configure({ accountShape: 'restricted' }).accountShape).toBe('restricted');
		const restricted = await readAccount(s.url, key);
		expect(restricted.body.success).toBeUndefined();
		expect(restricted.body.data.restricted_until).toBe(until);
		expect(() => s.configure({ accountShape: 'other' as never })).toThrow('accountShape must be restricted or withSuccess');
		const config = await call(s.url, 'POST', '/__sim/config', undefined, { accountShape: 'withSuccess' });
		expect(config.body.accountShape).toBe('withSuccess');
		expect((await readAccount(s.url, key)).body.success).toBe(true);
		expect((await call(s.url, 'POST', '/__sim/config', undefined, { accountShape: 'bare' })).status).toBe(400);
		// The default, when not chosen.
		expect((await sim()).config.accountShape).toBe('restricted');
	});

	it('shows the balance lowered by each created task; a create that cannot be paid gets 402 and creates nothing', async () => {
		const s = await sim({ rateLimit: 100, apiKeys: { 'paying-key': { balance: 1 } } });
		const key = 'paying-key';
		expect((await readAccount(s.url, key)).body.data.balance_usd).toBe(1);

		// Three tasks at known prices: 0.3 + 0.5 + 0.02.
		for (const body of [video('720p'), video('4k'), image]) expect((await create(s, key, body)).status).toBe(200);
		const after = await readAccount(s.url, key);
		expect(after.body.data.balance_usd).toBe(0.18);
		expect(after.body.data.updated_at).toBeGreaterThanOrEqual(after.body.data.created_at);
		expect(s.account(key)).toEqual({ balance: 0.18, restrictedUntil: null, valid: true });
		// A dry run prices without charging.
		expect((await create(s, key, { ...video('1080p'), dry_run: true })).body.data).toEqual({ cost: 0.4 });
		expect((await readAccount(s.url, key)).body.data.balance_usd).toBe(0.18);

		// 0.4 cannot be paid: 402, no task, nothing charged.
		const refused = await create(s, key, video('1080p'));
		expect(refused.status).toBe(402);
		expectErrorBody(refused.body, 402, 'insufficient_balance');
		expect(refused.body.data.message).toBe('Insufficient balance');
		expect(s.tasks.size).toBe(3);
		expect((await readAccount(s.url, key)).body.data.balance_usd).toBe(0.18);
		expect(s.stats()).toMatchObject({ creates: 3, spentUsd: 0.82 });

		// What it can pay still works; a new balance from setAccount.
		expect((await create(s, key, image)).status).toBe(200);
		expect((await readAccount(s.url, key)).body.data.balance_usd).toBe(0.16);
		expect(s.setAccount(key, { balance: 0.4 })).toEqual({ balance: 0.4, restrictedUntil: null, valid: true });
		expect((await create(s, key, video('1080p'))).status).toBe(200);
		expect((await readAccount(s.url, key)).body.data.balance_usd).toBe(0);
		expect((await create(s, key, image)).status).toBe(402);
		expect(s.tasks.size).toBe(5);
		// broke-key starts with nothing.
		const broke = await sim({ rateLimit: 100 });
		expect((await readAccount(broke.url, 'broke-key')).body.data.balance_usd).toBe(0);
	});
});

describe('simulator: account restriction', () => {
	it('refuses creates and dry runs with 403 account_restricted and Retry-After; reads still work', async () => {
		const s = await sim({ rateLimit: 100 });
		const key = freshKey();
		const created = await create(s, key, video('720p'));
		const id = created.body.data.task_id as string;
		const until = nowSeconds() + 120;
		expect(s.setAccount(key, { restrictedUntil: until })).toEqual({ balance: 1_000_000_000 - 0.3, restrictedUntil: until, valid: true });

		for (const body of [video('720p'), { ...video('720p'), dry_run: true }]) {
			const refused = await create(s, key, body);
			expect(refused.status).toBe(403);
			expectErrorBody(refused.body, 403, 'account_restricted');
			expect(refused.body.data.message).toBe(`Account restricted until ${new Date(until * 1000).toISOString()}`);
			const retryAfter = Number(refused.headers.get('retry-after'));
			expect(retryAfter).toBeGreaterThanOrEqual(118);
			expect(retryAfter).toBeLessThanOrEqual(120);
			expect(refused.headers.get('x-ratelimit-limit')).toBe('100');
		}
		expect(s.tasks.size).toBe(1);
		expect(s.stats()).toMatchObject({ creates: 1, dryRuns: 0, errors: { '403': 2 } });
		// Other keys are not restricted.
		expect((await create(s, freshKey(), image)).status).toBe(200);
		// Before any injected fault, like the key's check: a queued create fault stays queued.
		s.failNext({ endpoint: 'create', status: 503 });
		expect((await create(s, key, video('720p'))).status).toBe(403);

		// Status and account reads still work; the account shows the restriction.
		expect((await getTask(s, key, id)).status).toBe(200);
		const account = await readAccount(s.url, key);
		expect(account.status).toBe(200);
		expect(account.body.data.restricted_until).toBe(until);

		// Over HTTP: read, then lift it.
		const read = await call(s.url, 'GET', `/__sim/account?key=${encodeURIComponent(key)}`, undefined);
		expect(read.body).toEqual({ balance: 999_999_999.7, restrictedUntil: until, valid: true });
		const lifted = await call(s.url, 'POST', '/__sim/account', undefined, { key, restrictedUntil: null });
		expect(lifted.status).toBe(200);
		expect(lifted.body.restrictedUntil).toBeNull();
		expect((await create(s, key, video('720p'))).status).toBe(503); // the queued fault
		expect((await create(s, key, video('720p'))).status).toBe(200);
		expect((await readAccount(s.url, key)).body.data.restricted_until).toBeNull();

		// Restricted over HTTP as well.
		await call(s.url, 'POST', '/__sim/account', undefined, { key, restrictedUntil: until });
		expect((await create(s, key, image)).status).toBe(403);
	});

	it('ends by itself at restrictedUntil', async () => {
		const s = await sim({ rateLimit: 100 });
		const key = freshKey();
		const until = Date.now() / 1000 + 1.2;
		s.setAccount(key, { restrictedUntil: until });
		const refused = await create(s, key, image);
		expect(refused.status).toBe(403);
		expect(['1', '2']).toContain(refused.headers.get('retry-after'));
		expect((await readAccount(s.url, key)).body.data.restricted_until).toBe(Math.ceil(until));

		await sleep(Math.max(0, until * 1000 - Date.now()) + 50);
		expect((await create(s, key, image)).status).toBe(200);
		expect((await create(s, key, { ...image, dry_run: true })).status).toBe(200);
		expect((await readAccount(s.url, key)).body.data.restricted_until).toBeNull();
		expect(s.account(key).restrictedUntil).toBeNull();
	});
});

describe('simulator: account controls, authentication, rate limit and faults', () => {
	it('answers 401 for a bad, missing or invalidated key', async () => {
		const s = await sim({ rateLimit: 100 });
		for (const key of ['invalid-key', undefined]) {
			const reply = await readAccount(s.url, key);
			expect(reply.status).toBe(401);
			expectErrorBody(reply.body, 401, 'unauthorized');
		}
		const key = freshKey();
		expect(s.setAccount(key, { valid: false }).valid).toBe(false);
		expect((await readAccount(s.url, key)).status).toBe(401);
		expect((await readAccount(s.url, key, '/account')).status).toBe(401);
		expect((await create(s, key, image)).status).toBe(401);
		s.setAccount(key, { valid: true });
		expect((await readAccount(s.url, key)).status).toBe(200);
		expect(s.stats().accountReads).toBe(1);

		// With apiKeys, only those; an unknown key becomes valid when told so.
		const only = await sim({ rateLimit: 100, apiKeys: { known: { balance: 2.5 } } });
		expect((await readAccount(only.url, 'known')).body.data.balance_usd).toBe(2.5);
		expect((await readAccount(only.url, 'stranger')).status).toBe(401);
		expect(only.setAccount('newcomer', { balance: 3 })).toEqual({ balance: 3, restrictedUntil: null, valid: false });
		only.setAccount('newcomer', { valid: true });
		expect((await readAccount(only.url, 'newcomer')).body.data.balance_usd).toBe(3);
	});

	it('checks the changes', async () => {
		const s = await sim();
		const key = freshKey();
		expect(() => s.setAccount(key, { balance: Number.NaN })).toThrow('balance must be a number of USD');
		expect(() => s.setAccount(key, { restrictedUntil: -1 })).toThrow('restrictedUntil must be unix seconds');
		expect(() => s.setAccount(key, { valid: 'yes' as never })).toThrow('valid must be true or false');
		expect(() => s.setAccount(key, { restricted_until: 5 } as never)).toThrow('unknown account field restricted_until');
		expect(() => s.setAccount('', {})).toThrow('key must be a non-empty string');
		// Nothing applied by a refused change.
		expect(() => s.setAccount(key, { balance: 5, valid: 'no' as never })).toThrow();
		expect(s.account(key).balance).toBe(1_000_000_000);
		expect(s.setAccount(key, { restrictedUntil: 0 }).restrictedUntil).toBeNull();

		const noKey = await call(s.url, 'GET', '/__sim/account', undefined);
		expect(noKey.status).toBe(400);
		expect(noKey.body.data.message).toBe('key must be a non-empty string');
		expect((await call(s.url, 'POST', '/__sim/account', undefined, { key, balance: 'lots' })).status).toBe(400);
		expect((await call(s.url, 'POST', '/__sim/account', undefined, [key])).status).toBe(400);
		const set = await call(s.url, 'POST', '/__sim/account', undefined, { key, balance: 7.123456 });
		expect(set.body).toEqual({ balance: 7.1235, restrictedUntil: null, valid: true });
		expect((await readAccount(s.url, key)).body.data.balance_usd).toBe(7.1235);
		// reset() keeps the accounts.
		s.reset();
		expect(s.account(key).balance).toBe(7.1235);
	});

	it('counts account reads in the key GET rate budget, shared with status reads', async () => {
		const s = await sim({ banSeconds: 1 });
		const key = freshKey();
		const id = (await create(s, key, image)).body.data.task_id as string;
		const answers: number[] = [];
		for (let index = 0; index < 5; index++) answers.push((await getTask(s, key, id)).status);
		for (let index = 0; index < 5; index++) answers.push((await readAccount(s.url, key)).status);
		expect(answers).toEqual(Array(10).fill(200));
		const eleventh = await readAccount(s.url, key, '/account');
		expect(eleventh.status).toBe(429);
		expect(eleventh.body).toEqual({ success: false, code: 429, data: { message: expect.stringContaining('lifted in: 1 seconds'), code: 'rate_limit_exceeded' } });
		expect(eleventh.headers.get('retry-after')).toBe('1');
		// Banned: status reads too; creates have their own budget.
		expect((await getTask(s, key, id)).status).toBe(429);
		expect((await create(s, key, { ...image, dry_run: true })).status).toBe(200);
		const stats = s.stats().byKey[key];
		expect(stats).toMatchObject({ accountReads: 5, statusReads: 5, rateLimited: 2, peakStatusReadsPerSecond: 10 });

		await sleep(1100);
		expect((await readAccount(s.url, key)).status).toBe(200);
	});

	it('fails account reads on injected faults of the account endpoint only', async () => {
		const s = await sim({ rateLimit: 100 });
		const key = freshKey();
		const id = (await create(s, key, image)).body.data.task_id as string;

		s.failNext({ endpoint: 'account', status: 503 });
		expect((await getTask(s, key, id)).status).toBe(200);
		const failed = await readAccount(s.url, key);
		expect(failed.status).toBe(503);
		expectErrorBody(failed.body, 503, 'service_unavailable');
		expect((await readAccount(s.url, key)).status).toBe(200);

		s.failNext({ endpoint: 'status', status: 500 });
		expect((await readAccount(s.url, key)).status).toBe(200);
		expect((await getTask(s, key, id)).status).toBe(500);

		// Over HTTP: a gateway page, a dropped connection, a 429; then a standing fault.
		const control = await call(s.url, 'POST', '/__sim/fail', undefined, [
			{ endpoint: 'account', status: 502, body: '<html>Bad Gateway</html>' },
			{ endpoint: 'account', status: 0 },
			{ endpoint: 'account', status: 429, retryAfterSeconds: 2 },
		]);
		expect(control.status).toBe(200);
		const gateway = await readAccount(s.url, key);
		expect([gateway.status, gateway.body]).toEqual([502, '<html>Bad Gateway</html>']);
		await expect(readAccount(s.url, key)).rejects.toThrow();
		const limited = await readAccount(s.url, key, '/account');
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('2');
		expect((await readAccount(s.url, key)).status).toBe(200);

		s.configure({ faults: [{ endpoint: 'account', rate: 1, status: 500, count: 2 }] });
		expect(s.config.faults).toEqual([{ endpoint: 'account', rate: 1, status: 500, count: 2 }]);
		expect((await readAccount(s.url, key)).status).toBe(500);
		expect((await readAccount(s.url, key)).status).toBe(500);
		expect((await readAccount(s.url, key)).status).toBe(200);

		// Faulted reads still count as account reads (as status reads do).
		expect(s.stats().accountReads).toBe(10);
	});
});
