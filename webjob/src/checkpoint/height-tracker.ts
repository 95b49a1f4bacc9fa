// Knows which heights are fully settled: a height counts once every event (or dead letter) it
// produced is acknowledged AND every lower height is settled. That is the checkpoint rule.
interface OpenHeight {
  height: number;
  outstanding: number;
  /** When the height was first known to exist (for lag in seconds). */
  since: number;
}

export class HeightTracker {
  private readonly open: OpenHeight[] = [];
  private head = 0;
  private readonly byHeight = new Map<number, OpenHeight>();
  private completed: number;

  constructor(startHeight: number) {
    this.completed = startHeight - 1;
  }

  /** Last height with everything settled (the value to checkpoint). */
  get completedHeight(): number {
    return this.completed;
  }

  /** When the lowest unsettled height was first known to exist; undefined when all are settled. */
  get oldestOpenSince(): number | undefined {
    return this.open[this.head]?.since;
  }

  /** Registers height `h` (heights must be opened in increasing order) with `items` to settle. */
  openHeight(height: number, items: number, since: number = Date.now()): void {
    const last = this.open.length > this.head ? this.open[this.open.length - 1]!.height : this.completed;
    if (height <= last) throw new Error(`height ${height} opened out of order (after ${last})`);
    const entry = { height, outstanding: items, since };
    this.open.push(entry);
    this.byHeight.set(height, entry);
    this.advance();
  }

  /** One item of `height` is settled (acknowledged, or stored as a dead letter). */
  settle(height: number, items = 1): void {
    const entry = this.byHeight.get(height);
    if (!entry) throw new Error(`height ${height} is not open`);
    entry.outstanding -= items;
    if (entry.outstanding < 0) throw new Error(`height ${height} settled more items than it opened`);
    this.advance();
  }

  private advance(): void {
    while (this.head < this.open.length && this.open[this.head]!.outstanding === 0) {
      const done = this.open[this.head]!;
      this.byHeight.delete(done.height);
      this.completed = done.height;
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.open.length) {
      this.open.splice(0, this.head);
      this.head = 0;
    }
  }
}
