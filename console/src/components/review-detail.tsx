// One open review, expanded: the flagged record's breakdown (from the car's history) and, for
// underwriters, the approve / override form.
import { useState } from 'preact/hooks';
import { describeError, getJson, postJson } from '../api/client';
import type { HistoryPage, ReviewItem } from '../api/types';
import { useData } from '../use-data';
import { BreakdownTable } from './breakdown-table';

/** The review API's limits on a resolution (400 beyond them). */
const MAX_REASON = 500;

async function flaggedRecord(item: ReviewItem, signal: AbortSignal) {
  let token: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await getJson<HistoryPage>(
      `vehicles/${encodeURIComponent(item.assetId)}/premiums`,
      { pageSize: 1000, continuationToken: token },
      signal,
    );
    const found = page.items.find((record) => record.recordId === item.historyRowKey);
    if (found) return found;
    token = page.continuationToken;
    if (!token) break;
  }
  return undefined;
}

export function ReviewDetail({
  item,
  underwriter,
  resolvedBy,
  onResolved,
}: {
  item: ReviewItem;
  underwriter: boolean;
  resolvedBy: string;
  onResolved: () => void;
}) {
  const record = useData((signal) => flaggedRecord(item, signal), [item.reviewId]);
  const [decision, setDecision] = useState<'approve' | 'override'>('approve');
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const currency = item.annualPremium?.currency ?? record.value?.currency ?? 'USD';

  const submit = (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body = {
      decision,
      reason: reason.trim(),
      resolvedBy,
      ...(decision === 'override' ? { annualPremium: { amount: Number(amount).toFixed(2), currency } } : {}),
    };
    postJson(`reviews/${encodeURIComponent(item.reviewId)}/resolution`, body).then(
      () => {
        setBusy(false);
        onResolved();
      },
      (failure: unknown) => {
        setBusy(false);
        setError(describeError(failure));
      },
    );
  };

  return (
    <div class="review-detail">
      {underwriter ? (
        <form class="resolution" onSubmit={submit} aria-label="Resolve this review">
          <fieldset>
            <legend>Decision</legend>
            <label class="check">
              <input
                type="radio"
                name={`decision-${item.reviewId}`}
                value="approve"
                checked={decision === 'approve'}
                onChange={() => setDecision('approve')}
              />{' '}
              Approve the premium
            </label>
            <label class="check">
              <input
                type="radio"
                name={`decision-${item.reviewId}`}
                value="override"
                checked={decision === 'override'}
                onChange={() => setDecision('override')}
              />{' '}
              Override it
            </label>
          </fieldset>
          {decision === 'override' ? (
            <label>
              Annual premium ({currency}){' '}
              <input
                type="number"
                required
                min="0"
                step="0.01"
                value={amount}
                onInput={(e) => setAmount(e.currentTarget.value)}
              />
            </label>
          ) : null}
          <label>
            Reason for the decision{' '}
            <textarea
              required
              maxLength={MAX_REASON}
              rows={2}
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="primary" disabled={busy} data-testid="resolve">
            {busy ? 'Saving…' : decision === 'approve' ? 'Approve' : 'Override'}
          </button>
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
        </form>
      ) : (
        <p class="muted">Only underwriters resolve reviews.</p>
      )}
      {record.error ? <p class="error">{record.error}</p> : null}
      {record.value?.breakdown ? (
        <BreakdownTable lines={record.value.breakdown} caption="Breakdown of the flagged premium" open />
      ) : record.loading ? (
        <p class="muted">Loading the breakdown…</p>
      ) : null}
      <p class="muted">
        Ledger transaction <span class="mono">{item.transactionId}</span>
      </p>
    </div>
  );
}
