// CPU time of another process (Azurite, for the storage share of a bench), read from Linux /proc.
import { readFileSync } from 'node:fs';

/** user + system CPU of a process in ms, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from the 3rd on
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
