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
  return name === 'sodium-native' || name.startsWith('@opentelemetry/instrumentation') || name === '@opentelemetry/auto-instrumentations-node' || name === '@azure/monitor-opentelemetry' || name === 'applicationinsights';
}
