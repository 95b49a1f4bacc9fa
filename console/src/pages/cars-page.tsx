// Every car the insurer covers or has covered, with its driver(s) and current annual premium.
import { useState } from 'preact/hooks';
import { getJson } from '../api/client';
import type { FleetPage } from '../api/types';
import { DriverLinks } from '../components/driver-links';
import { Pager, usePager } from '../components/pager';
import { money, dateTime } from '../format';
import { href } from '../router';
import { useData } from '../use-data';

const PAGE_SIZE = 50;

export function CarsPage() {
  const pager = usePager();
  const cars = useData(
    (signal) => getJson<FleetPage>('vehicles', { pageSize: PAGE_SIZE, continuationToken: pager.token }, signal),
    [pager.token],
    10_000,
  );
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const items = (cars.value?.items ?? []).filter((car) => {
    if (!needle) return true;
    const v = car.vehicle;
    return [car.assetId, v?.vin, v?.make, v?.model, ...car.driverKeys].some((text) =>
      text?.toLowerCase().includes(needle),
    );
  });

  return (
    <section aria-labelledby="cars-title">
      <div class="page-head">
        <h1 id="cars-title">Cars</h1>
        <label class="inline-field">
          Find{' '}
          <input
            type="search"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
            placeholder="VIN, make, model, driver key"
          />
        </label>
      </div>
      {cars.error ? (
        <p class="error" role="alert">
          {cars.error}
        </p>
      ) : null}
      <div class="table-wrap">
        <table data-testid="cars-table">
          <caption class="visually-hidden">Cars and their current premium</caption>
          <thead>
            <tr>
              <th scope="col">Car</th>
              <th scope="col">VIN</th>
              <th scope="col">Status</th>
              <th scope="col">Driver(s)</th>
              <th scope="col" class="num">
                Annual premium
              </th>
              <th scope="col">Updated</th>
            </tr>
          </thead>
          <tbody>
            {items.map((car) => (
              <tr key={car.assetId} data-testid="car-row">
                <td>
                  <a href={href.car(car.assetId)}>
                    {car.vehicle
                      ? `${car.vehicle.modelYear} ${car.vehicle.make} ${car.vehicle.model}`
                      : `Car ${car.assetId.slice(0, 8)}`}
                  </a>
                  {car.needsReview ? <span class="badge warn">needs review</span> : null}
                </td>
                <td class="mono">{car.vehicle?.vin ?? '—'}</td>
                <td>
                  <span class={`status status-${car.status}`}>{car.status}</span>
                </td>
                <td>
                  <DriverLinks keys={car.driverKeys} />
                </td>
                <td class="num">{money(car.annualPremiumMinor, car.currency)}</td>
                <td>{dateTime(car.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {cars.value && items.length === 0 ? (
        <p class="empty">No cars yet: they appear when the ledger registers them.</p>
      ) : null}
      <Pager pager={pager} next={cars.value?.continuationToken} />
    </section>
  );
}
