// The demo's progress, so the next `npm start` neither replays it nor re-posts a transaction: every
// signed transaction is journalled ("pending") before it is posted, and each finished step is
// recorded. Persistent mode keeps it in .devstack/demo-progress.json; memory mode keeps it in memory.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ed25519Keypair } from 'bigchaindb-driver';
import { z } from 'zod';
import type { KeyPair } from '../stack/local-config';
import type { SignedTransaction } from './lease-ledger';

export const DEMO_PROGRESS_SCHEMA = 'lease-premium/devstack-demo-progress@1';

const Key = z.object({ publicKey: z.string(), privateKey: z.string() });
/** Transactions are stored as the ledger returned them; the driver re-validates them when spending. */
const StoredTransaction = z.custom<SignedTransaction>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string',
);

export const DemoProgress = z.object({
  schema: z.literal(DEMO_PROGRESS_SCHEMA),
  /** The scenario's "today", fixed on the first run so a resumed demo tells the same story. */
  today: z.string(),
  currency: z.string(),
  drivers: z.record(z.string(), Key),
  cars: z.array(z.object({ assetId: z.string().nullable(), lastTx: StoredTransaction.nullable(), holder: z.string() })),
  done: z.array(z.string()),
  pending: z.object({ stepId: z.string(), tx: StoredTransaction }).nullable(),
  finishedAt: z.string().nullable(),
});
export type DemoProgress = z.infer<typeof DemoProgress>;

export function newProgress(
  today: string,
  currency: string,
  driverNames: readonly string[],
  carCount: number,
): DemoProgress {
  const drivers: Record<string, KeyPair> = {};
  for (const name of driverNames) {
    const key = new Ed25519Keypair();
    drivers[name] = { publicKey: key.publicKey, privateKey: key.privateKey };
  }
  return {
    schema: DEMO_PROGRESS_SCHEMA,
    today,
    currency,
    drivers,
    cars: Array.from({ length: carCount }, () => ({ assetId: null, lastTx: null, holder: 'company' })),
    done: [],
    pending: null,
    finishedAt: null,
  };
}

export interface ProgressStore {
  load(): Promise<DemoProgress | undefined>;
  save(progress: DemoProgress): Promise<void>;
  readonly where: string;
}

export function fileProgressStore(dir: string): ProgressStore {
  const file = path.join(dir, 'demo-progress.json');
  return {
    where: file,
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      const parsed = DemoProgress.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Error(
          `${file} is not valid demo progress (${z.prettifyError(parsed.error)}); delete it to play the demo again`,
        );
      return parsed.data;
    },
    async save(progress) {
      const temp = `${file}.tmp`;
      await writeFile(temp, `${JSON.stringify(progress, null, 2)}\n`, { mode: 0o600 });
      await rename(temp, file);
    },
  };
}

export function memoryProgressStore(): ProgressStore {
  let stored: DemoProgress | undefined;
  return {
    where: 'memory',
    load: () => Promise.resolve(stored && structuredClone(stored)),
    save: (progress) => {
      stored = structuredClone(progress);
      return Promise.resolve();
    },
  };
}
