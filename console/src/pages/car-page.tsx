// One car: its current coverage and lease, the premium timeline (chart + table: who drove it,
// the annual premium, what moved it, the ledger transaction of each change) and the breakdown.
import { memo } from 'preact/compat';
import { useMemo } from 'preact/hooks';
import { ApiError, getJson } from '../api/client';
import type { CurrentCoverage, FleetCar, HistoryPage, HistoryRecord } from '../api/types';
import { BreakdownTable } from '../components/breakdown-table';
import { DriverLinks } from '../components/driver-links';
import { PremiumChart, type ChartPoint } from '../components/premium-chart';
import { date, dateTime, money, shortId } from '../format';
import { href } from '../router';
import { useData } from '../use-data';

/** History loaded for one page view (a car changes hands a few times a year). */
const MAX_HISTORY = 5_000;
const HISTORY_PAGE = 1_000;

async function loadHistory(
  assetId: string,
  signal: AbortSignal,
): Promise<{ items: HistoryRecord[]; truncated: boolean }> {
  const items: HistoryRecord[] = [];
  let token: string | undefined;
  do {
    const page = await getJson<HistoryPage>(
      `vehicles/${encodeURIComponent(assetId)}/premiums`,
      { pageSize: HISTORY_PAGE, continuationToken: token },
      signal,
    );
    items.push(...page.items);
    token = page.continuationToken;
  } while (token && items.length < MAX_HISTORY);
  return { items, truncated: token !== undefined };
}

async function loadCurrent(assetId: string, signal: AbortSignal): Promise<CurrentCoverage | undefined> {
  try {
    return await getJson<CurrentCoverage>(`vehicles/${encodeURIComponent(assetId)}/premium`, undefined, signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** What moved the premium at this record, in words. */
export function whatMoved(record: HistoryRecord, previous: HistoryRecord | undefined): string {
  const parts: string[] = [];
  if (record.kind === 're-rate') {
    const change = record.cause?.change?.replace(/-/g, ' ');
    parts.push(change ? `driver history: ${change}` : 're-rate');
  } else if (record.leaseAction) {
    parts.push(record.leaseAction.replace(/-/g, ' '));
  } else {
    parts.push(record.kind.replace(/-/g, ' '));
  }
  if (previous && record.driverKeys.join() !== previous.driverKeys.join() && record.driverKeys.length > 0)
    parts.push('new driver');
  if (previous?.annualPremiumMinor !== undefined && record.annualPremiumMinor !== undefined) {
    const delta = record.annualPremiumMinor - previous.annualPremiumMinor;
    if (delta !== 0) parts.push(`${delta > 0 ? '+' : '−'}${money(Math.abs(delta), record.currency)}`);
  }
  if (record.stale) parts.push('out of order: history only');
  return parts.join(' · ');
}

/** The timeline table; memoized: the page's other reads refresh without re-rendering it. */
const Timeline = memo(function Timeline({ records }: { records: HistoryRecord[] }) {
  return (
    <div class="table-wrap">
      <table data-testid="timeline">
        <caption class="visually-hidden">Every change of this car's premium, in ledger order</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Kind</th>
            <th scope="col">Driver(s)</th>
            <th scope="col" class="num">
              Annual premium
            </th>
            <th scope="col">What moved it</th>
            <th scope="col">Ledger transaction</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record, i) => (
            <tr key={record.recordId} data-testid="timeline-row" data-kind={record.kind}>
              <td>{i + 1}</td>
              <td>{dateTime(record.eventTime)}</td>
              <td>
                {record.kind}
                {record.needsReview ? <span class="badge warn">review</span> : null}
              </td>
              <td>
                <DriverLinks keys={record.driverKeys} />
              </td>
              <td class="num">{money(record.annualPremiumMinor, record.currency)}</td>
              <td>{whatMoved(record, records[i - 1])}</td>
              <td class="mono" title={record.transactionId}>
                {shortId(record.transactionId)} <span class="muted">@{record.blockHeight}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
});

export function CarPage({ assetId }: { assetId: string }) {
  const car = useData(
    (signal) => getJson<FleetCar>(`vehicles/${encodeURIComponent(assetId)}`, undefined, signal).catch(() => undefined),
    [assetId],
  );
  const current = useData((signal) => loadCurrent(assetId, signal), [assetId], 10_000);
  const history = useData((signal) => loadHistory(assetId, signal), [assetId], 10_000);
  const records = useMemo(() => history.value?.items ?? [], [history.value]);
  const currency = records.find((r) => r.currency)?.currency ?? current.value?.currency ?? 'USD';
  const points: ChartPoint[] = useMemo(
    () =>
      records.map((r) => ({
        label: date(r.eventTime),
        premium: r.annualPremiumMinor === undefined ? null : r.annualPremiumMinor / 100,
      })),
    [history.value],
  );
  const coverage = current.value;
  const vehicle = car.value?.vehicle;

  return (
    <section aria-labelledby="car-title">
      <p class="crumbs">
        <a href={href.cars()}>Cars</a> / <span class="mono">{shortId(assetId, 10)}</span>
      </p>
      <h1 id="car-title">
        {vehicle ? `${vehicle.modelYear} ${vehicle.make} ${vehicle.model}` : 'Car'}{' '}
        <span class="mono small-title" title={assetId}>
          {vehicle ? `VIN ${vehicle.vin}` : shortId(assetId, 10)}
        </span>
      </h1>
      {current.error ? (
        <p class="error" role="alert">
          {current.error}
        </p>
      ) : null}
      {history.error ? (
        <p class="error" role="alert">
          {history.error}
        </p>
      ) : null}
      {current.value === undefined && !current.loading && !current.error ? (
        <p class="empty">No ownership event has been recorded for this car.</p>
      ) : null}
      {coverage ? (
        <div class="cards">
          <div class="card stat">
            <h2>Annual premium</h2>
            <p class="big" data-testid="current-premium">
              {money(coverage.annualPremiumMinor, coverage.currency)}
            </p>
            <p class="muted">
              {coverage.status === 'active'
                ? `${coverage.ratingOutcome ?? ''} · table ${coverage.tableVersion ?? ''}`
                : `coverage ${coverage.status}`}
              {coverage.needsReview ? <span class="badge warn">needs review</span> : null}
            </p>
          </div>
          <div class="card stat">
            <h2>Lease</h2>
            {coverage.lease ? (
              <p>
                {coverage.lease.leaseId} · {coverage.lease.startDate} → {coverage.lease.endDate}
                <br />
                <span class="muted">
                  {coverage.lease.usage} · {coverage.lease.annualMileageKm.toLocaleString('en-US')} km/year
                </span>
              </p>
            ) : (
              <p class="muted">No lease in force</p>
            )}
          </div>
          <div class="card stat">
            <h2>Driver(s)</h2>
            <p>
              <DriverLinks keys={coverage.driverKeys} />
            </p>
            <p class="muted">
              last change {dateTime(coverage.eventTime)} · tx{' '}
              <span class="mono">{shortId(coverage.transactionId)}</span>
            </p>
          </div>
        </div>
      ) : null}

      <h2>Premium timeline</h2>
      {history.value ? <PremiumChart points={points} currency={currency} /> : <p class="muted">Loading…</p>}
      {history.value?.truncated ? <p class="muted">Showing the first {records.length} changes.</p> : null}
      <Timeline records={records} />
      {coverage?.breakdown ? (
        <BreakdownTable lines={coverage.breakdown} caption="How the current premium is made" />
      ) : null}
    </section>
  );
}
