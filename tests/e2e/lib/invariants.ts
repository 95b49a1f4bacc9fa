// The end-to-end invariants, checked against the ledger itself (the source of truth):
// - every ownership-change transaction of a car has exactly one history record (keyed by its id),
//   and no record names a transaction the ledger does not hold for that car;
// - every lease TRANSFER has exactly one premium record;
// - each car's current state reflects its latest ledger transaction (active premium for the lessee
//   after a lease start, closed after a lease end).
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackOfficeClient } from '../../../devstack/src/demo/back-office-client';

interface LedgerTx {
  id: string;
  operation: 'CREATE' | 'TRANSFER';
  inputs: Array<{ fulfills: { transaction_id: string; output_index: number } | null }>;
  outputs: Array<{ public_keys: string[] }>;
  metadata: { action?: string } | null;
}

/** The car's transactions in ledger order: CREATE, then each TRANSFER spending the previous one. */
export async function ledgerChain(ledgerApiUrl: string, assetId: string): Promise<LedgerTx[]> {
  const response = await fetch(new URL(`transactions?asset_id=${assetId}`, ledgerApiUrl), {
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`ledger GET transactions?asset_id=${assetId}: HTTP ${response.status}`);
  const all = (await response.json()) as LedgerTx[];
  const bySpent = new Map<string, LedgerTx>();
  for (const tx of all) {
    const spent = tx.inputs[0]?.fulfills?.transaction_id;
    if (tx.operation === 'TRANSFER' && spent) bySpent.set(spent, tx);
  }
  const chain: LedgerTx[] = [];
  let cursor = all.find((tx) => tx.operation === 'CREATE');
  while (cursor && chain.length <= all.length) {
    chain.push(cursor);
    cursor = bySpent.get(cursor.id);
  }
  if (chain.length !== all.length)
    throw new Error(`ledger chain of ${assetId} has ${all.length} transactions but only ${chain.length} link up`);
  return chain;
}

export interface ConsistencyReport {
  problems: string[];
  /** History records per car (for further assertions). */
  histories: Map<string, Record<string, unknown>[]>;
  chains: Map<string, LedgerTx[]>;
}

export async function checkConsistency(
  api: BackOfficeClient,
  ledgerApiUrl: string,
  assetIds: readonly string[],
): Promise<ConsistencyReport> {
  const problems: string[] = [];
  const histories = new Map<string, Record<string, unknown>[]>();
  const chains = new Map<string, LedgerTx[]>();
  for (const assetId of assetIds) {
    const chain = await ledgerChain(ledgerApiUrl, assetId);
    chains.set(assetId, chain);
    let history: Record<string, unknown>[];
    try {
      history = await api.premiumHistory(assetId);
    } catch (error) {
      problems.push(`${assetId}: history unavailable (${(error as Error).message.slice(0, 80)})`);
      continue;
    }
    histories.set(assetId, history);
    const eventRecords = history.filter((r) => r.kind !== 're-rate');
    const counts = new Map<string, number>();
    for (const record of eventRecords)
      counts.set(String(record.transactionId), (counts.get(String(record.transactionId)) ?? 0) + 1);
    for (const tx of chain) {
      const n = counts.get(tx.id) ?? 0;
      if (n !== 1)
        problems.push(
          `${assetId}: ${tx.operation} ${tx.metadata?.action ?? ''} ${tx.id.slice(0, 10)} has ${n} history records`,
        );
      const record = eventRecords.find((r) => r.transactionId === tx.id);
      const expectedKind =
        tx.operation === 'CREATE' ? 'registration' : tx.metadata?.action === 'lease-end' ? 'closure' : 'premium';
      if (record && record.kind !== expectedKind)
        problems.push(
          `${assetId}: record of ${tx.id.slice(0, 10)} is ${String(record.kind)}, expected ${expectedKind}`,
        );
    }
    for (const id of counts.keys())
      if (!chain.some((tx) => tx.id === id))
        problems.push(`${assetId}: history names ${id.slice(0, 10)}, which the ledger does not hold for this car`);

    const latest = chain[chain.length - 1]!;
    const current = await api.currentPremium(assetId);
    if (!current) {
      problems.push(`${assetId}: no current coverage`);
      continue;
    }
    if (current.transactionId !== latest.id)
      problems.push(
        `${assetId}: current reflects ${current.transactionId.slice(0, 10)}, latest ledger transaction is ${latest.id.slice(0, 10)}`,
      );
    const expectedStatus =
      latest.operation === 'CREATE' ? 'registered' : latest.metadata?.action === 'lease-end' ? 'closed' : 'active';
    if (current.status !== expectedStatus)
      problems.push(`${assetId}: current status ${current.status}, expected ${expectedStatus}`);
    if (expectedStatus === 'active') {
      const owners = latest.outputs.flatMap((o) => o.public_keys).sort();
      if (JSON.stringify([...current.driverKeys].sort()) !== JSON.stringify(owners))
        problems.push(
          `${assetId}: current drivers ${current.driverKeys.join(',')} are not the lessee ${owners.join(',')}`,
        );
      if (current.annualPremiumMinor === undefined) problems.push(`${assetId}: active coverage without a premium`);
    }
  }
  return { problems, histories, chains };
}

/** Polls until the stores agree with the ledger (the pipeline is asynchronous), else fails listing what is still wrong. */
export async function waitForConsistency(
  api: BackOfficeClient,
  ledgerApiUrl: string,
  assetIds: readonly string[],
  timeoutMs: number,
  diagnostics?: () => Promise<string>,
): Promise<ConsistencyReport> {
  const deadline = Date.now() + timeoutMs;
  let report: ConsistencyReport | undefined;
  for (;;) {
    try {
      report = await checkConsistency(api, ledgerApiUrl, assetIds);
      if (report.problems.length === 0) return report;
    } catch (error) {
      report = { problems: [`check failed: ${(error as Error).message}`], histories: new Map(), chains: new Map() };
    }
    if (Date.now() > deadline) break;
    await sleep(500);
  }
  const extra = diagnostics ? `\n${await diagnostics()}` : '';
  throw new Error(
    `not consistent with the ledger after ${timeoutMs / 1000} s:\n  ${report.problems.slice(0, 20).join('\n  ')}${extra}`,
  );
}
