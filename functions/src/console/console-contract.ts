// The shapes of the console-only routes (functions/src/console) and of the console session, shared
// with the browser code (console/src imports these types). No imports: the browser build reads it.
// The back-office API's own shapes come from its OpenAPI document instead.
export const CONSOLE_ROLES = ['viewer', 'underwriter'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export interface StaffPrincipal {
  name: string;
  roles: ConsoleRole[];
  /** How the person signed in: Entra ID through the platform, or the local stand-in. */
  via: 'entra-id' | 'dev-sign-in';
}

export type SignInMode =
  { kind: 'entra-id'; signInUrl: string; signOutUrl: string } | { kind: 'dev-sign-in' } | { kind: 'none' };

/** GET console-api/session */
export interface ConsoleSession {
  signedIn: boolean;
  principal?: StaffPrincipal;
  signIn: SignInMode;
  roles: readonly ConsoleRole[];
}

/** One car in GET console-api/vehicles, drivers/{key}/vehicles and recent-premiums. */
export interface FleetCar {
  assetId: string;
  status: 'registered' | 'active' | 'closed';
  vehicle?: { vin: string; make: string; model: string; modelYear: number };
  driverKeys: string[];
  annualPremiumMinor?: number;
  /** The whole lease's premium: a re-rate mid-term moves it (from the next annual due date) before the annual premium. */
  leaseTotalMinor?: number;
  currency?: string;
  needsReview: boolean;
  transactionId: string;
  updatedAt: string;
}

export interface FleetPage {
  items: FleetCar[];
  continuationToken?: string;
}

export interface DriverCars {
  items: FleetCar[];
  truncated?: boolean;
}

export interface RecentPremiums {
  items: FleetCar[];
  since: string;
}

export interface CheckpointRow {
  source: string;
  consumer: string;
  height: number;
  updatedAt: string;
}

export interface DeadLetterSummary {
  queue: string;
  approximateCount: number;
  /** Kinds of the first messages (a queue shows at most 32 without taking them). */
  peekedByKind: Record<string, number>;
  peeked: number;
  replayCommand: string;
}

export type WebJobLiveState =
  { reachable: true; status: Record<string, unknown> } | { reachable: false; reason: string };

/** GET console-api/operations */
export interface OperationsState {
  checkpoints: CheckpointRow[];
  deadLetters: DeadLetterSummary;
  webjob: WebJobLiveState;
  readAt: string;
}
