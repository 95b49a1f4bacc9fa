// Plays the car-leasing scenario against a running stack: ledger writes through bigchaindb-driver,
// driver data through the back-office API, and a live table of the premiums that follow.
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackDescription } from '../stack/stack-file';
import { color } from '../stack/status-screen';
import { BackOfficeClient, type CurrentPremium } from './back-office-client';
import { isoDate, shiftDate } from './dates';
import {
  fileProgressStore,
  memoryProgressStore,
  newProgress,
  type DemoProgress,
  type ProgressStore,
} from './demo-progress';
import { PERSONAS, personaProfile } from './drivers';
import { buildFleet, type FleetCar } from './fleet';
import {
  buildOwnershipTransfer,
  buildVehicleCreate,
  LeaseLedger,
  leaseMetadata,
  type LeaseTerms,
  type SignedTransaction,
} from './lease-ledger';
import { LiveTable } from './live-table';
import { factorMoves, formatFactorMove, formatMoney } from './premium-change';
import { DEMO_FLEET_SIZE, SCENARIO, type ScenarioStep } from './scenario';

export interface DemoOptions {
  stack: StackDescription;
  /** Folder for demo-progress.json; undefined = keep progress in memory (memory mode). */
  progressDir: string | undefined;
  signal: AbortSignal;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  /** How long to wait for each premium to appear (the WebJob and Function App at work). */
  premiumTimeoutMs?: number;
}

/** The currency the configured rate table prices (the demo's cars are listed in it). */
export function currencyForRateTable(rateTable: string | undefined): string {
  return rateTable?.startsWith('eu-') ? 'EUR' : 'USD';
}

/** Polls `read` until `done` holds for its value; bounded by a timeout and the abort signal. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs: number; signal?: AbortSignal; what: string; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    options.signal?.throwIfAborted();
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${options.what}`);
    await sleep(options.intervalMs ?? 250, undefined, options.signal ? { signal: options.signal } : {});
  }
}

function leaseTermsOf(step: Extract<ScenarioStep, { kind: 'lease-start' }>, today: string): LeaseTerms {
  return {
    leaseId: step.leaseId,
    startDate: today,
    endDate: shiftDate(today, { months: step.months }),
    annualMileageKm: step.annualMileageKm,
    usage: step.usage,
  };
}

function leaseStartOf(leaseId: string): Extract<ScenarioStep, { kind: 'lease-start' }> {
  const step = SCENARIO.find(
    (s): s is Extract<ScenarioStep, { kind: 'lease-start' }> => s.kind === 'lease-start' && s.leaseId === leaseId,
  );
  if (!step) throw new Error(`scenario has no lease-start for ${leaseId}`);
  return step;
}

function carLabel(car: FleetCar): string {
  return `${car.asset.make} ${car.asset.model}`;
}

/** The premium in force, or undefined when the car is only registered or its coverage is closed. */
function inForce(premium: CurrentPremium | undefined): CurrentPremium | undefined {
  return premium?.status === 'active' && premium.annualPremiumMinor !== undefined ? premium : undefined;
}

function premiumText(premium: CurrentPremium | undefined): string {
  const active = inForce(premium);
  return active ? formatMoney(active.annualPremiumMinor, active.currency ?? '') + (active.needsReview ? '*' : '') : '—';
}

function movedFactors(before: CurrentPremium | undefined, after: CurrentPremium | undefined): string {
  const now = inForce(after);
  return now
    ? factorMoves(inForce(before)?.breakdown, now.breakdown ?? [])
        .map(formatFactorMove)
        .join(', ')
    : '';
}

/** Plays (or resumes) the scenario; returns its progress record (driver keys, cars, the scenario's date). */
export async function runDemo(options: DemoOptions): Promise<DemoProgress> {
  const { stack, signal } = options;
  const store: ProgressStore = options.progressDir ? fileProgressStore(options.progressDir) : memoryProgressStore();
  const ledger = new LeaseLedger(stack.ledger.apiUrl);
  const api = new BackOfficeClient(stack.functionApp.baseUrl, stack.functionApp.functionKey);
  const table = new LiveTable(options.out);
  const timeoutMs = options.premiumTimeoutMs ?? 90_000;

  let progress = await store.load();
  if (progress?.cars[0]?.assetId && !(await ledger.isCommitted(progress.cars[0].assetId))) {
    table.note(`The ledger no longer holds the demo's cars (its data was reset): playing the demo again.`);
    progress = undefined;
  }
  if (progress?.finishedAt) {
    table.note(
      `The demo was played on ${progress.finishedAt.slice(0, 16).replace('T', ' ')} UTC; its cars and premiums are still stored.`,
    );
    table.note(`(delete ${store.where} to play it again.)`);
    return progress;
  }
  const resuming = progress !== undefined;
  progress ??= newProgress(
    isoDate(new Date()),
    currencyForRateTable(process.env.RATE_TABLE),
    PERSONAS.map((p) => p.name),
    DEMO_FLEET_SIZE,
  );
  await store.save(progress);
  const state: DemoProgress = progress;
  const fleet = buildFleet(DEMO_FLEET_SIZE, {
    currency: state.currency,
    modelYear: Number(state.today.slice(0, 4)) - 1,
  });
  const company = stack.leasingCompany;
  const lastActive = new Map<number, CurrentPremium>();

  options.out.write(
    `\n${color.bold('Car-leasing demo')}${resuming ? color.dim(' (resuming)') : ''}: the leasing company ${color.cyan(company.publicKey.slice(0, 8))}… registers ${DEMO_FLEET_SIZE} cars on the ledger; ` +
      `${PERSONAS.length} drivers are registered with the insurer; cars are leased, returned and leased again.\n` +
      color.dim(
        `Each ledger transaction flows: ledger → WebJob (verify, sign) → Function App (rate, store) → back-office API. * = flagged for review.\n\n`,
      ),
  );
  table.header();

  const save = async (): Promise<void> => store.save(state);
  const keyOf = (name: string): { publicKey: string; privateKey: string } => {
    const key = state.drivers[name];
    if (!key) throw new Error(`no key for driver ${name}`);
    return key;
  };
  const journalled = async (stepId: string, build: () => SignedTransaction): Promise<SignedTransaction> => {
    const tx = state.pending?.stepId === stepId ? state.pending.tx : build();
    state.pending = { stepId, tx };
    await save();
    await ledger.ensureCommitted(tx);
    return tx;
  };
  const waitForPremium = async (
    assetId: string,
    what: string,
    done: (p: CurrentPremium | undefined) => boolean,
  ): Promise<CurrentPremium | undefined> => {
    table.waiting(what);
    try {
      return await pollUntil(() => api.currentPremium(assetId), done, { timeoutMs, signal, what });
    } finally {
      table.done();
    }
  };

  for (const step of SCENARIO) {
    signal.throwIfAborted();
    if (state.done.includes(step.id)) continue;
    switch (step.kind) {
      case 'register-driver': {
        const persona = PERSONAS.find((p) => p.name === step.driver)!;
        await api.putDriver(keyOf(step.driver).publicKey, personaProfile(persona, state.today));
        table.note(`  ${step.driver} joins the insurer: ${persona.story}`);
        break;
      }
      case 'register-car': {
        const car = fleet[step.car]!;
        const tx = await journalled(step.id, () => buildVehicleCreate(car.asset, company));
        state.cars[step.car] = { assetId: tx.id, lastTx: tx, holder: 'company' };
        table.note(
          `  registered ${carLabel(car)} (${car.asset.modelYear}), VIN ${car.asset.vin}, asset ${tx.id.slice(0, 10)}…`,
        );
        break;
      }
      case 'lease-start': {
        const car = fleet[step.car]!;
        const slot = state.cars[step.car]!;
        const before = lastActive.get(step.car);
        const driver = keyOf(step.driver);
        const tx = await journalled(step.id, () =>
          buildOwnershipTransfer(
            slot.lastTx!,
            slot.assetId!,
            company,
            [driver.publicKey],
            leaseMetadata('lease-start', leaseTermsOf(step, state.today)),
          ),
        );
        state.cars[step.car] = { ...slot, lastTx: tx, holder: step.driver };
        const after = await waitForPremium(
          slot.assetId!,
          `${carLabel(car)} leased to ${step.driver}: waiting for the premium…`,
          (p) => p?.transactionId === tx.id && p.status === 'active',
        );
        if (inForce(after)) lastActive.set(step.car, after!);
        table.row({
          vehicle: carLabel(car),
          driver: step.driver,
          event: 'lease start',
          before: premiumText(before),
          after: premiumText(after),
          factors: movedFactors(before, after),
        });
        break;
      }
      case 'lease-end': {
        const car = fleet[step.car]!;
        const slot = state.cars[step.car]!;
        const lessee = keyOf(slot.holder);
        const before = lastActive.get(step.car) ?? (await api.currentPremium(slot.assetId!));
        const tx = await journalled(step.id, () =>
          buildOwnershipTransfer(
            slot.lastTx!,
            slot.assetId!,
            lessee,
            [company.publicKey],
            leaseMetadata('lease-end', leaseTermsOf(leaseStartOf(step.leaseId), state.today)),
          ),
        );
        state.cars[step.car] = { ...slot, lastTx: tx, holder: 'company' };
        await waitForPremium(
          slot.assetId!,
          `${carLabel(car)} returned by ${slot.holder}: waiting for the coverage to close…`,
          (p) => p?.transactionId === tx.id,
        );
        table.row({
          vehicle: carLabel(car),
          driver: slot.holder,
          event: 'returned',
          before: premiumText(before),
          after: 'closed',
          factors: 'coverage closed at lease end',
        });
        break;
      }
      case 'report-claim': {
        const driver = keyOf(step.driver);
        const leased = state.cars
          .map((slot, index) => ({ slot, index }))
          .filter(({ slot }) => slot.holder === step.driver);
        const befores = await Promise.all(leased.map(({ slot }) => api.currentPremium(slot.assetId!)));
        await api.addClaim(driver.publicKey, step.claim(state.today));
        table.note(`  ${step.driver} reports an at-fault claim; the insurer re-rates every car leased to them`);
        for (const [i, { slot, index }] of leased.entries()) {
          const before = befores[i];
          const after = await waitForPremium(
            slot.assetId!,
            `re-rating ${carLabel(fleet[index]!)}…`,
            (p) => p !== undefined && p.recordId !== before?.recordId,
          );
          table.row({
            vehicle: carLabel(fleet[index]!),
            driver: step.driver,
            event: 'at-fault claim',
            before: premiumText(before),
            after: premiumText(after),
            factors: movedFactors(before, after),
          });
        }
        break;
      }
    }
    state.done.push(step.id);
    state.pending = null;
    await save();
  }
  state.finishedAt = new Date().toISOString();
  await save();
  options.out.write(
    `\n${color.green('Demo finished.')} Ask the back-office API yourself, e.g.\n` +
      `  curl -s -H "x-functions-key: ${stack.functionApp.functionKey}" ${stack.functionApp.baseUrl}/vehicles/${state.cars[2]?.assetId ?? '<assetId>'}/premium\n` +
      `  npm run demo:load -- --cars 20 --leases 200 --rate 20\n`,
  );
  return state;
}
