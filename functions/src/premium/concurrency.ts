/** Maps with at most `limit` calls in flight; results keep the input order. */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Too many lost optimistic-concurrency races in a row: the caller should retry later (503). */
export class ContentionError extends Error {
  constructor(what: string) {
    super(`gave up after repeated concurrent updates of ${what}`);
    this.name = 'ContentionError';
  }
}
