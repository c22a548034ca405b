import { retryAfterMs } from '../../nodes/shared/transport/index';

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

// The rate limiter itself: test/unit/rateLimiter.test.cts.
