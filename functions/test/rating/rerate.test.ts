// Re-rating mid-lease: the terms keep the lease's anniversaries, elapsed days keep what they were
// charged, the new rate applies from the effective date pro rata, and the bonus-malus moves only at
// the annual due date (each term is rated at its start).
import fc from 'fast-check';
import { builtInRateTableSet, rate, type RatingRequest, type RatingResult } from '../../src/rating';
import { cleanDriver, lines, workedExampleDriver, workedExampleRequest } from './fixtures';

const tables = builtInRateTableSet('us-illustrative');
const original = rate(workedExampleRequest(), tables);

/** R(x × num / den) with HALF_UP to the cent, on integers (exact). */
const prorate = (minor: number, num: number, den: number) =>
  Number((BigInt(minor) * BigInt(num) * 2n + BigInt(den)) / (2n * BigInt(den)));

function rerated(
  changed: Partial<RatingRequest>,
  effectiveDate: string,
  previous: RatingResult = original,
): RatingResult {
  return rate({ ...workedExampleRequest(changed), rerate: { effectiveDate, previousTerms: previous.terms } }, tables);
}

describe('re-rating mid-lease', () => {
  it('golden: a move to urban-core on 2025-10-01 keeps 78 elapsed days at 2392.31 × 78/365 = 511.23 and charges the new term premium for the other 287 days', () => {
    expect(original.terms.map((t) => [t.start, t.premiumMinor])).toEqual([
      ['2025-07-15', 239231],
      ['2026-07-15', 121547],
    ]);
    const moved = { drivers: [workedExampleDriver({ territory: 'urban-core' })] };
    const fresh = rate(workedExampleRequest(moved), tables);
    const result = rerated(moved, '2025-10-01');
    expect(result.terms.map((t) => t.start)).toEqual(['2025-07-15', '2026-07-15']);
    expect(result.terms[0]).toMatchObject({
      elapsedMinor: 51123,
      premiumMinor: 51123 + prorate(fresh.terms[0]!.premiumMinor, 287, 365),
    });
    // Term 2 starts after the effective date: the new premium in full.
    expect(result.terms[1]!.premiumMinor).toBe(fresh.terms[1]!.premiumMinor);
    expect(result.leaseTotalMinor).toBe(result.terms[0]!.premiumMinor + result.terms[1]!.premiumMinor);
    expect(lines(result, 'termElapsed').map((l) => [l.amountMinor, l.source.note])).toEqual([
      [
        51123,
        'term 1 [2025-07-15, 2026-07-15): 78 elapsed days keep what the previous rating charged: R(2392.31 for [2025-07-15, 2026-07-15) at 2025.07.0 × 78/365 days)',
      ],
    ]);
    expect(lines(result, 'termRerated').map((l) => l.source.note)).toEqual([
      `term 1 [2025-07-15, 2026-07-15): re-rated from 2025-10-01: R(new term premium ${(fresh.terms[0]!.premiumMinor / 100).toFixed(2)} × 287/365 days)`,
    ]);
  });

  it('a claim during the term moves the premium from the next annual due date, and the lease total never drops the elapsed part', () => {
    const withClaim = {
      drivers: [
        workedExampleDriver({
          claims: [...workedExampleDriver().claims, { date: '2025-09-20', atFault: true, amountMinor: 850_000 }],
        }),
      ],
    };
    const result = rerated(withClaim, '2025-09-21');
    // Term 1 was rated at its start: the claim is not in its record, the re-rated days cost what they did.
    expect(result.terms[0]!.premiumMinor).toBe(prorate(239231, 68, 365) + prorate(239231, 297, 365));
    expect(result.terms[1]!.premiumMinor).toBeGreaterThan(original.terms[1]!.premiumMinor);
    expect(result.leaseTotalMinor).toBeGreaterThan(original.leaseTotalMinor);
  });

  it('a referral offence reported mid-term refers the car at the re-rate, though its price moves only at the annual due date', () => {
    const withDui = {
      drivers: [
        workedExampleDriver({
          violations: [...workedExampleDriver().violations, { date: '2025-09-20', points: 6, code: 'DUI' }],
        }),
      ],
    };
    expect(original.outcome).toBe('RATED');
    const result = rerated(withDui, '2025-09-21');
    expect(result).toMatchObject({ outcome: 'REFER', needsReview: true });
    expect(result.reviewReasons.some((reason) => reason.includes('DUI') && reason.includes('referral offence'))).toBe(
      true,
    );
    // The same facts in a fresh rating at the original transfer date do not yet know the DUI.
    expect(rate(workedExampleRequest(withDui), tables).outcome).toBe('RATED');
  });

  it('a re-rate after a re-rate keeps both elapsed parts; an effective date on or before the transfer re-rates everything', () => {
    const first = rerated({ drivers: [workedExampleDriver({ territory: 'urban-core' })] }, '2025-10-01');
    const second = rerated({ drivers: [workedExampleDriver({ territory: 'rural' })] }, '2026-01-01', first);
    // [2025-07-15, 2026-01-01) = 170 days of the first re-rate's term 1 (365 days, 2025-07-15 anchored).
    expect(second.terms[0]!.elapsedMinor).toBe(prorate(first.terms[0]!.premiumMinor, 170, 365));
    const whole = rerated({ drivers: [workedExampleDriver({ territory: 'rural' })] }, '2025-07-15');
    const fresh = rate(workedExampleRequest({ drivers: [workedExampleDriver({ territory: 'rural' })] }), tables);
    expect(whole).toEqual(fresh);
  });

  it('property: a re-rate never moves the anniversaries nor what elapsed days were charged', () => {
    const leaseDays = (r: RatingResult) => r.terms.reduce((s, t) => s + t.days, 0);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: leaseDays(original) + 30 }),
        fc.constantFrom('urban-core', 'urban', 'suburban', 'rural'),
        fc.array(
          fc.record({
            date: fc.constantFrom('2024-01-10', '2025-08-01', '2026-03-01'),
            atFault: fc.boolean(),
            amountMinor: fc.integer({ min: 0, max: 2_000_000 }),
          }),
          { maxLength: 3 },
        ),
        (offset, territory, claims) => {
          const effective = new Date(Date.UTC(2025, 6, 15 + offset)).toISOString().slice(0, 10);
          const result = rerated(
            { drivers: [cleanDriver('lessee-A', { territory, claims }), cleanDriver('co')] },
            effective,
          );
          expect(result.terms.map((t) => [t.start, t.end, t.days])).toEqual(
            original.terms.map((t) => [t.start, t.end, t.days]),
          );
          result.terms.forEach((term, i) => {
            const before = original.terms[i]!;
            if (term.end <= effective) expect(term.premiumMinor).toBe(before.premiumMinor);
            const elapsedDays = Math.max(
              0,
              Math.min(term.days, Math.round((Date.parse(effective) - Date.parse(term.start)) / 86_400_000)),
            );
            const expected =
              elapsedDays === 0
                ? undefined
                : elapsedDays === before.days
                  ? before.premiumMinor
                  : prorate(before.premiumMinor, elapsedDays, before.days);
            expect(term.elapsedMinor).toBe(expected);
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the premium in force after a re-rate', () => {
  it('is the annual premium of the term the effective date falls in', () => {
    const result = rerated({ drivers: [workedExampleDriver({ territory: 'rural' })] }, '2026-09-01');
    expect(result.terms[0]).toMatchObject({ premiumMinor: 239231, elapsedMinor: 239231 });
    expect(result.annualPremiumMinor).toBe(result.terms[1]!.annualPremiumMinor);
    expect(result.ratedDriverKey).toBe(result.terms[1]!.ratedDriverKey);
  });
});
