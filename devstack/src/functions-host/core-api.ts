import {
  type FunctionCallback,
  type FunctionMetadata,
  type HookCallback,
  type HookName,
  type ProgrammingModel,
  type RpcLogCategory,
  type RpcLogLevel,
} from './core-types';
import { Disposable } from './disposable';

/** Worker/host versions reported to the app. The library only checks that `log` exists (streaming, v4.28+). */
export const workerVersion = '3.10.1-devstack';
export const hostVersion = '4.1040.0-devstack';

export interface RegisteredFunction {
  id: string;
  metadata: FunctionMetadata;
  callback: FunctionCallback;
}

/** An error the worker would flag as its own (library: `isAzureFunctionsSystemError`). */
export class HostSystemError extends Error {
  readonly isAzureFunctionsSystemError = true;
}

class HostRangeError extends RangeError {
  readonly isAzureFunctionsSystemError = true;
}

const hookNames: readonly HookName[] = ['appStart', 'appTerminate', 'preInvocation', 'postInvocation', 'log'];

function isHookName(name: string): name is HookName {
  return (hookNames as readonly string[]).includes(name);
}

/**
 * What the app registers through `@azure/functions-core`: functions, hooks, the programming model.
 * Registration is only allowed during startup, as in the worker.
 */
export class AppRegistry {
  readonly functions = new Map<string, RegisteredFunction>();
  readonly hooks: Record<HookName, HookCallback[]> = {
    appStart: [],
    appTerminate: [],
    preInvocation: [],
    postInvocation: [],
    log: [],
  };
  /** Shared by every hook of the app (`appHookData`). */
  readonly appHookData: Record<string, unknown> = {};
  /** `hookData` of the app-level hooks (appStart/appTerminate) only. */
  readonly appLevelOnlyHookData: Record<string, unknown> = {};
  programmingModel: ProgrammingModel | undefined;
  startupFinished = false;

  constructor(private readonly systemLog: (level: RpcLogLevel, category: RpcLogCategory, message: string) => void) {}

  registerFunction(metadata: FunctionMetadata, callback: FunctionCallback): Disposable {
    if (this.startupFinished) throw new HostSystemError('A function can only be registered during app startup.');
    const id = metadata.functionId ?? metadata.name;
    if (this.functions.has(id)) throw new HostSystemError(`Duplicate function id "${id}".`);
    this.functions.set(id, { id, metadata, callback });
    return new Disposable(() => {
      if (this.startupFinished) throw new HostSystemError('A function can only be disposed during app startup.');
      this.functions.delete(id);
    });
  }

  registerHook(name: string, callback: HookCallback): Disposable {
    if (!isHookName(name)) throw new HostRangeError(`Unrecognized hook "${name}"`);
    const list = this.hooks[name];
    list.push(callback);
    return new Disposable(() => {
      const index = list.indexOf(callback);
      if (index >= 0) list.splice(index, 1);
    });
  }

  /** Runs the hooks of one kind sequentially, awaiting each, in registration order (worker `executeHooks`). */
  async runHooks(name: HookName, context: object): Promise<void> {
    const list = this.hooks[name];
    if (list.length === 0) return;
    for (const callback of [...list]) await callback(context);
  }

  /** The object `require('@azure/functions-core')` returns. */
  coreApi(): object {
    return {
      version: workerVersion,
      hostVersion,
      registerFunction: (metadata: FunctionMetadata, callback: FunctionCallback) =>
        this.registerFunction(metadata, callback),
      registerHook: (name: string, callback: HookCallback) => this.registerHook(name, callback),
      setProgrammingModel: (model: ProgrammingModel) => {
        this.programmingModel = model;
      },
      getProgrammingModel: () => this.programmingModel,
      log: (level: RpcLogLevel, category: RpcLogCategory, message: string) => this.systemLog(level, category, message),
      Disposable,
    };
  }
}
