import Module from 'node:module';

const coreModuleName = '@azure/functions-core';
let installed: object | undefined;

/**
 * Makes `require('@azure/functions-core')` return `coreApi`, as the worker does (it wraps
 * `Module.prototype.require`). Must run before the app's first `require('@azure/functions')`:
 * the library caches the lookup, including a failed one ("test mode"). ESM apps are covered too,
 * because the library is CommonJS and resolves the module through this same `require`.
 * One app per process (the library keeps process-wide state), so a second install is refused.
 */
export function installCoreModule(coreApi: object): void {
  if (installed !== undefined)
    throw new Error('@azure/functions-core is already provided in this process; run one Function App per process');
  installed = coreApi;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- the Proxy calls it with the original `this`
  const originalRequire = Module.prototype.require;
  Module.prototype.require = new Proxy(originalRequire, {
    apply(target, thisArg, args: unknown[]) {
      if (args[0] === coreModuleName) return coreApi;
      return Reflect.apply(target, thisArg, args) as unknown;
    },
  });
}
