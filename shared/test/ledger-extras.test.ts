// Extra fields of vehicle@1 / lease@1 within the budget: kept when small and shallow, otherwise the
// contract's fields alone with a note; never a stack overflow, whatever the nesting.
import {
  LEASE_CONTRACT_KEYS,
  LEDGER_EXTRAS_BUDGET_BYTES,
  LEDGER_EXTRAS_MAX_DEPTH,
  VEHICLE_CONTRACT_KEYS,
  boundExtras,
  nestsDeeperThan,
} from '../src';
import { transferEvent } from './fixtures';

const vehicle = transferEvent().data.vehicle;
const lease = transferEvent().data.lease!;

function nested(depth: number): unknown {
  // Built bottom-up without recursion; depth 1 = the innermost object.
  let node: Record<string, unknown> = {};
  for (let i = 1; i < depth; i++) node = { next: node };
  return node;
}

describe('boundExtras', () => {
  it('keeps a document without extras, and small shallow extras, as it is', () => {
    expect(boundExtras(vehicle, VEHICLE_CONTRACT_KEYS)).toEqual({ value: vehicle });
    const withExtras = { ...lease, branch: 'north', tags: ['fleet', { code: 7 }] };
    expect(boundExtras(withExtras, LEASE_CONTRACT_KEYS)).toEqual({ value: withExtras });
  });

  it('drops extras over the byte budget, keeping every contract field, and says how big they were', () => {
    const notes = 'é'.repeat(LEDGER_EXTRAS_BUDGET_BYTES / 2); // 2 bytes each in UTF-8: just over with the quotes
    const bounded = boundExtras({ ...lease, notes }, LEASE_CONTRACT_KEYS);
    expect(bounded.value).toEqual(lease);
    expect(bounded.dropped).toEqual({
      reason: 'too-large',
      bytes: LEDGER_EXTRAS_BUDGET_BYTES + '{"notes":""}'.length,
      budgetBytes: LEDGER_EXTRAS_BUDGET_BYTES,
    });
  });

  it('keeps extras of exactly the budget', () => {
    const notes = 'x'.repeat(LEDGER_EXTRAS_BUDGET_BYTES - '{"notes":""}'.length);
    expect(boundExtras({ ...lease, notes }, LEASE_CONTRACT_KEYS).dropped).toBeUndefined();
  });

  it('drops extras nested deeper than the limit (20,000 levels: no stack overflow), keeps them at the limit', () => {
    expect(boundExtras({ ...vehicle, options: nested(20_000) }, VEHICLE_CONTRACT_KEYS)).toEqual({
      value: vehicle,
      dropped: { reason: 'too-deep', maxDepth: LEDGER_EXTRAS_MAX_DEPTH },
    });
    // The extras object is level 1, so a field's value may nest LEDGER_EXTRAS_MAX_DEPTH - 1 levels.
    expect(
      boundExtras({ ...vehicle, options: nested(LEDGER_EXTRAS_MAX_DEPTH - 1) }, VEHICLE_CONTRACT_KEYS).dropped,
    ).toBeUndefined();
    expect(
      boundExtras({ ...vehicle, options: nested(LEDGER_EXTRAS_MAX_DEPTH) }, VEHICLE_CONTRACT_KEYS).dropped,
    ).toMatchObject({ reason: 'too-deep' });
  });

  it('measures depth through arrays too', () => {
    let value: unknown = 1;
    for (let i = 0; i < 50; i++) value = [value];
    expect(nestsDeeperThan(value, 49)).toBe(true);
    expect(nestsDeeperThan(value, 50)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });
});
