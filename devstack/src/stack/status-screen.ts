// The one-screen status printed once the stack is healthy (pure: description and WebJob health in,
// text out; readWebJobHealth is the one I/O helper, run by the caller).
import path from 'node:path';
import type { StackDescription } from './stack-file';
import type { PartStatus } from './supervisor';

export const color = {
  enabled: process.stdout.isTTY === true && !process.env.NO_COLOR,
  wrap(code: number, text: string): string {
    return this.enabled ? `\u001b[${code}m${text}\u001b[0m` : text;
  },
  bold(text: string): string {
    return this.wrap(1, text);
  },
  dim(text: string): string {
    return this.wrap(2, text);
  },
  green(text: string): string {
    return this.wrap(32, text);
  },
  red(text: string): string {
    return this.wrap(31, text);
  },
  yellow(text: string): string {
    return this.wrap(33, text);
  },
  cyan(text: string): string {
    return this.wrap(36, text);
  },
};

function relative(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel || '.';
}

/** What the status screen shows of the WebJob's /healthz body: its verdict, the oldest pending event, the dead letters. */
export interface WebJobHealth {
  status: string;
  reasons: string[];
  oldestPendingEventAgeSeconds: number;
  /** Dead letters in the queue by kind; null until the WebJob has counted them. */
  deadLetters: Record<string, number> | null;
}

/** GET /healthz (200 healthy, 503 degraded: both carry the body); undefined when it does not answer. */
export async function readWebJobHealth(healthUrl: string): Promise<WebJobHealth | undefined> {
  try {
    const response = await fetch(healthUrl, { signal: AbortSignal.timeout(2_000) });
    const body = (await response.json()) as Partial<WebJobHealth>;
    return {
      status: body.status ?? 'unknown',
      reasons: body.reasons ?? [],
      oldestPendingEventAgeSeconds: body.oldestPendingEventAgeSeconds ?? 0,
      deadLetters: body.deadLetters ?? null,
    };
  } catch {
    return undefined;
  }
}

function webjobHealthLine(health: WebJobHealth | undefined): string {
  if (!health) return color.dim('not answering');
  const verdict = health.status === 'healthy' ? color.green(health.status) : color.yellow(health.status);
  const letters =
    health.deadLetters === null
      ? 'not counted yet'
      : Object.entries(health.deadLetters)
          .filter(([, n]) => n > 0)
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ') || 'none';
  const reasons = health.reasons.length > 0 ? color.yellow(`  (${health.reasons.join('; ')})`) : '';
  return `${verdict} · oldest pending event ${Math.round(health.oldestPendingEventAgeSeconds)} s · dead letters: ${letters}${reasons}`;
}

export function renderStatusScreen(
  stack: StackDescription,
  parts: readonly PartStatus[],
  webjobHealth?: WebJobHealth,
): string {
  const state = (name: string): string => {
    const part = parts.find((p) => p.name === name);
    if (!part) return color.dim('external');
    const text =
      part.state === 'healthy'
        ? color.green('healthy')
        : part.state === 'crashed'
          ? color.red(part.state)
          : color.yellow(part.state);
    return `${text}${part.restarts ? color.dim(` (${part.restarts} restarts)`) : ''}`;
  };
  const pid = (value: number | null): string => (value === null ? '-' : String(value));
  const rows: Array<[string, string, string, string]> = [
    [
      'azurite',
      state('azurite'),
      pid(stack.storage.pid),
      stack.storage.managedBy === 'stack' ? tableEndpoint(stack.storage.connectionString) : 'STORAGE_CONNECTION_STRING',
    ],
    ['ledger', state('ledger'), pid(stack.ledger.pid), `${stack.ledger.apiUrl}  ${stack.ledger.streamUrl}`],
    [
      'function-app',
      state('function-app'),
      pid(stack.functionApp.pid),
      `${stack.functionApp.baseUrl}  (${stack.functionApp.host})`,
    ],
    ['webjob', state('webjob'), pid(stack.webjob.pid), `${stack.webjob.healthUrl}  ${stack.webjob.metricsUrl}`],
    ...(stack.functionApp.consoleUrl
      ? [
          [
            'console',
            state('function-app'),
            pid(stack.functionApp.pid),
            `${stack.functionApp.consoleUrl}  (dev sign-in)`,
          ] as [string, string, string, string],
        ]
      : []),
  ];
  const widths = [12, 9, 7];
  const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(1, width - visibleLength(text)));
  const lines = [
    '',
    color.bold(`lease-premium local stack: running`) +
      color.dim(
        `  (${stack.storageMode === 'persistent' ? `state kept in ${relative(stack.stateDir)}` : 'in memory: nothing survives Ctrl-C'})`,
      ),
    '',
    color.dim(`  ${pad('part', widths[0]! + 2)}${pad('state', widths[1]! + 2)}${pad('pid', widths[2]! + 2)}urls`),
    ...rows.map(
      ([name, st, p, urls]) =>
        `  ${pad(name, widths[0]! + 2)}${pad(st, widths[1]! + 2)}${pad(p, widths[2]! + 2)}${urls}`,
    ),
    '',
    `  webjob health  ${webjobHealthLine(webjobHealth)}`,
    `  function key   ${stack.functionApp.functionKey}`,
    `  stack file     ${relative(path.join(stack.stateDir, 'stack.json'))}   logs ${relative(stack.logDir)}/<part>.log`,
    '',
    color.dim('  try:'),
    `    curl -s ${stack.functionApp.healthUrl}`,
    `    curl -s -H "x-functions-key: ${stack.functionApp.functionKey}" "${stack.functionApp.baseUrl}/premiums?needsReview=true"`,
    `    curl -s ${stack.webjob.healthUrl}   ${color.dim('(503 with "degraded" and its reasons when the checkpoint is held back)')}`,
    `    curl -s ${stack.webjob.metricsUrl}`,
    '',
    color.dim('  Ctrl-C stops everything cleanly (WebJob checkpoint stored, data kept).'),
    '',
  ];
  return lines.join('\n');
}

function tableEndpoint(connectionString: string): string {
  return /TableEndpoint=([^;]+)/.exec(connectionString)?.[1] ?? 'Azurite';
}

/** Length without ANSI colour codes, for column alignment. */
export function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
