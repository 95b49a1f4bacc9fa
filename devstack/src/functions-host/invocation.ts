import { type AppRegistry, HostSystemError, type RegisteredFunction } from './core-api';
import {
  type CoreInvocationContext,
  type FunctionCallback,
  type InvocationState,
  type RpcInvocationRequest,
  type RpcInvocationResponse,
  type RpcLogCategory,
  type RpcLogLevel,
} from './core-types';

/** Where the app's logs go, with the invocation's hook data and context so `log` hooks can see them. */
export type InvocationLogger = (
  level: RpcLogLevel,
  category: RpcLogCategory,
  message: string,
  invocation: {
    functionName: string;
    invocationId: string;
    hookData: Record<string, unknown>;
    invocationContext: unknown;
  },
) => void;

function readOnly(name: string): never {
  throw new HostSystemError(`Cannot assign to read only property '${name}'`);
}

/** What the library's hook wrappers read: `hookData`, `appHookData`, `invocationContext` are read-only, `inputs` may be replaced. */
class InvocationHookContext {
  readonly #hookData: Record<string, unknown>;
  readonly #appHookData: Record<string, unknown>;
  readonly #invocationContext: object;

  constructor(
    hookData: Record<string, unknown>,
    appHookData: Record<string, unknown>,
    invocationContext: object,
    public inputs: unknown[],
  ) {
    this.#hookData = hookData;
    this.#appHookData = appHookData;
    this.#invocationContext = invocationContext;
  }

  get hookData(): Record<string, unknown> {
    return this.#hookData;
  }
  set hookData(_value: unknown) {
    readOnly('hookData');
  }
  get appHookData(): Record<string, unknown> {
    return this.#appHookData;
  }
  set appHookData(_value: unknown) {
    readOnly('appHookData');
  }
  get invocationContext(): object {
    return this.#invocationContext;
  }
  set invocationContext(_value: unknown) {
    readOnly('invocationContext');
  }
}

class PreInvocationContext extends InvocationHookContext {
  constructor(
    hookData: Record<string, unknown>,
    appHookData: Record<string, unknown>,
    invocationContext: object,
    inputs: unknown[],
    /** A preInvocation hook may swap the handler (library: `functionHandler`). */
    public functionCallback: FunctionCallback,
  ) {
    super(hookData, appHookData, invocationContext, inputs);
  }
}

class PostInvocationContext extends InvocationHookContext {
  /** A postInvocation hook may replace the result or clear the error. */
  result: unknown = null;
  error: unknown = null;
}

/**
 * One invocation, in the worker's order (InvocationHandler): programming model -> getArguments ->
 * preInvocation hooks (may replace inputs and the handler) -> invokeFunction -> postInvocation hooks
 * (may replace result or clear the error) -> rethrow a remaining error -> getResponse.
 * The library builds the real HttpRequest/InvocationContext and the RPC response.
 * Returns the handler's (hook-adjusted) result too: in streaming mode it tells "returned nothing" apart.
 */
export async function runInvocation(
  registry: AppRegistry,
  registered: RegisteredFunction,
  request: RpcInvocationRequest,
  log: InvocationLogger,
): Promise<{ response: RpcInvocationResponse; result: unknown }> {
  const programmingModel = registry.programmingModel;
  if (!programmingModel)
    throw new HostSystemError('The app did not set a programming model (is @azure/functions loaded?)');
  const functionName = registered.metadata.name;
  const hookData: Record<string, unknown> = {};
  // Filled once getArguments has built the InvocationContext; log hooks see it from then on.
  const invocationState: { context: unknown } = { context: undefined };
  const coreContext: CoreInvocationContext = {
    invocationId: request.invocationId,
    request,
    metadata: { name: functionName, bindings: registered.metadata.bindings },
    state: undefined as InvocationState | undefined,
    log(level, category, message) {
      log(level, category, message, {
        functionName,
        invocationId: request.invocationId,
        hookData,
        invocationContext: invocationState.context,
      });
    },
  };
  const model = await programmingModel.getInvocationModel(coreContext);
  const { context, inputs } = await model.getArguments();
  invocationState.context = context;

  const preContext = new PreInvocationContext(hookData, registry.appHookData, context, inputs, registered.callback);
  coreContext.state = 'preInvocationHooks';
  try {
    await registry.runHooks('preInvocation', preContext);
  } finally {
    coreContext.state = undefined;
  }

  const postContext = new PostInvocationContext(hookData, registry.appHookData, context, preContext.inputs);
  coreContext.state = 'invocation';
  try {
    postContext.result = await model.invokeFunction(context, preContext.inputs, preContext.functionCallback);
  } catch (error) {
    postContext.error = error;
  } finally {
    coreContext.state = undefined;
  }
  coreContext.state = 'postInvocationHooks';
  try {
    await registry.runHooks('postInvocation', postContext);
  } finally {
    coreContext.state = undefined;
  }
  // Anything thrown counts as an error, even a string (worker `isError`).
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrow exactly what the app threw
  if (postContext.error !== null && postContext.error !== undefined) throw postContext.error;
  return { response: await model.getResponse(context, postContext.result), result: postContext.result };
}
