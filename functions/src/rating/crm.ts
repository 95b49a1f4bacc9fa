// French bonus-malus coefficient (coefficient de réduction-majoration, Code des assurances annex to
// A121-1, https://www.legifrance.gouv.fr/codes/id/LEGISCTA000006156959/),
// derived from the driver's insurance and claims history. Reference years end
// `referencePeriodEndsMonthsBefore` months before the term start (Art. 9: two months before the due date).
//  - A claim-free year reduces it (×0.95, ×0.93 for "tous déplacements" use, Art. 4) only when the
//    driver was insured in it with no interruption over three months (Art. 9): the coefficient is
//    earned per insured year, not per licensed year. An uninsured year keeps it unchanged.
//  - Each responsible claim that led to a payment raises it: ×1.25, ×1.125 when partly responsible (Art. 5).
import { addMonths, compareDates, epochDay, formatIsoDate, fromEpochDay, type CalendarDate } from './dates';
import { Dec } from './decimal';
import { firstInsuredDay, uninsuredGaps } from './prior-insurance';
import type { InsuredPeriod } from './request';
import type { RateTable } from './table-schema';

export type CrmConfig = Extract<RateTable['driverRecord'], { scheme: 'CRM_FR' }>['crm'];

/** Art. 9: an interruption of at most three months does not forfeit the year's reduction. */
const MAX_INTERRUPTION_MONTHS = 3;

export interface CrmClaim {
  date: CalendarDate;
  responsibility: 'full' | 'partial';
}

export interface CrmHistory {
  /** null = no insurance declared: no year earns a reduction. */
  insuredPeriods: readonly InsuredPeriod[] | null;
  /** Responsible claims that led to a payment (the only ones that move the coefficient). */
  claims: readonly CrmClaim[];
  /** "Tous déplacements" use: the 7% annual reduction of Art. 4. */
  allTrips: boolean;
}

export interface CrmYear {
  start: string;
  end: string;
  responsibleClaims: number;
  partialClaims: number;
  /** Insured with no interruption over three months (a claim-free year earns the reduction). */
  insured: boolean;
  /** The claim that was not charged (Art. 5: first claim after ≥ 3 years at the floor). */
  forgiven: boolean;
  crm: Dec;
}

export interface CrmResult {
  crm: Dec;
  years: CrmYear[];
}

/** Multiplies and truncates ("stopped at the second decimal and rounded down", Art. 4 and 5). */
function step(crm: Dec, multiplier: string, config: CrmConfig): Dec {
  return crm.times(multiplier).toDecimalPlaces(config.truncateDecimals, Dec.ROUND_DOWN);
}

function insuredThroughout(periods: readonly InsuredPeriod[] | null, start: CalendarDate, end: CalendarDate): boolean {
  if (periods === null) return false;
  return uninsuredGaps(periods, start, end).every(
    (gap) => gap.to <= epochDay(addMonths(fromEpochDay(gap.from), MAX_INTERRUPTION_MONTHS)),
  );
}

/** The first day the history knows of: the first insured day or the first moving claim. */
function historyStart(history: CrmHistory): CalendarDate | null {
  const dates = history.claims.map((c) => c.date);
  const insured = firstInsuredDay(history.insuredPeriods);
  if (insured) dates.push(insured);
  return dates.reduce<CalendarDate | null>(
    (first, d) => (first === null || compareDates(d, first) < 0 ? d : first),
    null,
  );
}

/** Runs the CRM over the reference years from the start of the history to `termStart`, oldest first. */
export function computeCrm(history: CrmHistory, termStart: CalendarDate, config: CrmConfig): CrmResult {
  const lastEnd = addMonths(termStart, -config.referencePeriodEndsMonthsBefore);
  const floor = new Dec(config.floor);
  const cap = new Dec(config.cap);
  const one = new Dec(1);
  const claimFree = history.allTrips ? config.allTripsClaimFreeMultiplier : config.claimFreeMultiplier;
  const first = historyStart(history);
  // Reference years [lastEnd - 12(k+1) months, lastEnd - 12k months) that end after the history starts.
  let count = 0;
  while (first !== null && count < 200 && compareDates(addMonths(lastEnd, -12 * count), first) > 0) count += 1;

  let crm = new Dec(config.initial);
  let claimFreeStreak = 0;
  let yearsAtFloor = 0;
  let forgivenessUsed = false;
  const years: CrmYear[] = [];
  for (let k = count - 1; k >= 0; k -= 1) {
    const start = addMonths(lastEnd, -12 * (k + 1));
    const end = addMonths(lastEnd, -12 * k);
    const claims = history.claims.filter((c) => compareDates(c.date, start) >= 0 && compareDates(c.date, end) < 0);
    const insured = insuredThroughout(history.insuredPeriods, start, end);
    const atFloorAllYear = crm.equals(floor);
    let forgiven = false;
    if (claims.length === 0) {
      // An uninsured year earns nothing and changes nothing (Art. 9: the coefficient "reste acquis");
      // leading ones (before the first insured year) are not listed at all.
      if (!insured) {
        if (years.length > 0)
          years.push({
            start: formatIsoDate(start),
            end: formatIsoDate(end),
            responsibleClaims: 0,
            partialClaims: 0,
            insured,
            forgiven,
            crm,
          });
        continue;
      }
      claimFreeStreak += 1;
      crm = Dec.max(step(crm, claimFree, config), floor);
      if (claimFreeStreak >= config.resetToOneAfterClaimFreeYears) crm = Dec.min(crm, one);
    } else {
      claimFreeStreak = 0;
      for (const claim of [...claims].sort((a, b) => compareDates(a.date, b.date))) {
        if (!forgivenessUsed && yearsAtFloor >= config.forgiveFirstClaimAfterYearsAtFloor) {
          forgivenessUsed = true;
          forgiven = true;
          continue;
        }
        crm = Dec.min(
          step(
            crm,
            claim.responsibility === 'full' ? config.responsibleClaimMultiplier : config.partialClaimMultiplier,
            config,
          ),
          cap,
        );
      }
    }
    yearsAtFloor = atFloorAllYear && crm.equals(floor) ? yearsAtFloor + 1 : 0;
    const partialClaims = claims.filter((c) => c.responsibility === 'partial').length;
    years.push({
      start: formatIsoDate(start),
      end: formatIsoDate(end),
      responsibleClaims: claims.length - partialClaims,
      partialClaims,
      insured,
      forgiven,
      crm,
    });
  }
  return { crm, years };
}
