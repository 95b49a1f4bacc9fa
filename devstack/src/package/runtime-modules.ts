// Which modules a bundled app still requires at run time, and where each comes from. One list for the
// bundler (what stays a `require`) and the content rules (what such a `require` may name).

/**
 * Provided by the Functions host's worker, never installed: it answers `require('@azure/functions-core')`
 * itself; bundlers must leave it external (https://github.com/Azure/azure-functions-nodejs-library/issues/201).
 */
export const HOST_PROVIDED_MODULES: readonly string[] = ['@azure/functions-core'];

/**
 * Optional speed-ups that `ws` requires inside try/catch and does without
 * (https://github.com/websockets/ws#opt-in-for-performance): never installed, left as `require` calls.
 */
export const OPTIONAL_MODULES: readonly string[] = ['bufferutil', 'utf-8-validate'];

/**
 * Packages that stay installed files in node_modules instead of being bundled: native addons (they load
 * a prebuilt binary relative to their own folder) and OpenTelemetry instrumentation (and the Azure
 * Monitor distro that loads it), which patches libraries as they are required and so must see them
 * as real modules. The OpenTelemetry API, SDK and exporters bundle like any library (the API keeps
 * its state in one process-wide global, so a bundled copy and an installed one agree).
 */
export function staysInstalled(name: string): boolean {
  return (
    name === 'sodium-native' ||
    name.startsWith('@opentelemetry/instrumentation') ||
    name === '@opentelemetry/auto-instrumentations-node' ||
    name === '@azure/monitor-opentelemetry' ||
    name === 'applicationinsights'
  );
}

/** Packages bundled into a file of their own beside the app's bundle (`dist/<out>.js`), read only when first required. */
export interface LazyChunk {
  out: string;
  /** Package names, each required by its root specifier. */
  packages: readonly string[];
}

// V8 parses every byte of a script it compiles, even code that never runs, so whatever an app needs
// only in some configurations costs every cold start while it sits in the bundle loaded at start.
// The apps `require` these at first use instead.

/** The Azure identity client (with MSAL): only for managed-identity storage or Entra-authenticated telemetry. */
export const IDENTITY_CHUNK: LazyChunk = { out: 'azure-identity', packages: ['@azure/identity'] };

/** OpenTelemetry and the Azure Monitor exporter: only with APPLICATIONINSIGHTS_CONNECTION_STRING. */
export const TELEMETRY_CHUNK: LazyChunk = {
  out: 'opentelemetry',
  packages: [
    '@opentelemetry/api',
    '@opentelemetry/core',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/sdk-metrics',
    '@opentelemetry/sdk-logs',
    '@azure/monitor-opentelemetry-exporter',
  ],
};

/** The Queue client: the Function App reads the dead-letter queue only for the console's operations page. */
export const QUEUE_CHUNK: LazyChunk = { out: 'storage-queue', packages: ['@azure/storage-queue'] };

export const FUNCTION_APP_LAZY_CHUNKS: readonly LazyChunk[] = [IDENTITY_CHUNK, TELEMETRY_CHUNK, QUEUE_CHUNK];
/** The WebJob writes dead letters from its start: the Queue client stays in its main bundle. */
export const WEBJOB_LAZY_CHUNKS: readonly LazyChunk[] = [IDENTITY_CHUNK, TELEMETRY_CHUNK];
