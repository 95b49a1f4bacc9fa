// `npm run demo:load -- --cars N --leases M --rate R [--drivers D] [--state-dir .devstack]`
// Drives load through a running stack (found through .devstack/stack.json).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isProcessAlive, readStackFile } from '../stack/stack-file';
import { runLoad, type LoadOptions } from './load';

const USAGE = `Usage: npm run demo:load -- [--cars 10] [--leases 100] [--rate 10] [--drivers 10] [--settle-timeout-s 120] [--state-dir .devstack]

  --rate is an upper bound in transactions per second: a car's next transaction waits until its
  previous one is committed, so the rate also stays below cars / block interval (1 s by default).`;

function positiveNumber(name: string, raw: string | undefined, fallback: number, integer: boolean): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)))
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cars: { type: 'string' },
      leases: { type: 'string' },
      rate: { type: 'string' },
      drivers: { type: 'string' },
      'settle-timeout-s': { type: 'string' },
      'state-dir': { type: 'string', default: '.devstack' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const options: LoadOptions = {
    cars: positiveNumber('cars', values.cars, 10, true),
    leases: positiveNumber('leases', values.leases, 100, true),
    rate: positiveNumber('rate', values.rate, 10, false),
    drivers: positiveNumber('drivers', values.drivers, 10, true),
    settleTimeoutMs: positiveNumber('settle-timeout-s', values['settle-timeout-s'], 120, false) * 1000,
  };
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const stack = await readStackFile(path.resolve(repoRoot, values['state-dir']));
  if (stack.status !== 'running' || !isProcessAlive(stack.supervisorPid))
    throw new Error('the stack is not running: start it with npm start (another terminal), then run demo:load');
  console.log(
    `Load: ${options.cars} cars, ${options.leases} lease transfers at ${options.rate} tx/s, ${options.drivers} drivers → ${stack.ledger.apiUrl}`,
  );
  const result = await runLoad(stack, options, process.stdout);
  console.log(
    `Ledger: ${result.transactions} transactions in ${result.ledgerSeconds.toFixed(1)} s (${(result.transactions / result.ledgerSeconds).toFixed(1)} tx/s). ` +
      `Premium records: ${result.premiumRecords}/${result.expectedRecords}, settled ${result.settleSeconds.toFixed(1)} s after the last transaction.`,
  );
  if (result.premiumRecords < result.expectedRecords) {
    console.error(
      'Not every ownership change has its premium record yet: check .devstack/logs/webjob.log and function-app.log.',
    );
    process.exitCode = 1;
  }
}

main().catch((error: Error) => {
  console.error(`demo:load: ${error.message}\n${USAGE}`);
  process.exit(1);
});
