// The underwriters' queue: each flagged premium with its reasons, car, driver(s) and (on demand)
// its breakdown; approve or override with a reason. Filtered by reason, paged, refreshed live.
// Uses the review API (GET /reviews, POST /reviews/{id}/resolution) when the Function App's OpenAPI
// document offers it; otherwise the read-only queue of GET /premiums?needsReview=true.
import { memo } from 'preact/compat';
import { useCallback, useState } from 'preact/hooks';
import { getJson } from '../api/client';
import type { ReviewItem, ReviewItemsPage, ReviewPage } from '../api/types';
import { DriverLinks } from '../components/driver-links';
import { Pager, usePager } from '../components/pager';
import { ReviewDetail } from '../components/review-detail';
import { dateTime, decimalMoney, money, shortId } from '../format';
import { href } from '../router';
import { useData } from '../use-data';

const LIVE_MS = 5_000;
const PAGE_SIZE = 100;

interface OpenApiPaths {
  paths?: Record<string, unknown>;
}

/** Whether the Function App offers the review API: asked once per page load. */
let reviewApiOffered: Promise<boolean> | undefined;
function offersReviewApi(): Promise<boolean> {
  reviewApiOffered ??= getJson<OpenApiPaths>('openapi.json').then(
    (doc) => Boolean(doc.paths?.['/reviews']),
    (error: unknown) => {
      reviewApiOffered = undefined;
      throw error;
    },
  );
  return reviewApiOffered;
}

// The queue is the landing page: ask alongside the session instead of after it.
if (location.hash === '' || location.hash.startsWith('#/reviews')) offersReviewApi().catch(() => undefined);

export function ReviewsPage({ underwriter, resolvedBy }: { underwriter: boolean; resolvedBy: string }) {
  const api = useData(() => offersReviewApi(), []);
  if (api.error)
    return (
      <p class="error" role="alert">
        {api.error}
      </p>
    );
  if (api.value === undefined) return <p class="muted">Loading…</p>;
  return api.value ? <ReviewQueue underwriter={underwriter} resolvedBy={resolvedBy} /> : <LegacyQueue />;
}

function ReviewQueue({ underwriter, resolvedBy }: { underwriter: boolean; resolvedBy: string }) {
  const pager = usePager();
  const [reason, setReason] = useState('');
  const [knownReasons, setKnownReasons] = useState<string[]>([]);
  const [open, setOpen] = useState<string>();
  const queue = useData(
    (signal) =>
      getJson<ReviewItemsPage>(
        'reviews',
        { status: 'open', reason, pageSize: PAGE_SIZE, continuationToken: pager.token },
        signal,
      ).then((page) => {
        const codes = page.items.flatMap((item) => item.reasons.map((r) => r.code));
        setKnownReasons((known) =>
          codes.every((c) => known.includes(c)) ? known : [...new Set([...known, ...codes])].sort(),
        );
        return page;
      }),
    [reason, pager.token],
    LIVE_MS,
  );
  const items = queue.value?.items ?? [];
  const toggle = useCallback(
    (reviewId: string) => setOpen((current) => (current === reviewId ? undefined : reviewId)),
    [],
  );
  const reload = queue.reload;
  const resolved = useCallback(() => {
    setOpen(undefined);
    reload();
  }, [reload]);

  return (
    <section aria-labelledby="reviews-title">
      <div class="page-head">
        <h1 id="reviews-title">Review queue</h1>
        <label class="inline-field">
          Filter by reason{' '}
          <select
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              pager.reset();
            }}
          >
            <option value="">All reasons</option>
            {knownReasons.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
        <span class="live">
          <span class="live-dot" aria-hidden="true" /> live
        </span>
      </div>
      {queue.error ? (
        <p class="error" role="alert">
          {queue.error}
        </p>
      ) : null}
      <div class="table-wrap">
        <table data-testid="review-queue">
          <caption class="visually-hidden">Open reviews</caption>
          <thead>
            <tr>
              <th scope="col">Flagged</th>
              <th scope="col">Reasons</th>
              <th scope="col">Car</th>
              <th scope="col">Driver(s)</th>
              <th scope="col" class="num">
                Annual premium
              </th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <ReviewRow
                key={item.reviewId}
                item={item}
                open={open === item.reviewId}
                underwriter={underwriter}
                resolvedBy={resolvedBy}
                onToggle={toggle}
                onResolved={resolved}
              />
            ))}
          </tbody>
        </table>
      </div>
      {queue.value && items.length === 0 ? (
        <p class="empty">Nothing to review{reason ? ` for ${reason}` : ''}.</p>
      ) : null}
      <Pager pager={pager} next={queue.value?.continuationToken} />
    </section>
  );
}

interface ReviewRowProps {
  item: ReviewItem;
  open: boolean;
  underwriter: boolean;
  resolvedBy: string;
  onToggle: (reviewId: string) => void;
  onResolved: () => void;
}

/** One queue row (and its detail when open); memoized so a refresh re-renders only what changed. */
const ReviewRow = memo(function ReviewRow({
  item,
  open,
  underwriter,
  resolvedBy,
  onToggle,
  onResolved,
}: ReviewRowProps) {
  return (
    <>
      <tr data-testid="review-row" data-review-id={item.reviewId} data-asset-id={item.assetId}>
        <td>{dateTime(item.recordedAt)}</td>
        <td>
          <ul class="reasons">
            {item.reasons.map((r) => (
              <li key={r.code} title={r.message}>
                <span class="badge warn">{r.code}</span> {r.message}
              </li>
            ))}
          </ul>
        </td>
        <td>
          <a class="mono" href={href.car(item.assetId)}>
            {shortId(item.assetId)}
          </a>
          <br />
          <span class="muted">{item.kind}</span>
        </td>
        <td>
          <DriverLinks keys={item.driverKeys} />
        </td>
        <td class="num">
          {item.unrated ? <span class="badge">unrated: {item.unrated.reason}</span> : decimalMoney(item.annualPremium)}
        </td>
        <td>
          <button type="button" class="small" aria-expanded={open} onClick={() => onToggle(item.reviewId)}>
            {open ? 'Close' : underwriter ? 'Review' : 'Details'}
          </button>
        </td>
      </tr>
      {open ? (
        <tr class="detail-row">
          <td colSpan={6}>
            <ReviewDetail item={item} underwriter={underwriter} resolvedBy={resolvedBy} onResolved={onResolved} />
          </td>
        </tr>
      ) : null}
    </>
  );
});

/** Before the review API: the flagged premiums, read-only. */
function LegacyQueue() {
  const pager = usePager();
  const queue = useData(
    (signal) =>
      getJson<ReviewPage>(
        'premiums',
        { needsReview: 'true', pageSize: PAGE_SIZE, continuationToken: pager.token },
        signal,
      ),
    [pager.token],
    LIVE_MS,
  );
  return (
    <section aria-labelledby="reviews-title">
      <div class="page-head">
        <h1 id="reviews-title">Review queue</h1>
        <span class="live">
          <span class="live-dot" aria-hidden="true" /> live
        </span>
      </div>
      <p class="note" role="note">
        This Function App does not offer the review API yet: the queue is read-only.
      </p>
      {queue.error ? (
        <p class="error" role="alert">
          {queue.error}
        </p>
      ) : null}
      <div class="table-wrap">
        <table data-testid="review-queue">
          <thead>
            <tr>
              <th scope="col">Flagged</th>
              <th scope="col">Reasons</th>
              <th scope="col">Car</th>
              <th scope="col" class="num">
                Annual premium
              </th>
            </tr>
          </thead>
          <tbody>
            {(queue.value?.items ?? []).map((entry) => (
              <tr key={`${entry.assetId}/${entry.recordId}`} data-testid="review-row" data-asset-id={entry.assetId}>
                <td>{dateTime(entry.recordedAt)}</td>
                <td>
                  {entry.reasons.map((r) => (
                    <span key={r} class="badge warn">
                      {r}
                    </span>
                  ))}
                </td>
                <td>
                  <a class="mono" href={href.car(entry.assetId)}>
                    {shortId(entry.assetId)}
                  </a>
                </td>
                <td class="num">{money(entry.annualPremiumMinor, entry.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {queue.value && queue.value.items.length === 0 ? <p class="empty">Nothing to review.</p> : null}
      <Pager pager={pager} next={queue.value?.continuationToken} />
    </section>
  );
}
