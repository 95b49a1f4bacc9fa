// .devstack/stack.json: the running stack's description, so scripts (demo:load), tests and people
// can find every part. Written when the stack is healthy, rewritten when a part restarts (new pid),
// marked stopped on a clean exit. Field meanings: devstack/src/stack/README.md.
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const STACK_FILE_SCHEMA = 'lease-premium/devstack-stack@1';

const Pid = z.int().positive().nullable();

export const StackDescription = z.object({
  schema: z.literal(STACK_FILE_SCHEMA),
  status: z.enum(['running', 'stopped']),
  startedAt: z.string(),
  updatedAt: z.string(),
  supervisorPid: z.int().positive(),
  /** "persistent": data under stateDir survives restarts; "memory": everything is lost on exit. */
  storageMode: z.enum(['persistent', 'memory']),
  stateDir: z.string(),
  logDir: z.string(),
  ledger: z.object({
    /** Local node started by the stack, or an external node named by LEDGER_API_URL. */
    managedBy: z.enum(['stack', 'external']),
    rootUrl: z.string(),
    apiUrl: z.string(),
    streamUrl: z.string(),
    /** Fault-injection admin endpoint of the local node (tests only; null when off). */
    adminUrl: z.string().nullable(),
    pid: Pid,
  }),
  functionApp: z.object({
    host: z.enum(['local-host', 'func-core-tools']),
    baseUrl: z.string(),
    webhookUrl: z.string(),
    healthUrl: z.string(),
    openApiUrl: z.string(),
    /** The insurer console in a browser (dev sign-in: pick viewer or underwriter). */
    consoleUrl: z.string().optional(),
    /** Send as the x-functions-key header (or ?code=) on every route but health. */
    functionKey: z.string(),
    pid: Pid,
  }),
  webjob: z.object({
    healthUrl: z.string(),
    metricsUrl: z.string(),
    pid: Pid,
  }),
  storage: z.object({
    managedBy: z.enum(['stack', 'external']),
    connectionString: z.string(),
    namePrefix: z.string(),
    /** Azurite's data folder (persistent mode), or null. */
    dataDir: z.string().nullable(),
    pid: Pid,
  }),
  webhook: z.object({
    /** The WEBHOOK_SECRETS value both sides use (local only). */
    secrets: z.array(z.string()),
  }),
  leasingCompany: z.object({
    /** The car issuer the WebJob trusts (LEASING_COMPANY_PUBLIC_KEYS). */
    publicKey: z.string(),
    /** Its private key: signs the demo's CREATE and lease TRANSFERs. Local only, never reuse. */
    privateKey: z.string(),
  }),
});
export type StackDescription = z.infer<typeof StackDescription>;

export function stackFilePath(stateDir: string): string {
  return path.join(stateDir, 'stack.json');
}

/** Writes atomically (temp file + rename) so a reader never sees half a file. */
export async function writeStackFile(stateDir: string, description: StackDescription): Promise<void> {
  const file = stackFilePath(stateDir);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(description, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, file);
}

/** Reads and validates stack.json; a clear error when the stack was never started or the file is bad. */
export async function readStackFile(stateDir: string): Promise<StackDescription> {
  const file = stackFilePath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${file} not found: start the stack first (npm start)`);
    throw error;
  }
  const parsed = StackDescription.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new Error(
      `${file} is not a stack description this version understands: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

/** True when the process exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
