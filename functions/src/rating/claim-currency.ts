// Claim amounts are compared with the rate table's thresholds (minimum paid), so a claim must be in
// the table's currency: no exchange rate is applied anywhere (a rate of the day would make the same
// history price differently from one day to the next). The back office refuses any other currency
// with a 400; the engine refuses it too (RatingError) for anything stored before this rule.
import type { RateTableSet } from './table-schema';

/** The currency every version of a set prices (the loader refuses a set that mixes currencies). */
export function tableSetCurrency(tables: RateTableSet): string {
  return tables.versions[0]!.table.currency;
}

/** Why a claim in `claimCurrency` (absent = the table's) cannot be rated by a table pricing `tableCurrency`; undefined when it can. */
export function claimCurrencyProblem(claimCurrency: string | undefined, tableCurrency: string): string | undefined {
  if (claimCurrency === undefined || claimCurrency === tableCurrency) return undefined;
  return `claim amounts in ${claimCurrency} cannot be compared with the rate table's ${tableCurrency} thresholds (never converted): record the claim in ${tableCurrency}`;
}

/** Validation issues (path + message) for the claims a table set cannot rate; `pathOf(i)` names claim i's currency field. */
export function claimCurrencyIssues(
  claims: readonly { currency?: string }[],
  tables: RateTableSet,
  pathOf: (index: number) => string,
): { path: string; message: string }[] {
  const currency = tableSetCurrency(tables);
  return claims.flatMap((claim, i) => {
    const problem = claimCurrencyProblem(claim.currency, currency);
    return problem === undefined ? [] : [{ path: pathOf(i), message: problem }];
  });
}
