// The console's budget, measured: JavaScript on first load (gzipped) and the time headless
// Chromium takes from navigation to a rendered review queue of 1,000 items and a car with 500
// history points. The built console (console/dist) is served and its gateway answered by
// Playwright's request interception, so the figures are the browser's work alone.
//   node devstack/dist/bench/console-bench.js [--runs 5]
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page, Route } from 'playwright-core';
import { launchChromium } from '../browser/chromium';

const DIST = path.resolve(__dirname, '..', '..', '..', 'console', 'dist');
const ORIGIN = 'http://console.bench.invalid';
const PAGE_URL = `${ORIGIN}/api/console/`;
export const BUDGET = { firstLoadJsGzipKb: 150, renderMs: 1_000 } as const;

const hex = (n: number, width = 64): string => n.toString(16).padStart(width, '0');
const KEY = 'E7pZpQ9rbVMNhpWbgfCqrw2Z6uYJX2nA5xm6VqzcTj7k';

/** The JavaScript a first visit downloads: the entry script and what it preloads. */
export function firstLoadJavaScript(dist: string): { files: string[]; rawBytes: number; gzipBytes: number } {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="\.?\/?([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(path.join(dist, file));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, rawBytes, gzipBytes };
}

function reviewItems(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    reviewId: `r${i}`,
    assetId: hex(i + 1),
    historyRowKey: `h~${String(i).padStart(12, '0')}`,
    transactionId: hex(1_000_000 + i),
    kind: 'premium',
    reasons: [
      {
        code: i % 3 === 0 ? 'HIGH_RISK_DRIVER' : 'HIGH_VALUE_VEHICLE',
        message: 'premium above the referral threshold',
      },
    ],
    status: 'open',
    annualPremium: { amount: (1200 + (i % 900)).toFixed(2), currency: 'USD' },
    driverKeys: [KEY],
    recordedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
  }));
}

function historyRecords(assetId: string, count: number) {
  return Array.from({ length: count }, (_, i) => ({
    recordId: `h~${String(i).padStart(12, '0')}`,
    kind: i === 0 ? 'registration' : i % 5 === 0 ? 're-rate' : 'premium',
    assetId,
    transactionId: hex(2_000_000 + i),
    blockHeight: 100 + i,
    indexInBlock: 0,
    eventTime: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
    ...(i % 5 === 0 ? {} : { leaseAction: 'lease-start' }),
    stale: false,
    driverKeys: i === 0 ? [] : [KEY],
    needsReview: false,
    reviewReasons: [],
    ...(i === 0
      ? {}
      : {
          annualPremiumMinor: 100_000 + ((i * 7919) % 80_000),
          currency: 'USD',
          ...(i % 5 === 0 ? { cause: { driverKey: KEY, revision: i, change: 'claim-added' } } : {}),
        }),
    recordedAt: new Date(Date.UTC(2020, 0, 1) + i * 86_400_000).toISOString(),
  }));
}

const CAR = hex(42);
const API: Record<string, unknown> = {
  session: {
    signedIn: true,
    principal: { name: 'bench underwriter', roles: ['underwriter'], via: 'dev-sign-in' },
    signIn: { kind: 'dev-sign-in' },
    roles: ['viewer', 'underwriter'],
  },
  'openapi.json': { paths: { '/reviews': {} } },
  reviews: { items: reviewItems(1_000) },
  [`vehicles/${CAR}/premium`]: {
    assetId: CAR,
    status: 'active',
    transactionId: hex(2_000_499),
    blockHeight: 599,
    indexInBlock: 0,
    eventTime: '2021-05-15T00:00:00.000Z',
    holderKeys: [KEY],
    driverKeys: [KEY],
    needsReview: false,
    reviewReasons: [],
    annualPremiumMinor: 150_000,
    currency: 'USD',
    recordId: 'h~499',
    updatedAt: '2021-05-15T00:00:00.000Z',
  },
  [`vehicles/${CAR}/premiums`]: { items: historyRecords(CAR, 500) },
};

async function serve(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  if (url.pathname.startsWith('/api/console-api/')) {
    const body = API[url.pathname.slice('/api/console-api/'.length)];
    await route.fulfill(
      body === undefined
        ? { status: 404, body: '{}' }
        : { status: 200, contentType: 'application/json', body: JSON.stringify(body) },
    );
    return;
  }
  if (url.pathname.startsWith('/api/console/')) {
    const file = url.pathname.slice('/api/console/'.length) || 'index.html';
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : 'text/html';
    await route.fulfill({ status: 200, contentType: type, body: readFileSync(path.join(DIST, file)) });
    return;
  }
  await route.fulfill({ status: 404, body: '' });
}

/** Milliseconds from navigation to `count` elements matching `selector` (and, if given, `extra`). */
async function timeToRender(
  page: Page,
  hash: string,
  selector: string,
  count: number,
  extra?: string,
): Promise<number> {
  await page.goto('about:blank');
  const started = Date.now();
  await page.goto(`${PAGE_URL}${hash}`);
  const ready = `document.querySelectorAll(${JSON.stringify(selector)}).length >= ${count}${extra ? ` && document.querySelector(${JSON.stringify(extra)}) !== null` : ''}`;
  await page.waitForFunction(ready, undefined, { timeout: 30_000, polling: 'raf' });
  return Date.now() - started;
}

/**
 * Milliseconds from an in-app navigation (hash change, page already loaded) to the same condition,
 * timed by the page's own clock: the console's fetch-and-render work without the page load.
 */
async function timeInApp(page: Page, hash: string, selector: string, count: number, extra?: string): Promise<number> {
  await page.goto(`${PAGE_URL}#/bench-start`);
  await page.waitForFunction(`document.querySelector('h1')?.textContent === 'Not found'`, undefined, {
    timeout: 30_000,
  });
  const ready = `document.querySelectorAll(${JSON.stringify(selector)}).length >= ${count}${extra ? ` && document.querySelector(${JSON.stringify(extra)}) !== null` : ''}`;
  return page.evaluate<number>(
    `new Promise((resolve) => { const t0 = performance.now(); location.hash = ${JSON.stringify(hash)}; const check = () => (${ready}) ? resolve(Math.round(performance.now() - t0)) : requestAnimationFrame(check); requestAnimationFrame(check); })`,
  );
}

function summary(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
  const js = firstLoadJavaScript(DIST);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    await context.route(`${ORIGIN}/**`, serve);
    const page = await context.newPage();
    const queue: number[] = [];
    const car: number[] = [];
    const queueInApp: number[] = [];
    const carInApp: number[] = [];
    const QUEUE = ['#/reviews', '[data-testid="review-row"]', 1_000] as const;
    const HISTORY = [
      `#/cars/${CAR}`,
      '[data-testid="timeline-row"]',
      500,
      '[data-testid="premium-chart"] canvas',
    ] as const;
    for (let run = 0; run < runs; run++) {
      queue.push(await timeToRender(page, ...QUEUE));
      car.push(await timeToRender(page, ...HISTORY));
      queueInApp.push(await timeInApp(page, ...QUEUE));
      carInApp.push(await timeInApp(page, ...HISTORY));
    }
    const results = {
      firstLoadJsGzipKb: Math.round((js.gzipBytes / 1024) * 10) / 10,
      firstLoadJsRawKb: Math.round((js.rawBytes / 1024) * 10) / 10,
      files: js.files,
      reviewQueue1000Ms: summary(queue),
      car500HistoryMs: summary(car),
      reviewQueue1000InAppMs: summary(queueInApp),
      car500HistoryInAppMs: summary(carInApp),
      runs,
      loadAverage: os.loadavg()[0] ?? 0,
    };
    const line = (label: string, value: string, ok: boolean): void =>
      console.log(`${label.padEnd(44)} ${value.padEnd(30)} ${ok ? 'within budget' : 'OVER BUDGET'}`);
    line(
      'first-load JavaScript (gzip -9)',
      `${results.firstLoadJsGzipKb} KB (raw ${results.firstLoadJsRawKb} KB)`,
      results.firstLoadJsGzipKb <= BUDGET.firstLoadJsGzipKb,
    );
    const ms = (s: { median: number; min: number; max: number }): string => `${s.median} ms (${s.min}–${s.max})`;
    line(
      'review queue, 1,000 items: load to rendered',
      ms(results.reviewQueue1000Ms),
      results.reviewQueue1000Ms.median < BUDGET.renderMs,
    );
    line(
      'car, 500 history points: load to chart + table',
      ms(results.car500HistoryMs),
      results.car500HistoryMs.median < BUDGET.renderMs,
    );
    line(
      'review queue, 1,000 items: in-app navigation',
      ms(results.reviewQueue1000InAppMs),
      results.reviewQueue1000InAppMs.median < BUDGET.renderMs,
    );
    line(
      'car, 500 history points: in-app navigation',
      ms(results.car500HistoryInAppMs),
      results.car500HistoryInAppMs.median < BUDGET.renderMs,
    );
    console.log(`(load average ${results.loadAverage.toFixed(1)} on ${os.cpus().length} cores)`);
    console.log(JSON.stringify(results));
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
