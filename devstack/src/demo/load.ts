// `npm run demo:load`: a configurable load through the same path as the demo. Registers drivers
// and cars, then plays lease starts and ends at a target rate (each car's transactions in order,
// cars in parallel), and waits until every ownership change has its premium record.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ed25519Keypair } from 'bigchaindb-driver';
import type { StackDescription } from '../stack/stack-file';
import { BackOfficeClient } from './back-office-client';
import { isoDate, shiftDate } from './dates';
import { PERSONAS, personaProfile } from './drivers';
import { buildFleet } from './fleet';
import {
  buildOwnershipTransfer,
  buildVehicleCreate,
  LeaseLedger,
  leaseMetadata,
  type SignedTransaction,
} from './lease-ledger';
import { ProgressBar } from './progress-bar';
import { currencyForRateTable } from './run-demo';

export interface LoadOptions {
  cars: number;
  /** Ownership-change TRANSFERs in total (lease starts and ends alternate per car). */
  leases: number;
  /** Target ledger transactions per second. */
  rate: number;
  drivers: number;
  /** How long to wait for the premiums after the last transaction. */
  settleTimeoutMs: number;
}

export interface LoadResult {
  transactions: number;
  ledgerSeconds: number;
  premiumRecords: number;
  expectedRecords: number;
  settleSeconds: number;
}

interface CarState {
  assetId: string;
  lastTx: SignedTransaction;
  holder: { publicKey: string; privateKey: string } | undefined;
  leaseNo: number;
  busy: boolean;
  transfers: number;
}

/** Runs `task` for each item with at most `limit` at a time, started no faster than `perSecond`. */
async function paced<T>(
  items: readonly T[],
  perSecond: number,
  limit: number,
  task: (item: T) => Promise<void>,
  onDone: () => void,
): Promise<void> {
  const interval = 1000 / perSecond;
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();
  for (const [i, item] of items.entries()) {
    const due = started + i * interval;
    if (due > Date.now()) await sleep(due - Date.now());
    while (inFlight.size >= limit) await Promise.race(inFlight);
    const run: Promise<void> = task(item)
      .then(onDone)
      .finally(() => inFlight.delete(run));
    inFlight.add(run);
  }
  await Promise.all(inFlight);
}

export async function runLoad(
  stack: StackDescription,
  options: LoadOptions,
  out: NodeJS.WritableStream & { isTTY?: boolean },
): Promise<LoadResult> {
  const ledger = new LeaseLedger(stack.ledger.apiUrl);
  const api = new BackOfficeClient(stack.functionApp.baseUrl, stack.functionApp.functionKey);
  const today = isoDate(new Date());
  const company = stack.leasingCompany;
  const concurrency = Math.max(4, Math.min(64, Math.ceil(options.rate)));

  const drivers = Array.from({ length: options.drivers }, () => new Ed25519Keypair());
  out.write(`Registering ${drivers.length} drivers with the insurer...\n`);
  await Promise.all(
    drivers.map((key, i) => api.putDriver(key.publicKey, personaProfile(PERSONAS[i % PERSONAS.length]!, today))),
  );

  // A random serial range keeps VINs (and so CREATE ids) distinct from earlier runs.
  const fleet = buildFleet(options.cars, {
    currency: currencyForRateTable(process.env.RATE_TABLE),
    modelYear: Number(today.slice(0, 4)) - 1,
    serialBase: randomInt(100_000, 900_000 - options.cars),
  });
  const cars: CarState[] = [];
  const totalTx = options.cars + options.leases;
  const ledgerBar = new ProgressBar('ledger', totalTx, out);
  let committed = 0;
  const ledgerStart = Date.now();
  const tick = (): void => {
    committed += 1;
    ledgerBar.update(committed);
  };

  await paced(
    fleet,
    options.rate,
    concurrency,
    async (car) => {
      const tx = buildVehicleCreate(car.asset, company);
      await ledger.commit(tx);
      cars.push({ assetId: tx.id, lastTx: tx, holder: undefined, leaseNo: 0, busy: false, transfers: 0 });
    },
    tick,
  );

  const slots = Array.from({ length: options.leases }, (_, i) => i);
  await paced(
    slots,
    options.rate,
    concurrency,
    async () => {
      // Any car not waiting for its previous transaction; the car's own chain stays ordered.
      let car: CarState | undefined;
      for (let tries = 0; !car && tries < 10_000; tries++) {
        const idle = cars.filter((c) => !c.busy);
        car = idle[randomInt(idle.length || 1)];
        if (!car) await sleep(5);
      }
      if (!car) throw new Error('no idle car within the time limit');
      car.busy = true;
      try {
        const terms = {
          leaseId: `LOAD-${car.assetId.slice(0, 8)}-${car.leaseNo}`,
          startDate: today,
          endDate: shiftDate(today, { months: 36 }),
          annualMileageKm: 15_000,
          usage: 'commute' as const,
        };
        let tx: SignedTransaction;
        if (car.holder) {
          tx = buildOwnershipTransfer(
            car.lastTx,
            car.assetId,
            car.holder,
            [company.publicKey],
            leaseMetadata('lease-end', terms),
          );
          car.holder = undefined;
          car.leaseNo += 1;
        } else {
          const driver = drivers[randomInt(drivers.length)]!;
          tx = buildOwnershipTransfer(
            car.lastTx,
            car.assetId,
            company,
            [driver.publicKey],
            leaseMetadata('lease-start', terms),
          );
          car.holder = driver;
        }
        await ledger.commit(tx);
        car.lastTx = tx;
        car.transfers += 1;
      } finally {
        car.busy = false;
      }
    },
    tick,
  );
  const ledgerSeconds = (Date.now() - ledgerStart) / 1000;
  ledgerBar.finish(committed);

  // Every CREATE and TRANSFER of a tracked car gets exactly one history record.
  const expected = cars.reduce((sum, car) => sum + 1 + car.transfers, 0);
  const premiumBar = new ProgressBar('premiums', expected, out, 'records');
  const settleStart = Date.now();
  let recorded = 0;
  while (Date.now() - settleStart < options.settleTimeoutMs) {
    const counts = await mapLimited(cars, 8, async (car) => (await api.premiumHistory(car.assetId)).length);
    recorded = counts.reduce((a, b) => a + b, 0);
    premiumBar.update(recorded);
    if (recorded >= expected) break;
    await sleep(1_000);
  }
  premiumBar.finish(recorded);
  return {
    transactions: committed,
    ledgerSeconds,
    premiumRecords: recorded,
    expectedRecords: expected,
    settleSeconds: (Date.now() - settleStart) / 1000,
  };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
