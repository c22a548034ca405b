import { RateLimiter } from '../../nodes/Unifically/transport/RateLimiter';
import { retryAfterMs } from '../../nodes/Unifically/transport';

const rateLimited = (headers: Record<string, string>, message = 'Too many requests') => ({
	statusCode: 429,
	headers,
	body: { success: false, code: 429, data: { message, code: 'rate_limit_exceeded' } },
});

describe('how long a 429 keeps us away', () => {
	test('Retry-After in seconds', () => {
		expect(retryAfterMs(rateLimited({ 'retry-after': '45' }))).toBe(45_250);
	});

	test('Retry-After as an HTTP date', () => {
		const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
		const ms = retryAfterMs(rateLimited({ 'retry-after': inTenSeconds }));
		expect(ms).toBeGreaterThan(8_000);
		expect(ms).toBeLessThanOrEqual(10_250);
	});

	test("no header: the seconds the documented message names", () => {
		const message = 'You have been ratelimited, this temporary restriction will be lifted in: 12 seconds';
		expect(retryAfterMs(rateLimited({}, message))).toBe(12_250);
	});

	test('neither: the documented 60 s ban', () => {
		expect(retryAfterMs(rateLimited({}))).toBe(60_000);
		expect(retryAfterMs(rateLimited({ 'retry-after': '' }))).toBe(60_000);
	});
});

describe('RateLimiter', () => {
	test('grants at most `limit` requests at once and holds each slot until a window after its answer', async () => {
		const limiter = new RateLimiter(2, 200);
		const first = await limiter.acquire();
		const second = await limiter.acquire();
		let thirdGranted = false;
		const third = limiter.acquire().then((release) => {
			thirdGranted = true;
			return release;
		});
		// Both slots are in flight: however long they take, no third request is sent.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(thirdGranted).toBe(false);
		const answeredAt = Date.now();
		first();
		second();
		// Answered now: the slots are free again only a window (200 ms) later.
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(thirdGranted).toBe(false);
		(await third)();
		expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(199);
	});

	test('a pause (a 429) holds every request back', async () => {
		const limiter = new RateLimiter(10, 100);
		limiter.pause(250);
		const startedAt = Date.now();
		(await limiter.acquire())();
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(240);
	});

	test('grants in arrival order', async () => {
		const limiter = new RateLimiter(1, 50);
		const order: number[] = [];
		await Promise.all(
			[0, 1, 2, 3].map(async (index) => {
				const release = await limiter.acquire();
				order.push(index);
				release();
			}),
		);
		expect(order).toEqual([0, 1, 2, 3]);
	});
});
