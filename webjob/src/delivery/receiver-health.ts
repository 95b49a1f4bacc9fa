// Tells a poison event from an outage. A failed request counts against its events only when the
// receiver otherwise answers: another request was acknowledged after the failed one started, or
// its health endpoint answers 200. While neither holds the receiver is down, and a failure says
// nothing about the events it carried (Service Bus and the Functions queue trigger count every
// failed delivery, so an outage longer than their budget dead-letters healthy messages).
import { DELIVERY_TUNING } from '../tuning';
import { requestSignal } from '../util/request-signal';

export interface ReceiverHealthOptions {
  healthUrl: string;
  timeoutMs: number;
  /** A probe answer is reused this long, so a batch being split does not probe once per piece. */
  cacheMs?: number;
}

export class ReceiverHealth {
  private lastAcknowledgedAt = Number.NEGATIVE_INFINITY;
  private probe: { at: number; answer: Promise<boolean> } | undefined;

  constructor(private readonly options: ReceiverHealthOptions) {}

  /** A request was acknowledged (a 2xx with results): the receiver answers. */
  noteAcknowledged(at: number = performance.now()): void {
    this.lastAcknowledgedAt = Math.max(this.lastAcknowledgedAt, at);
  }

  /** Whether the receiver answered other requests since `since` (performance.now()) or reports itself healthy now. */
  async answersSince(since: number, signal: AbortSignal): Promise<boolean> {
    if (this.lastAcknowledgedAt >= since) return true;
    const now = performance.now();
    if (!this.probe || now - this.probe.at > (this.options.cacheMs ?? DELIVERY_TUNING.healthProbeCacheMs))
      this.probe = { at: now, answer: this.isHealthy(signal) };
    return this.probe.answer;
  }

  private async isHealthy(signal: AbortSignal): Promise<boolean> {
    const request = requestSignal(signal, this.options.timeoutMs);
    try {
      const response = await fetch(this.options.healthUrl, { signal: request.signal });
      await response.arrayBuffer();
      return response.status === 200;
    } catch {
      return false;
    } finally {
      request.dispose();
    }
  }
}
