// Resident memory and CPU time of the stack's processes, from /proc/<pid>/status and /proc/<pid>/stat
// (Linux): VmRSS sampled while a phase runs, VmHWM (the kernel's own peak RSS since the process
// started), and the CPU time (user + system) each process spent during the phase. CPU time per event
// does not depend much on what else runs on the machine, unlike wall-clock rates.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface MemoryReading {
  rssBytes: number;
  peakRssBytes: number;
}

export interface ProcessUsage extends MemoryReading {
  /** CPU time (user + system) spent during the sampled period, ms. */
  cpuMs: number;
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Reads VmRSS and VmHWM of a live process; undefined when it is gone (or not on Linux). */
export function readProcessMemory(pid: number): MemoryReading | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) * 1024;
  return { rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
}

function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): [0] is state (field 3), [1] ppid.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU time (user + system, fields 14 and 15) the process has used since it started, ms. */
export function readProcessCpuMs(pid: number): number | undefined {
  const fields = statFields(pid);
  const ticks = Number(fields?.[11]) + Number(fields?.[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / clockTicks() : undefined;
}

/** readProcessCpuMs of a process that must be running (a benchmark's --storage-pid). */
export function liveProcessCpuMs(pid: number): number {
  const ms = readProcessCpuMs(pid);
  if (ms === undefined) throw new Error(`process ${pid} not found (CPU time is read from Linux /proc)`);
  return ms;
}

/** The process and all its descendants (a part may run its server in a child, as Azurite does). */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [pid];
  }
  for (const entry of entries) {
    const ppid = Number(statFields(Number(entry))?.[1]);
    if (!Number.isFinite(ppid)) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i] as number) ?? []));
  return tree;
}

interface Tracked {
  usage: ProcessUsage;
  /** CPU ms per pid at its first sample in this period (0 for a process started meanwhile). */
  cpuStart: Map<number, number>;
  cpuLast: Map<number, number>;
}

/** Keeps the highest VmRSS / VmHWM and the CPU time used per named process while running. */
export class ProcessSampler {
  private readonly tracked = new Map<string, Tracked>();
  private timer: NodeJS.Timeout | undefined;
  private first = true;

  constructor(
    private readonly pids: () => Record<string, number | undefined>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.first = false;
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  sample(): void {
    for (const [name, pid] of Object.entries(this.pids())) {
      if (pid === undefined) continue;
      let entry = this.tracked.get(name);
      if (!entry) {
        entry = { usage: { rssBytes: 0, peakRssBytes: 0, cpuMs: 0 }, cpuStart: new Map(), cpuLast: new Map() };
        this.tracked.set(name, entry);
      }
      // Memory: the biggest process of the tree (the server itself); CPU: the whole tree.
      for (const member of processTree(pid)) {
        const reading = readProcessMemory(member);
        const cpu = readProcessCpuMs(member);
        if (!reading || cpu === undefined) continue;
        if (!entry.cpuStart.has(member)) entry.cpuStart.set(member, this.first ? cpu : 0);
        entry.cpuLast.set(member, cpu);
        entry.usage.rssBytes = Math.max(entry.usage.rssBytes, reading.rssBytes);
        entry.usage.peakRssBytes = Math.max(entry.usage.peakRssBytes, reading.peakRssBytes);
      }
      let cpuMs = 0;
      for (const [p, last] of entry.cpuLast) cpuMs += last - (entry.cpuStart.get(p) ?? 0);
      entry.usage.cpuMs = cpuMs;
    }
  }

  /** Per process name: highest sampled VmRSS and VmHWM (bytes) and CPU ms used in the period. */
  stop(): Record<string, ProcessUsage> {
    clearInterval(this.timer);
    this.sample();
    return Object.fromEntries([...this.tracked].map(([name, entry]) => [name, { ...entry.usage }]));
  }
}
