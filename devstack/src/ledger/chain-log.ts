// Append-only persistence of committed blocks (--data DIR): one line per block,
// "<sha256 of payload, hex> <payload JSON>\n". A kill -9 can only tear the last line; loading detects that
// (missing newline, bad checksum or bad JSON on the LAST line), discards it and truncates the file back to the
// last whole record. Damage anywhere else refuses to load rather than silently dropping committed blocks.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeTransactionDict } from './node-transaction';

export interface BlockRecord {
  height: number;
  committedAt: number;
  transactions: NodeTransactionDict[];
}

export interface LoadResult {
  records: BlockRecord[];
  /** Bytes of a torn last record that were discarded (0 when the log was whole). */
  discardedBytes: number;
}

export class ChainLogCorruptError extends Error {}

const NEWLINE = 0x0a;

function checksum(payload: string | Buffer): string {
  return createHash('sha256').update(payload).digest('hex');
}

function parseRecord(line: Buffer, expectedHeight: number): BlockRecord | undefined {
  if (line.length < 66 || line[64] !== 0x20) return undefined;
  const payload = line.subarray(65);
  if (checksum(payload) !== line.subarray(0, 64).toString('latin1')) return undefined;
  try {
    const record = JSON.parse(payload.toString('utf8')) as BlockRecord;
    return record.height === expectedHeight && Array.isArray(record.transactions) ? record : undefined;
  } catch {
    return undefined;
  }
}

export class ChainLog {
  private constructor(
    private fd: number | undefined,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) DIR/chain.log and returns the whole records it holds. */
  static open(dataDir: string): { log: ChainLog } & LoadResult {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, 'chain.log');
    const fd = openSync(path, 'a+');
    try {
      const size = fstatSync(fd).size;
      const content = Buffer.alloc(size);
      let read = 0;
      while (read < size) read += readSync(fd, content, read, size - read, read);
      const records: BlockRecord[] = [];
      let offset = 0;
      let discardedBytes = 0;
      while (offset < size) {
        const end = content.indexOf(NEWLINE, offset);
        const last = end === -1 || content.indexOf(NEWLINE, end + 1) === -1;
        const record = end === -1 ? undefined : parseRecord(content.subarray(offset, end), records.length + 1);
        if (!record) {
          if (!last) {
            throw new ChainLogCorruptError(
              `${path}: record ${records.length + 1} at byte ${offset} is damaged and is not the last one; refusing to load`,
            );
          }
          discardedBytes = size - offset;
          ftruncateSync(fd, offset);
          break;
        }
        records.push(record);
        offset = end + 1;
      }
      return { log: new ChainLog(fd, path), records, discardedBytes };
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Appends one block; returns once the bytes are in the operating system (they survive a process kill). */
  append(record: BlockRecord): void {
    if (this.fd === undefined) throw new Error('chain log is closed');
    const payload = JSON.stringify(record);
    const line = Buffer.from(`${checksum(payload)} ${payload}\n`, 'utf8');
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
