import { factorMoves, formatFactorMove, formatMoney } from '../../src/demo/premium-change';
import { shiftDate } from '../../src/demo/dates';

const line = (factor: string, value: string, driverFact?: string, coverage = 'LIAB') => ({
  step: 'factor',
  coverage,
  factor,
  value,
  source: driverFact ? { driverFact } : { tableRow: `row:${factor}` },
});

describe('what moved a premium', () => {
  it('lists factors that changed, biggest change first, once per factor', () => {
    const before = [
      line('age', '1.00', 'dateOfBirth'),
      line('age', '1.00', 'dateOfBirth', 'COLL'),
      line('territory', '1.10', 'territory'),
      line('claims', '1.00', 'claims'),
    ];
    const after = [
      line('age', '1.60', 'dateOfBirth'),
      line('age', '1.60', 'dateOfBirth', 'COLL'),
      line('territory', '1.10', 'territory'),
      line('claims', '1.25', 'claims'),
    ];
    const moves = factorMoves(before, after);
    expect(moves).toEqual([
      { factor: 'age', from: '1.00', to: '1.60', source: 'dateOfBirth' },
      { factor: 'claims', from: '1.00', to: '1.25', source: 'claims' },
    ]);
    expect(moves.map(formatFactorMove)).toEqual(['age ×1→×1.6', 'claims ×1→×1.25']);
  });

  it('for a first premium, names the driver-fact factors that differ from 1', () => {
    const after = [
      line('age', '1.45', 'dateOfBirth'),
      line('usage', '1.10'),
      line('points', '1.00', 'violations'),
      line('territory', '0.90', 'territory'),
    ];
    expect(factorMoves(undefined, after).map((m) => m.factor)).toEqual(['age', 'territory']);
  });

  it('formats money and shifts dates on the calendar', () => {
    expect(formatMoney(123456, 'USD')).toBe('USD 1,234.56');
    expect(formatMoney(undefined, 'USD')).toBe('—');
    expect(shiftDate('2024-01-31', { months: 1 })).toBe('2024-02-29');
    expect(shiftDate('2026-11-27', { years: -48, months: -3 })).toBe('1978-08-27');
    expect(shiftDate('2026-03-01', { days: -1 })).toBe('2026-02-28');
  });
});
