// French bonus-malus coefficient (coefficient de réduction-majoration, Code des assurances annex to
// A121-1), derived from the claims history: one reference year per licensed year, each ending
// `referencePeriodEndsMonthsBefore` months before the term start (Art. 4: 2 months before the due date).
import { addMonths, compareDates, formatIsoDate, type CalendarDate } from './dates';
import { Dec } from './decimal';
import type { RateTable } from './table-schema';

export type CrmConfig = Extract<RateTable['driverRecord'], { scheme: 'CRM_FR' }>['crm'];

export interface CrmYear {
  start: string;
  end: string;
  responsibleClaims: number;
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

/**
 * Runs the CRM over the reference years between `firstInsured` and `termStart`, oldest first.
 * `responsibleClaimDates` are the at-fault claims; non-responsible claims never count (Art. 6).
 */
export function computeCrm(firstInsured: CalendarDate, responsibleClaimDates: readonly CalendarDate[], termStart: CalendarDate, config: CrmConfig): CrmResult {
  const lastEnd = addMonths(termStart, -config.referencePeriodEndsMonthsBefore);
  const floor = new Dec(config.floor);
  const cap = new Dec(config.cap);
  const one = new Dec(1);
  // Reference years [lastEnd - 12(k+1) months, lastEnd - 12k months) that start on or after the first insured day.
  let count = 0;
  while (count < 200 && compareDates(addMonths(lastEnd, -12 * (count + 1)), firstInsured) >= 0) count += 1;

  let crm = new Dec(config.initial);
  let claimFreeStreak = 0;
  let yearsAtFloor = 0;
  let forgivenessUsed = false;
  const years: CrmYear[] = [];
  for (let k = count - 1; k >= 0; k -= 1) {
    const start = addMonths(lastEnd, -12 * (k + 1));
    const end = addMonths(lastEnd, -12 * k);
    const claims = responsibleClaimDates.filter((d) => compareDates(d, start) >= 0 && compareDates(d, end) < 0).length;
    const atFloorAllYear = crm.equals(floor);
    let forgiven = false;
    if (claims === 0) {
      claimFreeStreak += 1;
      crm = Dec.max(step(crm, config.claimFreeMultiplier, config), floor);
      if (claimFreeStreak >= config.resetToOneAfterClaimFreeYears) crm = Dec.min(crm, one);
    } else {
      claimFreeStreak = 0;
      for (let c = 0; c < claims; c += 1) {
        if (!forgivenessUsed && yearsAtFloor >= config.forgiveFirstClaimAfterYearsAtFloor) {
          forgivenessUsed = true;
          forgiven = true;
          continue;
        }
        crm = Dec.min(step(crm, config.responsibleClaimMultiplier, config), cap);
      }
    }
    yearsAtFloor = atFloorAllYear && crm.equals(floor) ? yearsAtFloor + 1 : 0;
    years.push({ start: formatIsoDate(start), end: formatIsoDate(end), responsibleClaims: claims, forgiven, crm });
  }
  return { crm, years };
}
