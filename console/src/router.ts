// Hash routes (#/cars/<id>): the page is one static file, so any route works after a reload.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'reviews' }
  | { page: 'cars' }
  | { page: 'car'; assetId: string }
  | { page: 'driver'; driverKey: string }
  | { page: 'operations' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/reviews';
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((part) => decodeURIComponent(part));
  const [first, second] = parts;
  if (first === 'reviews' && parts.length === 1) return { page: 'reviews' };
  if (first === 'cars' && parts.length === 1) return { page: 'cars' };
  if (first === 'cars' && second && parts.length === 2) return { page: 'car', assetId: second };
  if (first === 'drivers' && second && parts.length === 2) return { page: 'driver', driverKey: second };
  if (first === 'operations' && parts.length === 1) return { page: 'operations' };
  return { page: 'not-found', path };
}

export const href = {
  reviews: () => '#/reviews',
  cars: () => '#/cars',
  car: (assetId: string) => `#/cars/${encodeURIComponent(assetId)}`,
  driver: (driverKey: string) => `#/drivers/${encodeURIComponent(driverKey)}`,
  operations: () => '#/operations',
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
