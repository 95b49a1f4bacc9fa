// Every relativity for one driver at one term start, in a fixed order:
// territory, driverAge, yearsLicensed, driverRecord (+ CRM surcharges), priorInsurance,
// annualMileage, usage, vehicleLiabilityClass, vehicleSymbol, vehicleAge, liabilityLimit, deductible.
// Multiplication is exact, so the order only matters for reading the breakdown.
import { lookupBand, lookupKey, type TableLookup } from './bands';
import { addMonths, compareDates, completedYears, daysBetween, formatIsoDate, type CalendarDate } from './dates';
import { Dec, fromMinor, formatMoney, tableDecimal } from './decimal';
import { driverRecord } from './driver-record';
import { longestGapDays } from './prior-insurance';
import type { DriverInput, NormalizedRequest } from './request';
import type { ComponentLine, FactorStep } from './steps';
import type { RateTable } from './table-schema';
import { RatingError, type Coverage } from './types';

const KM_PER_MILE = new Dec('1.609344');

export interface TermFactors {
  steps: FactorStep[];
  components: ComponentLine[];
  /** Review reasons raised while looking up this driver's factors (unresolved territory, age below the table...). */
  reasons: string[];
}

function step(
  factor: string,
  appliesTo: readonly Coverage[],
  lookup: TableLookup,
  fact?: string,
  note?: string,
): FactorStep {
  return { factor, appliesTo, value: lookup.value, tableRow: lookup.row, fact, note };
}

function disabled(factor: string, appliesTo: readonly Coverage[], why: string): FactorStep {
  return { factor, appliesTo, value: tableDecimal(1), tableRow: `${factor}[${why}]` };
}

/** The jurisdiction whose rules apply to a territory: the table's mapping, else the table's own. */
export function territoryJurisdiction(table: RateTable, territory: string): string {
  const mapped = table.factors.territory.jurisdictions;
  return Object.hasOwn(mapped, territory) ? mapped[territory]! : table.jurisdiction;
}

export function termFactors(
  driver: DriverInput,
  termStart: CalendarDate,
  request: NormalizedRequest,
  table: RateTable,
): TermFactors {
  const f = table.factors;
  const at = formatIsoDate(termStart);
  const steps: FactorStep[] = [];
  const reasons: string[] = [];
  const profile = table.unknownDriver.profile;

  // 1. territory: one the table does not know is refused, never priced as another
  const territory = driver.kind === 'known' ? driver.territory : profile.territory;
  const territoryFact =
    driver.kind === 'known' ? `territory ${territory}` : `unknownDriver.profile.territory=${territory}`;
  const territoryLookup = lookupKey(f.territory.values, territory, 'territory');
  if (territoryLookup === undefined) {
    throw new RatingError(
      `"${territory}" is not a territory of rate table ${table.id} ${table.version} (${Object.keys(f.territory.values).join(', ')})`,
      `${driver.path}.territory`,
    );
  }
  steps.push(step('territory', f.territory.appliesTo, territoryLookup, territoryFact));
  // Jurisdiction rules follow the risk's territory, not the table's label.
  const jurisdiction = territoryJurisdiction(table, territory);

  // 2. driver age, completed years at the term start
  if (f.driverAge.enabled) {
    const age = driver.kind === 'known' ? completedYears(driver.dateOfBirth, termStart) : profile.age;
    const lookup = lookupBand(f.driverAge.bands, tableDecimal(age), 'driverAge', true);
    if (lookup.belowFirstBand)
      reasons.push(`driver age ${age} at ${at} is below the table's youngest band; priced on ${lookup.row}`);
    // The breakdown carries the derived age, never the date of birth (personal data).
    steps.push(
      step(
        'driverAge',
        f.driverAge.appliesTo,
        lookup,
        driver.kind === 'known' ? `dateOfBirth → age ${age} at ${at}` : `unknownDriver.profile.age=${age}`,
      ),
    );
  } else {
    steps.push(disabled('driverAge', f.driverAge.appliesTo, 'disabled'));
  }

  // 3. years licensed
  if (f.yearsLicensed.enabled) {
    let years = profile.yearsLicensed;
    let fact = `unknownDriver.profile.yearsLicensed=${years}`;
    if (driver.kind === 'known') {
      years = Math.max(0, completedYears(driver.licensedSince, termStart));
      fact = `licensedSince ${formatIsoDate(driver.licensedSince)} → ${years} years at ${at}`;
    }
    steps.push(
      step(
        'yearsLicensed',
        f.yearsLicensed.appliesTo,
        lookupBand(f.yearsLicensed.bands, tableDecimal(years), 'yearsLicensed', true),
        fact,
      ),
    );
  } else {
    steps.push(disabled('yearsLicensed', f.yearsLicensed.appliesTo, 'disabled'));
  }

  // 4. driver record (scheme-specific)
  const usage = request.lease?.usage ?? table.defaultLease.usage;
  const record = driverRecord(driver, termStart, usage, table);
  steps.push(...record.steps);

  // 5. prior insurance: longest uninsured gap since licensing in the lookback
  const prior = f.priorInsurance;
  if (!prior.enabled) {
    steps.push(disabled('priorInsurance', prior.appliesTo, 'disabled'));
  } else if (prior.disabledInJurisdictions.includes(jurisdiction)) {
    steps.push(disabled('priorInsurance', prior.appliesTo, `disabled in ${jurisdiction}`));
  } else {
    const none = { value: tableDecimal(prior.noPriorInsurance), row: 'priorInsurance[none]', belowFirstBand: false };
    if (driver.kind === 'unknown') {
      const gap = profile.priorInsuranceGapDays;
      steps.push(
        step(
          'priorInsurance',
          prior.appliesTo,
          gap === null ? none : lookupBand(prior.bands, tableDecimal(gap), 'priorInsurance.gapDays', true),
          `unknownDriver.profile.priorInsuranceGapDays=${gap === null ? 'null' : gap}`,
        ),
      );
    } else {
      const lookbackStart = addMonths(termStart, -prior.lookbackMonths);
      const licensedInWindow = compareDates(driver.licensedSince, lookbackStart) > 0;
      const windowStart = licensedInWindow ? driver.licensedSince : lookbackStart;
      if (driver.insuredPeriods === null && !licensedInWindow) {
        steps.push(step('priorInsurance', prior.appliesTo, none, 'priorInsurance: none declared'));
      } else if (driver.insuredPeriods === null) {
        // A new licensee not insured yet is priced on the time since licensing, exactly as if a policy had
        // ended on the licence date: not charged noPriorInsurance for never having had the chance.
        const gap = Math.max(0, daysBetween(driver.licensedSince, termStart));
        steps.push(
          step(
            'priorInsurance',
            prior.appliesTo,
            lookupBand(prior.bands, tableDecimal(gap), 'priorInsurance.gapDays', true),
            `priorInsurance: none declared, licensed ${gap} days before ${at} (new licensee: the gap since licensing)`,
          ),
        );
      } else {
        const gap = longestGapDays(driver.insuredPeriods, windowStart, termStart);
        const fact = `priorInsurance.periods → longest gap ${gap} days in [${formatIsoDate(windowStart)}, ${at})`;
        steps.push(
          step(
            'priorInsurance',
            prior.appliesTo,
            lookupBand(prior.bands, tableDecimal(gap), 'priorInsurance.gapDays', true),
            fact,
          ),
        );
      }
    }
  }

  // 6. annual mileage (the contract gives km; a table in miles converts exactly)
  const km = request.lease?.annualMileageKm ?? table.defaultLease.annualMileageKm;
  const kmSource = request.lease ? 'lease.annualMileageKm' : 'defaultLease.annualMileageKm';
  const distance = f.annualMileage.unit === 'km' ? new Dec(km) : new Dec(km).dividedBy(KM_PER_MILE);
  steps.push(
    step(
      'annualMileage',
      f.annualMileage.appliesTo,
      lookupBand(f.annualMileage.bands, distance, `annualMileage.${f.annualMileage.unit}`, false),
      `${kmSource} ${km}${f.annualMileage.unit === 'mi' ? ` (= ${distance.toFixed(2)} mi)` : ''}`,
    ),
  );

  // 7. usage
  steps.push(
    step(
      'usage',
      f.usage.appliesTo,
      lookupKey(f.usage.values, usage, 'usage')!,
      `${request.lease ? 'lease' : 'defaultLease'}.usage ${usage}`,
    ),
  );

  // 8. vehicle liability class
  const ratingClass = request.vehicle.ratingClass;
  steps.push(
    step(
      'vehicleLiabilityClass',
      f.vehicleLiabilityClass.appliesTo,
      lookupKey(f.vehicleLiabilityClass.values, ratingClass, 'vehicleLiabilityClass')!,
      `vehicle.ratingClass ${ratingClass}`,
    ),
  );

  // 9. vehicle symbol from the price new, in major units of the table currency
  const priceNew = fromMinor(request.vehicle.valueMinor, table);
  steps.push(
    step(
      'vehicleSymbol',
      f.vehicleSymbol.appliesTo,
      lookupBand(f.vehicleSymbol.bands, priceNew, 'vehicleSymbol', false),
      `vehicle.valueMinor ${request.vehicle.valueMinor} (= ${formatMoney(priceNew, table)} ${table.currency})`,
    ),
  );

  // 10. vehicle age
  const vehicleAge = Math.max(0, termStart.year - request.vehicle.modelYear);
  steps.push(
    step(
      'vehicleAge',
      f.vehicleAge.appliesTo,
      lookupBand(f.vehicleAge.bands, tableDecimal(vehicleAge), 'vehicleAge', true),
      `vehicle.modelYear ${request.vehicle.modelYear} → age ${vehicleAge} in ${termStart.year}`,
    ),
  );

  // 11. liability limit and deductibles
  const limit = request.coverage.liabilityLimit ?? f.liabilityLimit.default;
  const limitLookup = lookupKey(f.liabilityLimit.values, limit, 'liabilityLimit');
  if (limitLookup === undefined)
    throw new RatingError(
      `"${limit}" is not offered by table ${table.id} ${table.version} (${Object.keys(f.liabilityLimit.values).join(', ')})`,
      'coverage.liabilityLimit',
    );
  steps.push(
    step(
      'liabilityLimit',
      f.liabilityLimit.appliesTo,
      limitLookup,
      request.coverage.liabilityLimit ? `coverage.liabilityLimit ${limit}` : `table default ${limit}`,
    ),
  );
  for (const coverage of f.deductible.appliesTo) {
    const field = coverage === 'COLL' ? 'collDeductible' : coverage === 'COMP' ? 'compDeductible' : undefined;
    const chosen = (field && request.coverage[field]) || f.deductible.default[coverage]!;
    const lookup = lookupKey(f.deductible.values[coverage] ?? {}, chosen, `deductible.${coverage}`);
    if (lookup === undefined)
      throw new RatingError(
        `"${chosen}" is not offered by table ${table.id} ${table.version}`,
        `coverage.${field ?? coverage}`,
      );
    steps.push(
      step(
        'deductible',
        [coverage],
        lookup,
        field && request.coverage[field] ? `coverage.${field} ${chosen}` : `table default ${chosen}`,
      ),
    );
  }
  return { steps, components: record.components, reasons };
}
