import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { findEntryPoints, loadEntryPoints, readAppPackage } from './app-loader';
import { AppRegistry } from './core-api';
import { type RpcLogCategory, type RpcLogLevel } from './core-types';
import { installCoreModule } from './core-module';
import { readHostConfig } from './host-config';
import { type HostLogEntry, type HostLogSink, makeEntry, passesLevel } from './host-log';
import { createRequestHandler } from './http-server';
import { type InvocationLogger } from './invocation';
import { type FunctionKeys, type KeysSource, resolveKeys } from './keys';
import { applySettings, missingSettingsAdvice, readLocalSettings } from './local-settings';
import { buildRouteTable, type FunctionListing } from './route-table';
import { StreamingProxy } from './streaming-proxy';

export interface HostRuntimeOptions {
  appRoot: string;
  /** 0 = a free port; undefined = local.settings.json `Host.LocalHttpPort`, else 7071 (as `func start`). */
  port?: number;
  keys?: FunctionKeys;
  /** Default `<appRoot>/.devstack/functions-keys.json` (git-ignored). */
  keysFile?: string;
  /** Lowest level written to the log (default `information`). */
  logLevel?: RpcLogLevel;
  log: HostLogSink;
}

export interface RunningHost {
  url: string;
  port: number;
  keys: FunctionKeys;
  keysSource: KeysSource;
  keysFile: string;
  routePrefix: string;
  streaming: boolean;
  /** local.settings.json, if the app root has one, and its Values applied to the environment. */
  settingsFile: string | undefined;
  settingsApplied: string[];
  localHttpPort: number | undefined;
  functions: FunctionListing[];
  /** Stops taking requests, lets in-flight ones finish (bounded), then runs the appTerminate hooks. */
  stop(): Promise<void>;
}

const drainTimeoutMs = 5_000;
export const defaultPort = 7071;

function readOnly(name: string): never {
  throw new TypeError(`Cannot assign to read only property '${name}'`);
}

/**
 * Starts the app in THIS process the way the worker does (settings -> core module -> load `main`
 * files -> appStart hooks -> capabilities -> lock registration) and serves it over HTTP on 127.0.0.1.
 * The library keeps process-wide state, so run it in a dedicated process (the CLI, or the child that
 * `startFunctionsHost` forks).
 */
export async function startHostRuntime(options: HostRuntimeOptions): Promise<RunningHost> {
  const appRoot = resolve(options.appRoot);
  const minimumLevel = options.logLevel ?? 'information';
  const emit = (entry: HostLogEntry): void => {
    if (passesLevel(entry.level, minimumLevel)) options.log(entry);
  };
  const hostLog = (level: RpcLogLevel, message: string, functionName?: string, invocationId?: string): void =>
    emit(makeEntry(level, 'host', message, functionName, invocationId));

  const settings = readLocalSettings(appRoot);
  const settingsApplied = applySettings(settings.values, process.env);
  if (settings.file)
    hostLog(
      'information',
      `Using settings from ${settings.file} (${settingsApplied.length} of ${Object.keys(settings.values).length} values applied; environment variables that are set and not empty win)`,
    );
  else hostLog('information', missingSettingsAdvice(appRoot));
  const config = readHostConfig(appRoot, process.env);
  const keysFile = options.keysFile ?? join(appRoot, '.devstack', 'functions-keys.json');
  const { keys, source: keysSource } = resolveKeys(options.keys, config.keysFromEnvironment, keysFile);
  if (keysSource === 'generated') {
    // Printed once, when generated; later runs read them from the file.
    options.log(
      makeEntry(
        'information',
        'host',
        `Generated function keys for this machine, saved in ${keysFile}:\n  function key: ${keys.functionKey}\n  master key:   ${keys.masterKey}`,
      ),
    );
  }

  // Worker logs and user logs go through `log` hooks first (hosts >= 4.34), then to the host log.
  const registry: AppRegistry = new AppRegistry((level, category, message) => appLog(level, category, message));
  let inLogHook = false;
  const appLog = (
    level: RpcLogLevel,
    category: RpcLogCategory,
    message: string,
    invocation?: Parameters<InvocationLogger>[3],
  ): void => {
    const hooks = registry.hooks.log;
    const entry = makeEntry(level, category, message, invocation?.functionName, invocation?.invocationId);
    if (hooks.length > 0 && !inLogHook) {
      const hookContext = {
        level,
        message,
        get category() {
          return category;
        },
        get hookData() {
          return invocation?.hookData ?? {};
        },
        get appHookData() {
          return registry.appHookData;
        },
        get invocationContext() {
          return invocation?.invocationContext;
        },
      };
      inLogHook = true;
      try {
        for (const hook of hooks) {
          const returned = hook(hookContext);
          // Log hooks are synchronous; a rejected promise from one must not become an unhandled rejection.
          if (returned instanceof Promise)
            returned.catch((error: unknown) =>
              hostLog('error', `A log hook failed: ${error instanceof Error ? error.message : String(error)}`),
            );
        }
      } catch (error) {
        hostLog('error', `A log hook threw: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        inLogHook = false;
      }
      entry.level = hookContext.level;
      entry.message = hookContext.message;
    }
    emit(entry);
  };
  installCoreModule(registry.coreApi());

  // App-level hook contexts (appStart, appTerminate): hook data is shared across the app's hooks and
  // read-only as a property, as in the worker.
  const appHookContext = (extra: Record<string, unknown> = {}) => ({
    get hookData() {
      return registry.appLevelOnlyHookData;
    },
    set hookData(_value: unknown) {
      readOnly('hookData');
    },
    get appHookData() {
      return registry.appHookData;
    },
    set appHookData(_value: unknown) {
      readOnly('appHookData');
    },
    ...extra,
  });

  // The worker runs with the app directory as its working directory.
  process.chdir(appRoot);
  const pkg = readAppPackage(appRoot);
  const files = await findEntryPoints(appRoot, pkg);
  await loadEntryPoints(appRoot, files, pkg);

  await registry.runHooks('appStart', appHookContext({ functionAppDirectory: appRoot }));

  const capabilities = registry.programmingModel ? await registry.programmingModel.getCapabilities({}) : {};
  registry.startupFinished = true;
  const streamUri = capabilities.HttpUri;
  const streaming = streamUri ? new StreamingProxy(streamUri) : undefined;

  const { routes, listing } = buildRouteTable(registry.functions.values(), config.routePrefix);
  for (const route of routes) {
    if (/^admin(\/|$)/i.test(route.template.template))
      hostLog(
        'warning',
        `Function "${route.functionName}" route "${route.template.template}" starts with the reserved "admin" segment; the real host will not route it`,
      );
  }
  if (routes.length === 0)
    hostLog(
      'warning',
      'No HTTP functions found. Check that package.json "main" matches the compiled files and they register functions with app.http(...)',
    );

  const handler = createRequestHandler({
    registry,
    routes,
    config,
    keys,
    streaming,
    appLog: (level, category, message, invocation) => appLog(level, category, message, invocation),
    hostLog,
    logInvocations: passesLevel('information', minimumLevel),
  });
  const server: Server = createServer({ keepAliveTimeout: 65_000 }, handler);
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? settings.localHttpPort ?? defaultPort, '127.0.0.1', () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolveClosed) => server.close(() => resolveClosed()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
      await closed;
      clearTimeout(timer);
      streaming?.close();
      await registry.runHooks('appTerminate', appHookContext());
    })();
    return stopping;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    keys,
    keysSource,
    keysFile,
    routePrefix: config.routePrefix,
    streaming: streaming !== undefined,
    settingsFile: settings.file,
    settingsApplied,
    localHttpPort: settings.localHttpPort,
    functions: listing,
    stop,
  };
}
