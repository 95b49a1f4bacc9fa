// Heap bytes per car the asset registry keeps, measured through the real path: each car's CREATE
// JSON is parsed, schema-checked and judged like the pipeline does, then a TRANSFER to a lessee
// updates it. Prints bytes per car after the CREATE and after the TRANSFER, and what a cache of
// WEBJOB_ASSET_CACHE_SIZE cars costs. Signatures are not checked (a precomputed verdict): this
// measures memory, not speed.
//   node devstack/dist/bench/asset-cache-bench.js [--cars 25000]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { VEHICLE_SCHEMA_TAG } from '@lease-premium/events';
import { AssetRegistry } from '../../../webjob/dist/classifier/asset-registry';
import { judgeCreate } from '../../../webjob/dist/classifier/create-judgement';
import type { LedgerClient } from '../../../webjob/dist/ledger/ledger-client';
import { parseLedgerTransaction, type LedgerTransaction } from '../../../webjob/dist/ledger/ledger-transaction';
import { silentLogger } from '../../../webjob/dist/ops/logger';
import type { Verdict } from '../../../webjob/dist/verifier/verdict';
import { buildVin } from '../demo/vin';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const COMPANY = '4K9sWUMFwTgaDGPfdynrbxWqWS6sWmKbZoTjxLtVUibD';
const conditionUri = (): string =>
  `ni:///sha-256;${randomBytes(32).toString('base64url')}?fpt=ed25519-sha-256&cost=131072`;
const COMPANY_CONDITION = conditionUri();

/** A CREATE as the ledger serves it (JSON text: every string a fresh copy, as in the pipeline). */
function createText(serial: number): string {
  const output = {
    public_keys: [COMPANY],
    condition: { details: { type: 'ed25519-sha-256', public_key: COMPANY }, uri: COMPANY_CONDITION },
    amount: '1',
  };
  const vehicle = {
    schema: VEHICLE_SCHEMA_TAG,
    vin: buildVin('YV1ZW25T', 2024, 'B', serial),
    make: 'Volvo',
    model: 'V60',
    modelYear: 2024,
    bodyType: 'estate',
    valueMinor: 4_500_000,
    currency: 'EUR',
    ratingClass: 'standard',
  };
  const fulfillment = randomBytes(102).toString('base64url');
  return JSON.stringify({
    id: randomBytes(32).toString('hex'),
    version: '2.0',
    operation: 'CREATE',
    inputs: [{ owners_before: [COMPANY], fulfills: null, fulfillment }],
    outputs: [output],
    asset: { data: vehicle },
    metadata: null,
  });
}

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

function main(): void {
  const { values } = parseArgs({ options: { cars: { type: 'string', default: '25000' } }, strict: true });
  const cars = Number(values.cars);
  if (!Number.isInteger(cars) || cars <= 0)
    throw new Error(`--cars must be a positive whole number, got "${values.cars}"`);
  const trusted = new Set([COMPANY]);
  const verdict: Verdict = { ok: true, signers: [[COMPANY]], conditionUris: [COMPANY_CONDITION] };
  /** CREATE then TRANSFER of `count` cars through `registry`, heap measured before and after each phase. */
  const fill = (
    registry: AssetRegistry,
    count: number,
    firstSerial: number,
  ): { empty: number; afterCreates: number; afterTransfers: number } => {
    const ids: string[] = []; // the registry's own key strings: 8 bytes per car of array
    const empty = heapUsed();
    for (let serial = firstSerial; serial < firstSerial + count; serial++) {
      const parsed = parseLedgerTransaction(JSON.parse(createText(serial)));
      if (!parsed.ok) throw new Error(parsed.reason);
      const tx = parsed.value;
      const judgement = judgeCreate(tx, trusted, verdict);
      if (!judgement.asset.tracked) throw new Error(`the bench's car is not tracked: ${JSON.stringify(judgement)}`);
      registry.remember(tx.id, judgement.asset);
      registry.rememberOutputs(tx.id, tx);
      ids.push(tx.id);
    }
    const afterCreates = heapUsed();
    for (const id of ids) {
      const transfer = JSON.parse(
        JSON.stringify({ id: randomBytes(32).toString('hex'), outputs: [{ condition: { uri: conditionUri() } }] }),
      ) as LedgerTransaction;
      registry.rememberOutputs(id, transfer);
    }
    return { empty, afterCreates, afterTransfers: heapUsed() };
  };
  const noLedger = null as unknown as LedgerClient; // the registry never misses here: no ledger reads
  fill(new AssetRegistry(noLedger, trusted, silentLogger, 2_000), 2_000, 900_000); // warm-up: lazy schema and JIT state
  const registry = new AssetRegistry(noLedger, trusted, silentLogger, cars);
  const { empty, afterCreates, afterTransfers } = fill(registry, cars, 0);
  const perCarCreate = (afterCreates - empty) / cars;
  const perCarTransfer = (afterTransfers - empty) / cars;
  console.log(`asset-cache-bench: ${cars} cars`);
  console.log(`  after each car's CREATE        ${perCarCreate.toFixed(0)} bytes per car`);
  console.log(
    `  after a TRANSFER to a lessee   ${perCarTransfer.toFixed(0)} bytes per car (${((afterTransfers - empty) / 1048576).toFixed(1)} MB for ${cars})`,
  );
  console.log(`  WEBJOB_ASSET_CACHE_SIZE 20000  ~${((perCarTransfer * 20_000) / 1048576).toFixed(1)} MB of heap`);
}

main();
