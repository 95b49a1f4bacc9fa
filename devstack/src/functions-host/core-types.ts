// The subset of the `@azure/functions-core` contract (library <-> worker) this host implements.
// Described from the library's types-core/index.d.ts and worker sources (MIT, Azure), not copied:
// the npm tarball of @azure/functions does not ship these declarations.

export type RpcLogLevel = 'trace' | 'debug' | 'information' | 'warning' | 'error' | 'critical' | 'none';
export type RpcLogCategory = 'user' | 'system' | 'customMetric';
export type HookName = 'appStart' | 'appTerminate' | 'preInvocation' | 'postInvocation' | 'log';
export type InvocationState = 'preInvocationHooks' | 'postInvocationHooks' | 'invocation';

export interface RpcBindingInfo {
  type?: string | null;
  direction?: 'in' | 'out' | 'inout' | null;
  [property: string]: unknown;
}

export interface FunctionMetadata {
  name: string;
  functionId?: string;
  bindings: Record<string, RpcBindingInfo>;
  retryOptions?: unknown;
}

export type FunctionCallback = (...args: unknown[]) => unknown;
export type HookCallback = (context: object) => unknown;

export interface DisposableLike {
  dispose(): unknown;
}

export interface NullableString {
  value?: string | null;
}

/** What the host puts in `inputData[0].data.http` (the host's RPC conversion of the HTTP request). */
export interface RpcHttpData {
  method?: string;
  url?: string;
  nullableHeaders?: Record<string, NullableString>;
  nullableQuery?: Record<string, NullableString>;
  nullableParams?: Record<string, NullableString>;
  body?: RpcTypedData;
}

export interface RpcTypedData {
  string?: string | null;
  json?: string | null;
  bytes?: Uint8Array | null;
  // One RPC message type carries both the request (host -> worker) and response (worker -> host) fields.
  http?: (RpcHttpData & RpcHttpResponseData) | null;
  int?: number | null;
  double?: number | null;
}

export interface RpcNullable<T> {
  value?: T | null;
}

export interface RpcHttpCookie {
  name?: string | null;
  value?: string | null;
  domain?: RpcNullable<string> | null;
  path?: RpcNullable<string> | null;
  expires?: RpcNullable<number | string | Date | { seconds?: number | string; nanos?: number }> | null;
  secure?: RpcNullable<boolean> | null;
  httpOnly?: RpcNullable<boolean> | null;
  sameSite?: 'none' | 'lax' | 'strict' | 'explicitNone' | null;
  maxAge?: RpcNullable<number> | null;
}

/** What the library's `getResponse` returns for an HTTP output. */
export interface RpcHttpResponseData {
  statusCode?: string | null;
  headers?: Record<string, string> | null;
  cookies?: RpcHttpCookie[] | null;
  body?: RpcTypedData | null;
  enableContentNegotiation?: boolean | null;
}

export interface RpcInvocationRequest {
  invocationId: string;
  functionId: string;
  inputData: { name: string; data: RpcTypedData }[];
  triggerMetadata: Record<string, RpcTypedData>;
  traceContext?: RpcTraceContext;
}

/** The W3C trace context of the invocation (the host's request span). */
export interface RpcTraceContext {
  traceParent: string;
  traceState: string;
  attributes: Record<string, string>;
}

export interface RpcInvocationResponse {
  invocationId?: string | null;
  outputData?: unknown[] | null;
  returnValue?: RpcTypedData | null;
}

export interface CoreInvocationContext {
  invocationId: string;
  request: RpcInvocationRequest;
  metadata: { name: string; bindings: Record<string, RpcBindingInfo> };
  state?: InvocationState;
  log(level: RpcLogLevel, category: RpcLogCategory, message: string): void;
}

export interface InvocationArguments {
  context: object;
  inputs: unknown[];
}

export interface InvocationModel {
  getArguments(): Promise<InvocationArguments>;
  invokeFunction(context: object, inputs: unknown[], callback: FunctionCallback): Promise<unknown>;
  getResponse(context: object, result: unknown): Promise<RpcInvocationResponse>;
}

export interface ProgrammingModel {
  name: string;
  version: string;
  getInvocationModel(coreContext: CoreInvocationContext): InvocationModel | Promise<InvocationModel>;
  getCapabilities(capabilities: Record<string, string>): Record<string, string> | Promise<Record<string, string>>;
}
