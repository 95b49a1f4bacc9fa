// The review API's item as its published contract states it, used only while the OpenAPI document
// does not describe `ReviewItem` yet (types.ts prefers the document's own schema when present).
export interface Money {
  amount: string;
  currency: string;
}

export interface ReviewItemContract {
  reviewId: string;
  assetId: string;
  historyRowKey: string;
  transactionId: string;
  kind: string;
  reasons: { code: string; message: string }[];
  status: 'open' | 'resolved' | 'superseded';
  annualPremium?: Money;
  unrated?: { reason: string };
  driverKeys: string[];
  recordedAt: string;
  resolution?: {
    decision: 'approve' | 'override';
    reason: string;
    resolvedBy: string;
    resolvedAt: string;
    annualPremium?: Money;
  };
}
