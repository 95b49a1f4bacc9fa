// The console's data types: the back-office API's from its OpenAPI document (generated at build
// time), the console-only routes' from the Function App's console contract.
import type { components } from './generated/openapi';
import type { ReviewItemContract } from './review-contract';

type Schemas = components['schemas'];

export type CurrentCoverage = Schemas['CurrentCoverage'];
export type HistoryRecord = Schemas['HistoryRecord'];
export type HistoryPage = Schemas['HistoryPage'];
export type BreakdownLine = Schemas['BreakdownLine'];
export type Driver = Schemas['Driver'];
export type DriverChangeResult = Schemas['DriverChangeResult'];
export type ReviewEntry = Schemas['ReviewEntry'];
export type ReviewPage = Schemas['ReviewPage'];
export type Claim = Schemas['Claim'];
export type Violation = Schemas['Violation'];
export type Problem = Schemas['Problem'];

/** The review API's item: from the OpenAPI document once it describes it (see review-contract.ts). */
export type ReviewItem = Schemas extends { ReviewItem: infer Item } ? Item : ReviewItemContract;
export type ReviewItemsPage = { items: ReviewItem[]; continuationToken?: string };

export type {
  ConsoleRole,
  ConsoleSession,
  DriverCars,
  FleetCar,
  FleetPage,
  OperationsState,
  RecentPremiums,
  StaffPrincipal,
} from '../../../functions/src/console/console-contract';
