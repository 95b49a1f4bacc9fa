// One consumer at a time, anywhere: whoever holds the lease on a well-known blob consumes.
// The lease is renewed four times per period; if a renewal is refused, or renewals keep
// failing until the lease may have expired, leadership is lost and the owner must stop at once.
import { randomUUID } from 'node:crypto';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import type { Logger } from '../ops/logger';
import { isConflict, statusOf } from '@lease-premium/events/azure-storage';
import { LIFETIME_TUNING } from '../tuning';

export interface LeadershipTerm {
  /** Aborts the moment leadership is lost (or released). */
  readonly signal: AbortSignal;
  /** Stops renewing and releases the lease so a successor can take over immediately. */
  release(): Promise<void>;
}

export class BlobLeadership {
  private readonly blobName: string;

  constructor(
    private readonly container: ContainerClient,
    name: string,
    private readonly leaseSeconds: number,
    private readonly logger: Logger,
  ) {
    this.blobName = `${name}.leader`;
  }

  /** Takes the lease if free; undefined when another instance holds it. */
  async tryAcquire(): Promise<LeadershipTerm | undefined> {
    const blob = this.container.getBlockBlobClient(this.blobName);
    try {
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      if (!isConflict(error)) throw error; // exists already (maybe leased): fine
    }
    const lease = blob.getBlobLeaseClient(randomUUID());
    try {
      await lease.acquireLease(this.leaseSeconds);
    } catch (error) {
      if (statusOf(error) === 409) return undefined;
      throw error;
    }
    this.logger.info('leadership acquired', { blob: this.blobName, leaseSeconds: this.leaseSeconds });
    return this.hold(lease);
  }

  private hold(lease: BlobLeaseClient): LeadershipTerm {
    const controller = new AbortController();
    const leaseMs = this.leaseSeconds * 1000;
    let renewing = false;
    // Deadline well before the lease can expire: past it, someone else may already hold it.
    const expiryMs = leaseMs - LIFETIME_TUNING.leaseExpiryMarginMs;
    let expiry = setTimeout(() => lose('renewals failed until the lease may have expired'), expiryMs);
    const lose = (reason: string, error?: unknown): void => {
      if (controller.signal.aborted) return;
      clearInterval(timer);
      clearTimeout(expiry);
      this.logger.error('leadership lost: stopping consumption', { reason, ...(error ? { error } : {}) });
      controller.abort(new Error(`leadership lost: ${reason}`));
    };
    const timer = setInterval(
      () => {
        if (renewing || controller.signal.aborted) return;
        renewing = true;
        lease
          .renewLease()
          .then(() => {
            if (controller.signal.aborted) return;
            clearTimeout(expiry);
            expiry = setTimeout(() => lose('renewals failed until the lease may have expired'), expiryMs);
          })
          .catch((error: unknown) => {
            if (isConflict(error)) lose(`renewal refused (HTTP ${statusOf(error)})`, error);
            else this.logger.warn('lease renewal failed; will retry', { error });
          })
          .finally(() => {
            renewing = false;
          });
      },
      Math.max(1_000, Math.floor(leaseMs / LIFETIME_TUNING.leaseRenewalsPerPeriod)),
    );
    return {
      signal: controller.signal,
      release: async () => {
        clearInterval(timer);
        clearTimeout(expiry);
        const wasHeld = !controller.signal.aborted;
        controller.abort(new Error('leadership released'));
        if (!wasHeld) return;
        try {
          await lease.releaseLease();
          this.logger.info('leadership released', { blob: this.blobName });
        } catch (error) {
          this.logger.warn('lease release failed (it will expire by itself)', { error });
        }
      },
    };
  }
}
