// What one million ownership changes cost on Azure at list prices, from a bench run's measured
// figures: Table transactions, Functions executions and GB-seconds on Flex Consumption (on demand),
// and the share of the WebJob's App Service plan. Pay-as-you-go USD list prices for East US, read on
// the date below; monthly free grants are left out (the figures are the cost at volume). Prices
// change and differ by region: each carries its public page, and `toBeChecked` marks a figure that
// could not be confirmed on a public page when read (the figure used is printed with a mark).

export const PRICES_READ_ON = '2026-12-03';

export interface ListPrice {
  /** USD per `per` units of `unit`, as the price list words it: `pricedPer`. */
  usd: number;
  per: number;
  unit: string;
  pricedPer: string;
  source: string;
  toBeChecked: boolean;
}

export interface AzureListPrices {
  tableTransactions: ListPrice;
  functionExecutions: ListPrice;
  functionGbSeconds: ListPrice;
  webjobPlanHours: ListPrice;
  /** Memory of a Flex Consumption instance (GB): what GB-seconds are billed on, whatever the app uses. */
  functionInstanceMemoryGb: number;
  /** Plan the WebJob runs on (infra/modules/webjob-app.bicep). */
  webjobPlan: string;
}

/**
 * Table storage, Standard general-purpose v2, LRS (infra/modules/storage.bicep): per 10,000
 * transactions. An entity-group transaction (up to 100 rows of one partition) counts as a single
 * transaction for billing
 * (https://learn.microsoft.com/azure/storage/tables/storage-performance-checklist#batching), so a
 * storage request is a billed transaction. To be checked: $0.00036 is the figure used; the tables
 * pricing page shows its prices only in a browser and no copy of the figure was found.
 */
export const TABLE_TRANSACTIONS_PER_10K: ListPrice = {
  usd: 0.00036,
  per: 10_000,
  unit: 'transactions',
  pricedPer: '10,000 transactions',
  source: 'https://azure.microsoft.com/pricing/details/storage/tables/',
  toBeChecked: true,
};

/**
 * Flex Consumption, on demand: per million executions. To be checked: $0.40 is the figure used;
 * the Functions pricing page shows its prices only in a browser and no copy of the figure was found.
 */
export const FLEX_EXECUTIONS_PER_MILLION: ListPrice = {
  usd: 0.4,
  per: 1_000_000,
  unit: 'executions',
  pricedPer: 'million executions',
  source: 'https://azure.microsoft.com/pricing/details/functions/',
  toBeChecked: true,
};

/**
 * Flex Consumption, on demand: per GB-second of instance memory while the instance executes
 * functions (https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs).
 * $0.000026 as quoted for East US from the Functions pricing page by
 * https://modal.com/blog/azure-function-pricing-guide (May 2025), the figure infra/README.md uses.
 */
export const FLEX_ON_DEMAND_PER_GB_SECOND: ListPrice = {
  usd: 0.000026,
  per: 1,
  unit: 'GB-s',
  pricedPer: 'GB-s',
  source: 'https://azure.microsoft.com/pricing/details/functions/',
  toBeChecked: false,
};

/**
 * App Service plan Basic B1, Linux, per hour: ≈ $13.14 a month at 730 hours as listed by
 * https://github.com/microsoft/azure-skills/blob/main/skills/azure-app-onboard/prepare/references/pricing-guide.md
 * (a reference value that page itself says may be outdated), so to be checked.
 */
export const APP_SERVICE_B1_LINUX_PER_HOUR: ListPrice = {
  usd: 0.018,
  per: 1,
  unit: 'hours',
  pricedPer: 'hour',
  source: 'https://azure.microsoft.com/pricing/details/app-service/linux/',
  toBeChecked: true,
};

export const AZURE_LIST_PRICES: AzureListPrices = {
  tableTransactions: TABLE_TRANSACTIONS_PER_10K,
  functionExecutions: FLEX_EXECUTIONS_PER_MILLION,
  functionGbSeconds: FLEX_ON_DEMAND_PER_GB_SECOND,
  webjobPlanHours: APP_SERVICE_B1_LINUX_PER_HOUR,
  functionInstanceMemoryGb: 2, // 2,048 MB: infra/main.bicep functionInstanceMemoryMB
  webjobPlan: 'App Service plan Basic B1, Linux',
};

/** A run's measured figures the cost follows from. */
export interface CostInputs {
  /** Table requests per ownership change, Function App and WebJob together (each one billed transaction). */
  storageRequestsPerEvent: number;
  /** Ownership changes per webhook delivery (one Functions execution each). */
  eventsPerDelivery: number;
  /**
   * Function App time per ownership change (ms). Flex bills instance memory for the time the instance
   * executes; CPU time is a lower bound of that when executions wait on storage with nothing else
   * running, and close to it when concurrent deliveries keep the instance busy.
   */
  functionAppMsPerEvent: number;
  /** Ownership changes per second the whole path sustained: the pace the WebJob works at. */
  eventsPerSecond: number;
}

export interface CostLine {
  item: string;
  /** How much of the billed unit one million ownership changes use. */
  quantity: number;
  unit: string;
  price: ListPrice;
  usd: number;
}

export interface CostPerMillion {
  ownershipChanges: number;
  inputs: CostInputs;
  lines: CostLine[];
  totalUsd: number;
  pricesReadOn: string;
}

const MILLION = 1_000_000;

function checkInput(name: keyof CostInputs, value: number, zeroAllowed = false): void {
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0))
    throw new RangeError(`${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${value}`);
}

export function costPerMillionOwnershipChanges(
  inputs: CostInputs,
  prices: AzureListPrices = AZURE_LIST_PRICES,
): CostPerMillion {
  checkInput('storageRequestsPerEvent', inputs.storageRequestsPerEvent, true);
  checkInput('eventsPerDelivery', inputs.eventsPerDelivery);
  checkInput('functionAppMsPerEvent', inputs.functionAppMsPerEvent, true);
  checkInput('eventsPerSecond', inputs.eventsPerSecond);
  const line = (item: string, quantity: number, price: ListPrice): CostLine => ({
    item,
    quantity,
    unit: price.unit,
    price,
    usd: (quantity / price.per) * price.usd,
  });
  const lines = [
    line('Table transactions', inputs.storageRequestsPerEvent * MILLION, prices.tableTransactions),
    line('Functions executions (one per delivery)', MILLION / inputs.eventsPerDelivery, prices.functionExecutions),
    line(
      `Functions GB-seconds (${prices.functionInstanceMemoryGb} GB instance)`,
      ((inputs.functionAppMsPerEvent * MILLION) / 1000) * prices.functionInstanceMemoryGb,
      prices.functionGbSeconds,
    ),
    line(`WebJob share of ${prices.webjobPlan}`, MILLION / inputs.eventsPerSecond / 3600, prices.webjobPlanHours),
  ];
  return {
    ownershipChanges: MILLION,
    inputs: { ...inputs },
    lines,
    totalUsd: lines.reduce((sum, l) => sum + l.usd, 0),
    pricesReadOn: PRICES_READ_ON,
  };
}
