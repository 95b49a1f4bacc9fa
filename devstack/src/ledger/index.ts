// The local BigchainDB-compatible ledger node: programmatic entry point (tests, stack runner, benchmarks).
export { startLedgerNode, type LedgerNode, type LedgerNodeOptions } from './node';
export { LedgerFaults } from './faults';
export { EVENTS_ENDPOINT, type WsFormat } from './ws-stream';
export { ChainLogCorruptError } from './chain-log';
export { ADMIN_USAGE } from './admin-api';
export type { LogLevel } from './log';
