import { type RpcLogCategory, type RpcLogLevel } from './core-types';

/** One line of the host log: the worker's system logs, the app's context.log, and the host's own lines. */
export interface HostLogEntry {
  time: string;
  level: RpcLogLevel;
  /** 'user' = context.log, 'system' = library/worker, 'host' = this host, 'console' = the app's stdout/stderr. */
  category: RpcLogCategory | 'host' | 'console';
  message: string;
  functionName?: string;
  invocationId?: string;
}

export type HostLogSink = (entry: HostLogEntry) => void;

const levelRank: Record<RpcLogLevel, number> = {
  trace: 0,
  debug: 1,
  information: 2,
  warning: 3,
  error: 4,
  critical: 5,
  none: 6,
};

export const logLevels = Object.keys(levelRank) as RpcLogLevel[];

export function isLogLevel(value: string): value is RpcLogLevel {
  return value in levelRank;
}

/** True when `level` is at or above `minimum` (the `none` level is never printed). */
export function passesLevel(level: RpcLogLevel, minimum: RpcLogLevel): boolean {
  return level !== 'none' && levelRank[level] >= levelRank[minimum];
}

/** `func start`-like console line: `[2026-11-27T11:00:00.000Z] message`. */
export function formatLogLine(entry: HostLogEntry): string {
  const where = entry.functionName !== undefined && entry.category === 'user' ? ` (${entry.functionName})` : '';
  return `[${entry.time}] ${entry.message}${where}`;
}

export function makeEntry(
  level: RpcLogLevel,
  category: HostLogEntry['category'],
  message: string,
  functionName?: string,
  invocationId?: string,
): HostLogEntry {
  const entry: HostLogEntry = { time: new Date().toISOString(), level, category, message };
  if (functionName !== undefined) entry.functionName = functionName;
  if (invocationId !== undefined) entry.invocationId = invocationId;
  return entry;
}
