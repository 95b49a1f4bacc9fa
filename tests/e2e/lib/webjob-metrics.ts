// Reads the WebJob's Prometheus /metrics: a metric's value summed over its labels, optionally
// only the samples whose labels contain `labelFilter` (e.g. 'outcome="duplicate"').
import { setTimeout as sleep } from 'node:timers/promises';

export async function metric(metricsUrl: string, name: string, labelFilter?: string): Promise<number> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-z_]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (labelFilter && !(match[2] ?? '').includes(labelFilter)) continue;
    sum += Number(match[3]);
  }
  return sum;
}

/** Polls until the metric satisfies `done` (bounded); returns its last value. */
export async function waitForMetric(
  metricsUrl: string,
  name: string,
  done: (value: number) => boolean,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await metric(metricsUrl, name).catch(() => Number.NaN);
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${name} is ${value} after ${timeoutMs} ms`);
    await sleep(200);
  }
}
