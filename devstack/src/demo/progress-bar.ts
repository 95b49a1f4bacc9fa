// A one-line progress bar for the load generator: redrawn in place on a terminal, a line per 10%
// otherwise (CI logs stay short).
export class ProgressBar {
  private lastDecile = -1;
  private readonly startedAt = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly out: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly unit = 'tx',
  ) {}

  update(done: number, extra = ''): void {
    const fraction = this.total === 0 ? 1 : Math.min(1, done / this.total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const seconds = (Date.now() - this.startedAt) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const line = `${this.label.padEnd(9)} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${String(done).padStart(String(this.total).length)}/${this.total} ${this.unit}  ${rate.toFixed(1)}/s${extra ? `  ${extra}` : ''}`;
    if (this.out.isTTY) {
      this.out.write(`\r\u001b[2K${line}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(`${line}\n`);
    }
  }

  finish(done: number, extra = ''): void {
    this.update(done, extra);
    if (this.out.isTTY) this.out.write('\n');
  }
}
