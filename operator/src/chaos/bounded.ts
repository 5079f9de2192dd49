/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * result (a tiny worker loop: p-limit would be a dependency for ten lines). `fn` must not throw
 * (a rejection rejects the whole call, as Promise.all).
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  return results;
}
