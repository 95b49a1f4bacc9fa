// Parsing what arrives at the Function App: one structured-mode CloudEvent, or a batch.
import { parseWith, type Parsed } from './issues';
import { MAX_BATCH_EVENTS, OwnershipEvent } from './ownership-event';

export function parseOwnershipEvent(json: unknown): Parsed<OwnershipEvent> {
  return parseWith(OwnershipEvent, json);
}

export type ParsedBatchItem = Parsed<OwnershipEvent> & { raw: unknown };

/**
 * Batch body = JSON array. Envelope errors (not an array, empty, more than MAX_BATCH_EVENTS) fail
 * the whole batch; otherwise every element is parsed on its own, so one bad event does not sink
 * the others. Element issue paths are relative to the element (its index is its position).
 */
export function parseOwnershipEventBatch(json: unknown): Parsed<ParsedBatchItem[]> {
  if (!Array.isArray(json)) return envelopeError('must be a JSON array of CloudEvents');
  if (json.length === 0) return envelopeError('must contain at least 1 event');
  if (json.length > MAX_BATCH_EVENTS)
    return envelopeError(`must contain at most ${MAX_BATCH_EVENTS} events (got ${json.length})`);
  const elements: unknown[] = json;
  return { ok: true, value: elements.map((raw) => ({ ...parseOwnershipEvent(raw), raw })) };
}

function envelopeError(message: string): Parsed<never> {
  return { ok: false, issues: [{ path: '', message }] };
}
