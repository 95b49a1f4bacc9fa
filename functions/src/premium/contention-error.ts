/** Too many lost optimistic-concurrency races in a row: the caller should retry later (503). */
export class ContentionError extends Error {
  constructor(what: string) {
    super(`gave up after repeated concurrent updates of ${what}`);
    this.name = 'ContentionError';
  }
}
