// The console shell: who is signed in, the navigation, and the page the hash route names.
import { useEffect } from 'preact/hooks';
import { getJson } from './api/client';
import type { ConsoleSession, StaffPrincipal } from './api/types';
import { SignIn, SignOut } from './components/sign-in';
import { CarPage } from './pages/car-page';
import { CarsPage } from './pages/cars-page';
import { DriverPage } from './pages/driver-page';
import { OperationsPage } from './pages/operations-page';
import { ReviewsPage } from './pages/reviews-page';
import { href, useRoute, type Route } from './router';
import { useData } from './use-data';

const NAV: { page: Route['page']; label: string; to: string }[] = [
  { page: 'reviews', label: 'Review queue', to: href.reviews() },
  { page: 'cars', label: 'Cars', to: href.cars() },
  { page: 'operations', label: 'Operations', to: href.operations() },
];

const TITLES: Record<Route['page'], string> = {
  reviews: 'Review queue',
  cars: 'Cars',
  car: 'Car',
  driver: 'Driver',
  operations: 'Operations',
  'not-found': 'Not found',
};

export function App() {
  const route = useRoute();
  const session = useData((signal) => getJson<ConsoleSession>('session', undefined, signal), []);
  const activeNav = route.page === 'car' ? 'cars' : route.page;

  useEffect(() => {
    document.title = `${TITLES[route.page]} · lease-premium console`;
  }, [route.page]);

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          lease-premium <span class="brand-sub">insurer console</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.page}>
                <a href={item.to} aria-current={activeNav === item.page ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {session.value?.signedIn && session.value.principal ? (
          <SignOut session={session.value} onChange={session.reload} />
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {session.error ? (
          <p class="error" role="alert">
            Could not reach the console API: {session.error}
          </p>
        ) : null}
        {session.value && !session.value.signedIn ? <SignIn session={session.value} onChange={session.reload} /> : null}
        {session.value?.signedIn && session.value.principal ? (
          <Page route={route} principal={session.value.principal} />
        ) : null}
      </main>
    </>
  );
}

function Page({ route, principal }: { route: Route; principal: StaffPrincipal }) {
  const underwriter = principal.roles.includes('underwriter');
  switch (route.page) {
    case 'reviews':
      return <ReviewsPage underwriter={underwriter} resolvedBy={principal.name} />;
    case 'cars':
      return <CarsPage />;
    case 'car':
      return <CarPage assetId={route.assetId} />;
    case 'driver':
      return <DriverPage driverKey={route.driverKey} underwriter={underwriter} />;
    case 'operations':
      return <OperationsPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            Nothing lives at <code>{route.path}</code>. Try the <a href={href.reviews()}>review queue</a>.
          </p>
        </section>
      );
  }
}
