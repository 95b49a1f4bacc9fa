// Flags and environment of `npm start`, parsed once into a typed object (pure: testable).
import { parseArgs } from 'node:util';

export interface CliOptions {
  demo: boolean;
  storageMode: 'persistent' | 'memory';
  functionsHost: 'local-host' | 'func-core-tools';
  followLogs: boolean;
  stateDir: string;
  help: boolean;
  env: {
    ledgerApiUrl?: string;
    ledgerWsUrl?: string;
    storageConnectionString?: string;
    namePrefix: string;
    rateTable?: string;
  };
}

export const USAGE = `Usage: npm start -- [options]

Starts Azurite, the local ledger node, the Function App and the WebJob, then plays the car-leasing
demo once (later starts resume without replaying it). Ctrl-C stops everything; state is kept.

Options:
  --no-demo          start the stack empty (no demo scenario)
  --memory           keep ledger and storage in memory (nothing survives Ctrl-C)
  --func             run the Function App with Azure Functions Core Tools (func start) instead of
                     the project's local Functions host
  --logs             keep streaming every part's log lines after start-up (always in .devstack/logs)
  --state-dir DIR    where configuration, state and logs live (default .devstack)
  -h, --help         this text

Environment (optional): LEDGER_API_URL / LEDGER_WS_URL use an existing BigchainDB node instead of
the local one; STORAGE_CONNECTION_STRING uses an existing storage account instead of Azurite;
STORAGE_NAME_PREFIX (default leasepremium); RATE_TABLE; LEASING_COMPANY_PUBLIC_KEYS (extra trusted
issuers besides the generated local leasing company).`;

function urlOrThrow(name: string, value: string | undefined, protocols: readonly string[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} must be a URL, got "${value}"`);
  }
  if (!protocols.includes(url.protocol)) throw new Error(`${name} must use ${protocols.join(' or ')}, got "${value}"`);
  return value;
}

export function parseCliOptions(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'no-demo': { type: 'boolean', default: false },
      memory: { type: 'boolean', default: false },
      func: { type: 'boolean', default: false },
      logs: { type: 'boolean', default: false },
      'state-dir': { type: 'string', default: '.devstack' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const namePrefix = env.STORAGE_NAME_PREFIX || 'leasepremium';
  if (!/^[a-z][a-z0-9]{2,39}$/.test(namePrefix)) {
    throw new Error(
      `STORAGE_NAME_PREFIX must be 3-40 lowercase letters and digits starting with a letter, got "${namePrefix}"`,
    );
  }
  const ledgerApiUrl = urlOrThrow('LEDGER_API_URL', env.LEDGER_API_URL, ['http:', 'https:']);
  const ledgerWsUrl = urlOrThrow('LEDGER_WS_URL', env.LEDGER_WS_URL, ['ws:', 'wss:']);
  const storageConnectionString = env.STORAGE_CONNECTION_STRING || undefined;
  return {
    demo: !values['no-demo'],
    storageMode: values.memory ? 'memory' : 'persistent',
    functionsHost: values.func ? 'func-core-tools' : 'local-host',
    followLogs: values.logs,
    stateDir: values['state-dir'],
    help: values.help,
    env: {
      namePrefix,
      ...(ledgerApiUrl ? { ledgerApiUrl } : {}),
      ...(ledgerWsUrl ? { ledgerWsUrl } : {}),
      ...(storageConnectionString ? { storageConnectionString } : {}),
      ...(env.RATE_TABLE ? { rateTable: env.RATE_TABLE } : {}),
    },
  };
}
