// Where the WebJob resumes: the last block height whose events are ALL acknowledged (or
// dead-lettered). Stored behind an interface so the engine does not depend on Table storage.
export interface CheckpointStore {
  /** The stored height, or undefined before the first checkpoint. */
  load(): Promise<number | undefined>;
  /** Stores a new height; throws CheckpointConflictError when someone else wrote since our last read/write. */
  save(height: number): Promise<void>;
}

export class CheckpointConflictError extends Error {
  override readonly name = 'CheckpointConflictError';
}
