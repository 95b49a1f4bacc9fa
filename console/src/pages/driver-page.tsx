// One driver: profile, claims, violations, the cars leased now and what each costs; underwriters
// record a claim or a violation here and watch the re-rate arrive on the cars below.
import { useState } from 'preact/hooks';
import { describeError, getJson, postJson } from '../api/client';
import type { Claim, Driver, DriverCars, DriverChangeResult, Violation } from '../api/types';
import { date, dateTime, money, shortId } from '../format';
import { href } from '../router';
import { useData } from '../use-data';

const today = () => new Date().toISOString().slice(0, 10);

export function DriverPage({ driverKey, underwriter }: { driverKey: string; underwriter: boolean }) {
  const path = `drivers/${encodeURIComponent(driverKey)}`;
  const driver = useData((signal) => getJson<Driver>(path, undefined, signal), [driverKey]);
  const cars = useData((signal) => getJson<DriverCars>(`${path}/vehicles`, undefined, signal), [driverKey], 5_000);
  const [outcome, setOutcome] = useState<string>();

  const recorded = (what: string) => (result: DriverChangeResult) => {
    const rerated = result.rerates.filter((r) => r.outcome === 're-rated').length;
    setOutcome(`${what} recorded (revision ${result.revision}); ${rerated} car(s) re-rated.`);
    driver.reload();
    cars.reload();
  };

  const profile = driver.value?.profile;
  return (
    <section aria-labelledby="driver-title">
      <p class="crumbs">
        <a href={href.cars()}>Cars</a> / driver
      </p>
      <h1 id="driver-title">
        Driver{' '}
        <span class="mono small-title" title={driverKey}>
          {shortId(driverKey, 10)}
        </span>
      </h1>
      {driver.error ? (
        <p class="error" role="alert">
          {driver.error}
        </p>
      ) : null}
      {profile ? (
        <div class="cards">
          <div class="card stat">
            <h2>Profile</h2>
            <p>
              Territory <strong>{profile.territory}</strong>
              <br />
              Licensed since {date(profile.licensedSince)}
              <br />
              <span class="muted">
                revision {driver.value?.revision} · updated {dateTime(driver.value?.updatedAt)}
              </span>
            </p>
          </div>
          <div class="card stat">
            <h2>Claims</h2>
            <p class="big">{profile.claims.length}</p>
            <p class="muted">{profile.claims.filter((c) => c.atFault).length} at fault</p>
          </div>
          <div class="card stat">
            <h2>Violations</h2>
            <p class="big">{profile.violations.length}</p>
            <p class="muted">{profile.violations.reduce((sum, v) => sum + v.points, 0)} points</p>
          </div>
        </div>
      ) : null}

      <h2>Cars leased now</h2>
      {cars.error ? (
        <p class="error" role="alert">
          {cars.error}
        </p>
      ) : null}
      <div class="table-wrap">
        <table data-testid="driver-cars">
          <thead>
            <tr>
              <th scope="col">Car</th>
              <th scope="col">VIN</th>
              <th scope="col" class="num">
                Annual premium
              </th>
              <th scope="col" class="num">
                Lease total
              </th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {(cars.value?.items ?? []).map((car) => (
              <tr key={car.assetId} data-testid="driver-car-row" data-asset-id={car.assetId}>
                <td>
                  <a href={href.car(car.assetId)}>
                    {car.vehicle
                      ? `${car.vehicle.modelYear} ${car.vehicle.make} ${car.vehicle.model}`
                      : shortId(car.assetId)}
                  </a>
                </td>
                <td class="mono">{car.vehicle?.vin ?? '—'}</td>
                <td class="num" data-testid="driver-car-premium">
                  {money(car.annualPremiumMinor, car.currency)}
                </td>
                <td class="num" data-testid="driver-car-lease-total">
                  {money(car.leaseTotalMinor, car.currency)}
                </td>
                <td>{dateTime(car.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cars.value && cars.value.items.length === 0 ? (
        <p class="empty">This driver leases no car at the moment.</p>
      ) : null}

      <div class="two-columns">
        <ClaimForm path={path} underwriter={underwriter} onRecorded={recorded('Claim')} />
        <ViolationForm path={path} underwriter={underwriter} onRecorded={recorded('Violation')} />
      </div>
      {outcome ? (
        <p class="success" role="status" data-testid="record-outcome">
          {outcome}
        </p>
      ) : null}

      {profile ? <History claims={profile.claims} violations={profile.violations} /> : null}
    </section>
  );
}

function UnderwritersOnly({ underwriter }: { underwriter: boolean }) {
  return underwriter ? null : (
    <p class="muted" data-testid="underwriters-only">
      Only underwriters record claims and violations.
    </p>
  );
}

function useSubmit<T>(path: string, onRecorded: (result: DriverChangeResult) => void) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = (body: T) => {
    setBusy(true);
    setError(undefined);
    postJson<DriverChangeResult>(path, body).then(
      (result) => {
        setBusy(false);
        onRecorded(result);
      },
      (failure: unknown) => {
        setBusy(false);
        setError(describeError(failure));
      },
    );
  };
  return { error, busy, submit };
}

function ClaimForm({
  path,
  underwriter,
  onRecorded,
}: {
  path: string;
  underwriter: boolean;
  onRecorded: (r: DriverChangeResult) => void;
}) {
  const [claimDate, setDate] = useState(today());
  const [amount, setAmount] = useState('2500.00');
  const [atFault, setAtFault] = useState(true);
  const { error, busy, submit } = useSubmit<Claim>(`${path}/claims`, onRecorded);
  return (
    <form
      class="card form"
      aria-labelledby="claim-title"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ date: claimDate, atFault, amountMinor: Math.round(Number(amount) * 100) });
      }}
    >
      <h2 id="claim-title">Record a claim</h2>
      <UnderwritersOnly underwriter={underwriter} />
      <label>
        Date of loss{' '}
        <input type="date" required value={claimDate} max={today()} onInput={(e) => setDate(e.currentTarget.value)} />
      </label>
      <label>
        Amount paid{' '}
        <input
          type="number"
          required
          min="0"
          step="0.01"
          value={amount}
          onInput={(e) => setAmount(e.currentTarget.value)}
        />
      </label>
      <label class="check">
        <input type="checkbox" checked={atFault} onChange={(e) => setAtFault(e.currentTarget.checked)} /> At fault
      </label>
      <button type="submit" class="primary" disabled={busy || !underwriter} data-testid="record-claim">
        {busy ? 'Recording…' : 'Record claim'}
      </button>
      {error ? (
        <p class="error" role="alert" data-testid="claim-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function ViolationForm({
  path,
  underwriter,
  onRecorded,
}: {
  path: string;
  underwriter: boolean;
  onRecorded: (r: DriverChangeResult) => void;
}) {
  const [violationDate, setDate] = useState(today());
  const [code, setCode] = useState('SPEEDING');
  const [points, setPoints] = useState('3');
  const { error, busy, submit } = useSubmit<Violation>(`${path}/violations`, onRecorded);
  return (
    <form
      class="card form"
      aria-labelledby="violation-title"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ date: violationDate, code, points: Number(points) });
      }}
    >
      <h2 id="violation-title">Record a violation</h2>
      <UnderwritersOnly underwriter={underwriter} />
      <label>
        Date of conviction{' '}
        <input
          type="date"
          required
          value={violationDate}
          max={today()}
          onInput={(e) => setDate(e.currentTarget.value)}
        />
      </label>
      <label>
        Code{' '}
        <input
          type="text"
          required
          pattern="[A-Z][A-Z0-9_]{0,39}"
          value={code}
          onInput={(e) => setCode(e.currentTarget.value.toUpperCase())}
        />
      </label>
      <label>
        Points{' '}
        <input
          type="number"
          required
          min="0"
          max="20"
          value={points}
          onInput={(e) => setPoints(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" disabled={busy || !underwriter} data-testid="record-violation">
        {busy ? 'Recording…' : 'Record violation'}
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function History({ claims, violations }: { claims: readonly Claim[]; violations: readonly Violation[] }) {
  return (
    <div class="two-columns">
      <div class="table-wrap">
        <table class="compact">
          <caption>Claims</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">At fault</th>
              <th scope="col" class="num">
                Paid
              </th>
            </tr>
          </thead>
          <tbody>
            {claims.map((claim, i) => (
              <tr key={i}>
                <td>{claim.date}</td>
                <td>{claim.atFault ? 'yes' : 'no'}</td>
                <td class="num">{money(claim.amountMinor, claim.currency ?? 'USD')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table class="compact">
          <caption>Violations</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Code</th>
              <th scope="col" class="num">
                Points
              </th>
            </tr>
          </thead>
          <tbody>
            {violations.map((violation, i) => (
              <tr key={i}>
                <td>{violation.date}</td>
                <td>{violation.code}</td>
                <td class="num">{violation.points}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
