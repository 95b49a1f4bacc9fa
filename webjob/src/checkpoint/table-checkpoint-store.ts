// Checkpoint in Azure Table storage: PK = ledger source, RK = consumer name, guarded by ETag so
// two instances can never both move it (the loser learns it lost leadership).
import type { TableClient } from '@azure/data-tables';
import { encodeTableKey, isConflict, statusOf } from '@lease-premium/events/azure-storage';
import { CheckpointConflictError, type CheckpointStore } from './checkpoint-store';

interface CheckpointEntity {
  partitionKey: string;
  rowKey: string;
  height: number;
  updatedAt: string;
}

export class TableCheckpointStore implements CheckpointStore {
  private etag: string | undefined;
  private readonly pk: string;
  private readonly rk: string;

  constructor(
    private readonly table: TableClient,
    source: string,
    consumer: string,
  ) {
    this.pk = encodeTableKey(source);
    this.rk = encodeTableKey(consumer);
  }

  async load(): Promise<number | undefined> {
    try {
      const entity = await this.table.getEntity<CheckpointEntity>(this.pk, this.rk);
      this.etag = entity.etag;
      return Number(entity.height);
    } catch (error) {
      if (statusOf(error) === 404) {
        this.etag = undefined;
        return undefined;
      }
      throw error;
    }
  }

  async save(height: number): Promise<void> {
    const entity: CheckpointEntity = {
      partitionKey: this.pk,
      rowKey: this.rk,
      height,
      updatedAt: new Date().toISOString(),
    };
    try {
      if (this.etag === undefined) {
        const result = await this.table.createEntity(entity);
        this.etag = result.etag;
      } else {
        const result = await this.table.updateEntity(entity, 'Replace', { etag: this.etag });
        this.etag = result.etag;
      }
    } catch (error) {
      if (isConflict(error)) {
        throw new CheckpointConflictError(
          `checkpoint ${this.pk}/${this.rk} was changed by another writer (HTTP ${statusOf(error)})`,
        );
      }
      throw error;
    }
  }
}
