// Resident memory of the stack's processes, from /proc/<pid>/status (Linux): VmRSS sampled while a
// phase runs, and VmHWM (the kernel's own peak RSS since the process started) read before it stops.
import { readFileSync } from 'node:fs';

export interface MemoryReading {
  rssBytes: number;
  peakRssBytes: number;
}

/** Reads VmRSS and VmHWM of a live process; undefined when it is gone (or not on Linux). */
export function readProcessMemory(pid: number): MemoryReading | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

/** Keeps the highest VmRSS / VmHWM seen per named process while running. */
export class MemorySampler {
  private readonly peaks = new Map<string, MemoryReading>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pids: () => Record<string, number | undefined>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids())) {
      if (pid === undefined) continue;
      const reading = readProcessMemory(pid);
      if (!reading) continue;
      const seen = this.peaks.get(name);
      this.peaks.set(name, {
        rssBytes: Math.max(seen?.rssBytes ?? 0, reading.rssBytes),
        peakRssBytes: Math.max(seen?.peakRssBytes ?? 0, reading.peakRssBytes),
      });
    }
  }

  /** Highest sampled VmRSS and VmHWM per process name, in bytes. */
  stop(): Record<string, MemoryReading> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries(this.peaks);
  }
}
