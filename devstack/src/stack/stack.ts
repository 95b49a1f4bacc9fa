// Composes the whole local system: Azurite, the ledger node, the Function App and the WebJob, wired
// by one generated local configuration and run under the supervisor. Used by `npm start` (cli.ts)
// and by the end-to-end tests (tests/support/stack.ts), so both exercise the same wiring.
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { connectionStringFor } from '../azurite/azurite-process';
import { findEntryPoints, readAppPackage } from '../functions-host/app-loader';
import { type CoreTools, coreToolsSettings, findCoreTools } from '../functions-host/core-tools';
import { spawnChild, spawned } from './child-process';
import { loadOrCreateLocalConfig, type LocalConfig } from './local-config';
import { freePorts, isPortFree } from './ports';
import { STACK_FILE_SCHEMA, writeStackFile, type StackDescription } from './stack-file';
import { Supervisor, type PartSpec, type SupervisorEvent } from './supervisor';
import { httpAnswers } from './wait';

export const PART_NAMES = ['azurite', 'ledger', 'function-app', 'webjob'] as const;
export type PartName = (typeof PART_NAMES)[number];

export const DEFAULT_PORTS = {
  blob: 10000,
  queue: 10001,
  table: 10002,
  ledgerHttp: 9984,
  ledgerWs: 9985,
  functions: 7071,
  webjobHealth: 0,
} as const;
export type StackPorts = { -readonly [K in keyof typeof DEFAULT_PORTS]: number };

export interface ExternalServices {
  /** LEDGER_API_URL (e.g. https://node.example/api/v1/): use this BigchainDB node instead of a local one. */
  ledgerApiUrl?: string;
  /** LEDGER_WS_URL: its event stream (default: the one its /api/v1/ index names). */
  ledgerWsUrl?: string;
  /** STORAGE_CONNECTION_STRING: use this storage account instead of a local Azurite. */
  storageConnectionString?: string;
}

export interface StackOptions {
  repoRoot: string;
  /** Where local-config.json, stack.json, logs and persistent data live (".devstack" for npm start). */
  stateDir: string;
  storageMode: 'persistent' | 'memory';
  functionsHost: 'local-host' | 'func-core-tools';
  /** "default": the well-known ports (9984, 7071, 10000...); "free": OS-chosen ports (tests). */
  ports: 'default' | 'free';
  namePrefix: string;
  rateTable?: string;
  external?: ExternalServices;
  ledger?: { blockIntervalMs?: number; admin?: boolean };
  /** Extra environment for the WebJob / Function App (tests tune batch sizes, timeouts). */
  webjobEnv?: Record<string, string>;
  functionAppEnv?: Record<string, string>;
  onEvent?: (event: SupervisorEvent) => void;
  /** Receives the supervisor before the parts start, so a Ctrl-C during start-up can stop them. */
  onSupervisor?: (supervisor: Supervisor) => void;
}

export interface RunningStack {
  readonly description: StackDescription;
  readonly config: LocalConfig;
  readonly supervisor: Supervisor;
  readonly ports: StackPorts;
  /** Rewrites stack.json with the current pids (done automatically whenever a restarted part is healthy). */
  refreshStackFile(): Promise<void>;
  stop(): Promise<void>;
}

const ROOT_SCRIPTS = {
  azurite: 'devstack/dist/stack/azurite-cli.js',
  ledger: 'devstack/dist/ledger/cli.js',
  functionsHost: 'devstack/dist/functions-host/cli.js',
  webjob: 'webjob/run.js',
} as const;

async function choosePorts(mode: StackOptions['ports'], external: ExternalServices): Promise<StackPorts> {
  if (mode === 'free') {
    const free = await freePorts([
      'blob',
      'queue',
      'table',
      'ledgerHttp',
      'ledgerWs',
      'functions',
      'webjobHealth',
    ] as const);
    return free;
  }
  const ports: StackPorts = {
    ...DEFAULT_PORTS,
    webjobHealth: (await freePorts(['webjobHealth'] as const)).webjobHealth,
  };
  const needed: Array<[string, number]> = [['Function App', ports.functions]];
  if (!external.ledgerApiUrl) needed.push(['ledger HTTP', ports.ledgerHttp], ['ledger WebSocket', ports.ledgerWs]);
  if (!external.storageConnectionString)
    needed.push(['Azurite blob', ports.blob], ['Azurite queue', ports.queue], ['Azurite table', ports.table]);
  const busy: string[] = [];
  for (const [what, port] of needed) if (!(await isPortFree(port))) busy.push(`${what} ${port}`);
  if (busy.length > 0) {
    throw new Error(
      `port(s) already in use: ${busy.join(', ')}. Is another stack running (see .devstack/stack.json)? Stop it, or free the port(s).`,
    );
  }
  return ports;
}

/** The compiled entry point of a part; a clear message when the build has not produced it. */
function existingScript(repoRoot: string, relative: string, part: string): string {
  const file = path.join(repoRoot, relative);
  if (!existsSync(file)) throw new Error(`${part}: ${relative} not found; build first (npm run build)`);
  return file;
}

/** Core Tools and a built app, or a message saying which is missing (the worker refuses an app without the files `main` matches). */
async function requireCoreTools(repoRoot: string): Promise<CoreTools> {
  const tools = findCoreTools(repoRoot);
  if (!tools) {
    throw new Error(
      '--func needs Azure Functions Core Tools v4: npm install --no-save azure-functions-core-tools@4, or ' +
        "https://learn.microsoft.com/azure/azure-functions/functions-run-local; or drop --func to use the project's local Functions host.",
    );
  }
  await findEntryPoints(repoRoot, readAppPackage(repoRoot)).catch((error: Error) => {
    throw new Error(`function-app: ${error.message}; build first (npm run build)`);
  });
  return tools;
}

export async function startStack(options: StackOptions): Promise<RunningStack> {
  const { repoRoot, stateDir } = options;
  const external = options.external ?? {};
  const { config } = await loadOrCreateLocalConfig(stateDir);
  const ports = await choosePorts(options.ports, external);
  const logDir = path.join(stateDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const persistent = options.storageMode === 'persistent';

  const host = '127.0.0.1';
  const ledgerRoot = external.ledgerApiUrl
    ? new URL(external.ledgerApiUrl).origin
    : `http://${host}:${ports.ledgerHttp}`;
  const ledgerApiUrl = external.ledgerApiUrl ?? `${ledgerRoot}/api/v1/`;
  const ledgerWsUrl =
    external.ledgerWsUrl ??
    (external.ledgerApiUrl ? '' : `ws://${host}:${ports.ledgerWs}/api/v1/streams/valid_transactions`);
  const functionsBase = `http://${host}:${ports.functions}/api`;
  const connectionString =
    external.storageConnectionString ??
    connectionStringFor({ blob: ports.blob, queue: ports.queue, table: ports.table }, host);
  // Read again at every (re)start of a part, as App Service reads a Key Vault reference when an app
  // restarts: rotating the secret locally is rewriting local-config.json, then restarting the Function
  // App and the WebJob in the order infra/README.md gives.
  let webhookSecrets = config.webhookSecret.split(' ');
  const currentWebhookSecrets = async (): Promise<string> => {
    webhookSecrets = (await loadOrCreateLocalConfig(stateDir)).config.webhookSecret.split(' ');
    return webhookSecrets.join(' ');
  };
  const adminEnabled = options.ledger?.admin ?? false;

  const logLine = (part: string, line: string): void => {
    appendFileSync(path.join(logDir, `${part}.log`), `${line}\n`);
  };
  // Set once the stack is up: from then on a part that becomes healthy again has a new pid.
  const hooks: { afterStart?: () => void } = {};
  const onEvent = (event: SupervisorEvent): void => {
    if (event.kind === 'line') logLine(event.part, event.line);
    else
      logLine(
        event.part,
        `--- supervisor: ${event.state}${event.pid ? ` (pid ${event.pid})` : ''}${event.detail ? `: ${event.detail}` : ''}`,
      );
    if (event.kind === 'state' && event.state === 'healthy') hooks.afterStart?.();
    options.onEvent?.(event);
  };

  const baseEnv: NodeJS.ProcessEnv = { ...process.env, STORAGE_NAME_PREFIX: options.namePrefix };
  const parts: PartSpec[] = [];

  if (!external.storageConnectionString) {
    const args = [
      '--blob-port',
      String(ports.blob),
      '--queue-port',
      String(ports.queue),
      '--table-port',
      String(ports.table),
    ];
    if (persistent) {
      const location = path.join(stateDir, 'azurite');
      mkdirSync(location, { recursive: true });
      args.push('--location', location);
    }
    parts.push({
      name: 'azurite',
      launch: (onLine) =>
        spawned(
          spawnChild(
            { script: existingScript(repoRoot, ROOT_SCRIPTS.azurite, 'azurite'), args, env: baseEnv, cwd: repoRoot },
            onLine,
          ),
        ),
      isHealthy: () => httpAnswers(`http://${host}:${ports.table}/devstoreaccount1/Tables`),
      startTimeoutMs: 30_000,
      stopGraceMs: 10_000,
    });
  }

  if (!external.ledgerApiUrl) {
    const args = ['--http-port', String(ports.ledgerHttp), '--ws-port', String(ports.ledgerWs)];
    if (persistent) args.push('--data', path.join(stateDir, 'ledger'));
    if (options.ledger?.blockIntervalMs !== undefined)
      args.push('--block-interval-ms', String(options.ledger.blockIntervalMs));
    if (adminEnabled) args.push('--admin');
    parts.push({
      name: 'ledger',
      launch: (onLine) =>
        spawned(
          spawnChild(
            { script: existingScript(repoRoot, ROOT_SCRIPTS.ledger, 'ledger'), args, env: baseEnv, cwd: repoRoot },
            onLine,
          ),
        ),
      isHealthy: () => httpAnswers(`${ledgerRoot}/api/v1/`, [200]),
      startTimeoutMs: 30_000,
      stopGraceMs: 10_000,
    });
  }

  const functionAppEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    // What `func start` needs to start unattended (the local host ignores these).
    ...coreToolsSettings(connectionString),
    STORAGE_CONNECTION_STRING: connectionString,
    WEBHOOK_SECRETS: webhookSecrets.join(' '),
    ...(options.rateTable ? { RATE_TABLE: options.rateTable } : {}),
    // The host refuses bodies over twice the app's own limit (MAX_BODY_BYTES, 4 MiB) before buffering
    // them; between the two, the app answers 413 with its problem body.
    FUNCTIONS_REQUEST_BODY_SIZE_LIMIT: '8388608',
    // Keys of the local Functions host (ignored by `func start`, which does not check keys locally).
    FUNCTIONS_LOCAL_FUNCTION_KEY: config.functionKey,
    FUNCTIONS_LOCAL_MASTER_KEY: config.masterKey,
    // The console's local stand-in for Entra ID sign-in, and where its operations page reads the WebJob.
    CONSOLE_DEV_SIGN_IN: 'true',
    CONSOLE_WEBJOB_HEALTH_URL: `http://${host}:${ports.webjobHealth}/healthz`,
    ...options.functionAppEnv,
  };
  const coreTools = options.functionsHost === 'func-core-tools' ? await requireCoreTools(repoRoot) : undefined;
  parts.push({
    name: 'function-app',
    launch: async (onLine) => {
      const env = { ...functionAppEnv, WEBHOOK_SECRETS: await currentWebhookSecrets(), ...options.functionAppEnv };
      return spawned(
        coreTools
          ? spawnChild(
              {
                command: coreTools.command,
                args: [...coreTools.args, 'start', '--port', String(ports.functions)],
                env,
                cwd: repoRoot,
              },
              onLine,
            )
          : spawnChild(
              {
                script: existingScript(repoRoot, ROOT_SCRIPTS.functionsHost, 'function-app'),
                args: ['--port', String(ports.functions)],
                env,
                cwd: repoRoot,
              },
              onLine,
            ),
      );
    },
    isHealthy: () => httpAnswers(`${functionsBase}/health`, [200]),
    startTimeoutMs: options.functionsHost === 'func-core-tools' ? 120_000 : 30_000,
    stopGraceMs: 10_000,
  });

  const webjobEnv: NodeJS.ProcessEnv = {
    ...baseEnv,
    LEDGER_API_URL: ledgerApiUrl,
    ...(ledgerWsUrl ? { LEDGER_WS_URL: ledgerWsUrl } : {}),
    WEBHOOK_URL: `${functionsBase}/ownership-changes`,
    WEBHOOK_FUNCTION_KEY: config.functionKey,
    WEBHOOK_SECRETS: webhookSecrets.join(' '),
    LEASING_COMPANY_PUBLIC_KEYS: [
      config.leasingCompany.publicKey,
      ...(process.env.LEASING_COMPANY_PUBLIC_KEYS?.split(/\s+/).filter(Boolean) ?? []),
    ].join(' '),
    STORAGE_CONNECTION_STRING: connectionString,
    WEBJOB_HEALTH_PORT: String(ports.webjobHealth),
    WEBJOB_START_POSITION: 'earliest',
    ...options.webjobEnv,
  };
  const webjobHealthUrl = `http://${host}:${ports.webjobHealth}/healthz`;
  parts.push({
    name: 'webjob',
    launch: async (onLine) => {
      const env = { ...webjobEnv, WEBHOOK_SECRETS: await currentWebhookSecrets(), ...options.webjobEnv };
      return spawned(
        spawnChild(
          { script: existingScript(repoRoot, ROOT_SCRIPTS.webjob, 'webjob'), args: [], env, cwd: repoRoot },
          onLine,
        ),
      );
    },
    isHealthy: () => httpAnswers(webjobHealthUrl),
    startTimeoutMs: 30_000,
    stopGraceMs: 25_000,
  });

  const supervisor = new Supervisor(parts, onEvent);
  options.onSupervisor?.(supervisor);
  const startedAt = new Date().toISOString();
  const pidOf = (name: PartName): number | null =>
    parts.some((p) => p.name === name) ? (supervisor.pid(name) ?? null) : null;
  const describe = (status: 'running' | 'stopped'): StackDescription => ({
    schema: STACK_FILE_SCHEMA,
    status,
    startedAt,
    updatedAt: new Date().toISOString(),
    supervisorPid: process.pid,
    storageMode: options.storageMode,
    stateDir: path.resolve(stateDir),
    logDir: path.resolve(logDir),
    ledger: {
      managedBy: external.ledgerApiUrl ? 'external' : 'stack',
      rootUrl: ledgerRoot,
      apiUrl: ledgerApiUrl,
      streamUrl: ledgerWsUrl,
      adminUrl: adminEnabled ? `${ledgerRoot}/admin` : null,
      pid: pidOf('ledger'),
    },
    functionApp: {
      host: options.functionsHost,
      baseUrl: functionsBase,
      webhookUrl: `${functionsBase}/ownership-changes`,
      healthUrl: `${functionsBase}/health`,
      openApiUrl: `${functionsBase}/openapi.json`,
      consoleUrl: `${functionsBase}/console/`,
      functionKey: config.functionKey,
      pid: pidOf('function-app'),
    },
    webjob: {
      healthUrl: webjobHealthUrl,
      metricsUrl: `http://${host}:${ports.webjobHealth}/metrics`,
      pid: pidOf('webjob'),
    },
    storage: {
      managedBy: external.storageConnectionString ? 'external' : 'stack',
      connectionString,
      namePrefix: options.namePrefix,
      dataDir: persistent && !external.storageConnectionString ? path.resolve(stateDir, 'azurite') : null,
      pid: pidOf('azurite'),
    },
    webhook: { secrets: webhookSecrets },
    leasingCompany: { ...config.leasingCompany },
  });

  await supervisor.startAll();
  let description = describe('running');
  await writeStackFile(stateDir, description);
  let stopped = false;
  const refresh = async (): Promise<void> => {
    if (stopped) return;
    description = describe('running');
    await writeStackFile(stateDir, description);
  };
  hooks.afterStart = () => {
    refresh().catch((error: Error) => logLine('supervisor', `could not rewrite stack.json: ${error.message}`));
  };

  return {
    get description() {
      return description;
    },
    config,
    supervisor,
    ports,
    refreshStackFile: refresh,
    async stop() {
      stopped = true;
      await supervisor.stopAll();
      description = describe('stopped');
      await writeStackFile(stateDir, description);
    },
  };
}
