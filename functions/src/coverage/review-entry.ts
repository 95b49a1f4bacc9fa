// A record that awaits (or had) an underwriter's review, as the review queue lists it.
import type { Unrated } from '@lease-premium/events';
import type { HistoryKind } from './history-record';

export interface ReviewEntry {
  assetId: string;
  historyRowKey: string;
  transactionId: string;
  kind: HistoryKind;
  reasons: string[];
  annualPremiumMinor?: number;
  currency?: string;
  unrated?: Unrated;
  /** Absent in entries stored by earlier versions. */
  driverKeys?: string[];
  recordedAt: string;
}
