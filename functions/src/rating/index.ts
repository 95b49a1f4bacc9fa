// Rating engine public API. Pure: no I/O, no clock; the valuation date is the
// request's transferDate.
export * from './types';
export { rate } from './rate';
export { claimCurrencyIssues, claimCurrencyProblem, tableSetCurrency } from './claim-currency';
export {
  loadRateTableSet,
  BUILT_IN_RATE_TABLES,
  builtInRateTableSet,
  type BuiltInRateTableId,
  isBuiltInRateTableId,
} from './table-loader';
