/** Thrown by retry loops when their AbortSignal fires (shutdown or lost leadership). */
export class AbortedError extends Error {
  override readonly name = 'AbortedError';
  constructor(message = 'aborted') {
    super(message);
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError();
}
