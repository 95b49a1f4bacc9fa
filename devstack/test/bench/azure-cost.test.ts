// The cost per million ownership changes: the arithmetic of azure-cost.ts on hand-computed examples.
import {
  AZURE_LIST_PRICES,
  costPerMillionOwnershipChanges,
  type AzureListPrices,
} from '../../src/bench/e2e/azure-cost';

// Half a table request per event (e.g. 100-event deliveries in 50 transactions), 50 events per
// delivery, 2.5 ms of Function App time per event, 500 events/s.
const inputs = {
  storageRequestsPerEvent: 0.5,
  eventsPerDelivery: 50,
  functionAppMsPerEvent: 2.5,
  eventsPerSecond: 500,
};

describe('cost per million ownership changes', () => {
  it('multiplies each measured quantity by its list price', () => {
    const prices: AzureListPrices = {
      ...AZURE_LIST_PRICES,
      tableTransactions: { ...AZURE_LIST_PRICES.tableTransactions, usd: 0.0004, per: 10_000 },
      functionExecutions: { ...AZURE_LIST_PRICES.functionExecutions, usd: 0.2, per: 1_000_000 },
      functionGbSeconds: { ...AZURE_LIST_PRICES.functionGbSeconds, usd: 0.00002, per: 1 },
      webjobPlanHours: { ...AZURE_LIST_PRICES.webjobPlanHours, usd: 0.02, per: 1 },
      functionInstanceMemoryGb: 2,
    };
    const cost = costPerMillionOwnershipChanges(inputs, prices);
    // 500,000 transactions = 50 x 10,000 at $0.0004 = $0.02
    // 1,000,000 / 50 = 20,000 executions at $0.20 per million = $0.004
    // 1,000,000 x 2.5 ms = 2,500 s x 2 GB = 5,000 GB-s at $0.00002 = $0.10
    // 1,000,000 / 500 per s = 2,000 s = 5/9 h at $0.02 = $0.0111...
    expect(cost.lines.map((l) => l.quantity)).toEqual([500_000, 20_000, 5_000, 2_000 / 3600]);
    const usd = cost.lines.map((l) => l.usd);
    expect(usd[0]).toBeCloseTo(0.02, 12);
    expect(usd[1]).toBeCloseTo(0.004, 12);
    expect(usd[2]).toBeCloseTo(0.1, 12);
    expect(usd[3]).toBeCloseTo(0.02 * (5 / 9), 12);
    expect(cost.totalUsd).toBeCloseTo(0.124 + 0.02 * (5 / 9), 12);
    expect(cost.ownershipChanges).toBe(1_000_000);
  });

  it('uses the published list prices by default', () => {
    const cost = costPerMillionOwnershipChanges(inputs);
    // $0.00036 x 50 = $0.018; $0.40 x 0.02 = $0.008; 5,000 GB-s x $0.000026 = $0.13; 5/9 h x $0.018 = $0.01
    expect(cost.lines.map((l) => l.usd)).toEqual([
      expect.closeTo(0.018, 12),
      expect.closeTo(0.008, 12),
      expect.closeTo(0.13, 12),
      expect.closeTo(0.01, 12),
    ]);
    expect(cost.totalUsd).toBeCloseTo(0.166, 12);
    for (const line of cost.lines) expect(line.price.source).toMatch(/^https:\/\//);
  });

  it('refuses figures that were not measured', () => {
    expect(() => costPerMillionOwnershipChanges({ ...inputs, eventsPerDelivery: 0 })).toThrow(RangeError);
    expect(() => costPerMillionOwnershipChanges({ ...inputs, eventsPerSecond: Number.NaN })).toThrow(RangeError);
    expect(costPerMillionOwnershipChanges({ ...inputs, storageRequestsPerEvent: 0 }).lines[0]?.usd).toBe(0);
  });
});
