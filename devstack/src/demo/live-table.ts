// The demo's live terminal table: a row per premium change, and (on a terminal) a spinner line
// saying what it is waiting for, replaced by the row once the premium arrives.
import { color, visibleLength } from '../stack/status-screen';

export interface PremiumRow {
  vehicle: string;
  driver: string;
  event: string;
  before: string;
  after: string;
  factors: string;
}

const COLUMNS: Array<[keyof PremiumRow, string, number]> = [
  ['vehicle', 'vehicle', 24],
  ['driver', 'driver', 8],
  ['event', 'event', 15],
  ['before', 'old premium/yr', 15],
  ['after', 'new premium/yr', 15],
  ['factors', 'factors that moved it', 0],
];

function cell(text: string, width: number): string {
  if (width === 0) return text;
  const shown = visibleLength(text) > width ? `${text.slice(0, width - 1)}…` : text;
  return shown + ' '.repeat(Math.max(0, width - visibleLength(shown)));
}

export function renderRow(row: PremiumRow): string {
  return COLUMNS.map(([key, , width]) => cell(row[key], width)).join(' ');
}

export function renderHeader(): string {
  return color.bold(COLUMNS.map(([, title, width]) => cell(title, width)).join(' '));
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class LiveTable {
  private spinnerTimer: NodeJS.Timeout | undefined;
  private waitingText = '';
  private frame = 0;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.tty = out.isTTY === true;
  }

  header(): void {
    this.print(renderHeader());
  }

  note(text: string): void {
    this.print(color.dim(text));
  }

  row(row: PremiumRow): void {
    this.print(renderRow(row));
  }

  /** Shows what the demo waits for (a spinner on a terminal; one dim line otherwise). */
  waiting(text: string): void {
    this.waitingText = text;
    if (!this.tty) return;
    if (!this.spinnerTimer) {
      this.spinnerTimer = setInterval(() => this.drawSpinner(), 100);
      this.spinnerTimer.unref();
    }
    this.drawSpinner();
  }

  done(): void {
    this.clearSpinner();
    clearInterval(this.spinnerTimer);
    this.spinnerTimer = undefined;
  }

  private drawSpinner(): void {
    this.frame = (this.frame + 1) % SPINNER.length;
    this.out.write(`\r\u001b[2K${color.cyan(SPINNER[this.frame]!)} ${color.dim(this.waitingText)}`);
  }

  private clearSpinner(): void {
    if (this.tty && this.spinnerTimer) this.out.write('\r\u001b[2K');
  }

  private print(line: string): void {
    this.clearSpinner();
    this.out.write(`${line}\n`);
    if (this.tty && this.spinnerTimer) this.drawSpinner();
  }
}
