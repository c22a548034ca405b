/** Runs `work` over `values` with at most `limit` at a time, keeping order. */
export async function mapWithConcurrency<T, R>(
	values: T[],
	limit: number,
	work: (value: T, index: number) => Promise<R>,
): Promise<R[]> {
	const results = new Array<R>(values.length);
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, values.length) }, async () => {
		while (next < values.length) {
			const index = next++;
			results[index] = await work(values[index], index);
		}
	});
	await Promise.all(workers);
	return results;
}
