// Rating engine public API (contracts.md §3). Pure: no I/O, no clock; the valuation date is the
// request's transferDate.
export * from './types';
export { rate } from './rate';
export { loadRateTableSet, BUILT_IN_RATE_TABLES, builtInRateTableSet, type BuiltInRateTableId, isBuiltInRateTableId } from './table-loader';
