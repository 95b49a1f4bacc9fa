// The documented exceptions the infra checks allow, each with its reason. A setting or role that is
// neither needed by the code nor listed here fails `npm test`: decide, then record the decision.

/** Set by the Bicep for the platform or an SDK, not read by our code. */
export const PLATFORM_SETTINGS: Readonly<Record<string, string>> = {
  AzureWebJobsStorage__credential: 'Functions host storage: identity-based (shared keys are disabled)',
  AzureWebJobsStorage__clientId: 'Functions host storage: which user-assigned identity',
  AzureWebJobsStorage__blobServiceUri: 'Functions host storage: keys, locks (blob)',
  AzureWebJobsStorage__queueServiceUri: 'Functions host storage: queue endpoint',
  AzureWebJobsStorage__tableServiceUri: 'Functions host storage: table endpoint',
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'Functions host telemetry (both apps read it too: their own traces and metrics)',
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING:
    'Entra-authenticated telemetry (local auth is off); read by the Functions host and both apps',
  AZURE_CLIENT_ID: 'read by @azure/identity DefaultAzureCredential to pick the user-assigned identity',
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'deploy the zip as built (no Oryx build on the web app)',
  FUNCTIONS_REQUEST_BODY_SIZE_LIMIT:
    'Functions host: refuses bodies over 8 MiB (twice the app limit) before buffering them',
};

/** Read by our code, deliberately not set in Azure. */
export const NOT_SET_IN_AZURE: Readonly<Record<string, string>> = {
  STORAGE_CONNECTION_STRING:
    'local development and tests; Azure uses STORAGE_ACCOUNT_NAME with a managed identity (shared keys are disabled)',
  WEBJOBS_SHUTDOWN_FILE: 'provided by the WebJobs runtime',
  WEBJOB_START_POSITION:
    'default "earliest" is right for a first deployment (events are idempotent downstream); set a height to skip history',
  WEBJOB_CONSUMER_NAME: 'default "webjob" names the single consumer in the checkpoint table',
  WEBJOB_HEALTH_HOST: 'default 127.0.0.1: the health/metrics server stays private to the instance',
  WEBJOB_HEALTH_PORT: 'default 0 (a free port)',
  WEBJOB_SHUTDOWN_GRACE_MS: 'tuning default',
  WEBJOB_LEASE_SECONDS: 'tuning default',
  WEBJOB_CHECKPOINT_INTERVAL_MS: 'tuning default',
  WEBJOB_MAX_PENDING_EVENTS: 'tuning default',
  WEBJOB_BATCH_SIZE: 'tuning default',
  WEBJOB_MAX_CONCURRENCY: 'tuning default',
  WEBJOB_RETRY_BASE_MS: 'tuning default',
  WEBJOB_RETRY_MAX_MS: 'tuning default',
  WEBJOB_FETCH_CONCURRENCY: 'tuning default',
  WEBJOB_PING_INTERVAL_MS: 'tuning default',
  WEBJOB_PING_TIMEOUT_MS: 'tuning default',
  WEBJOB_RECONNECT_BASE_MS: 'tuning default',
  WEBJOB_RECONNECT_MAX_MS: 'tuning default',
  WEBJOB_TIP_POLL_MS: 'tuning default',
  WEBJOB_STALL_TIMEOUT_MS: 'tuning default',
  WEBJOB_ASSET_CACHE_SIZE: 'tuning default (entries of an in-memory cache)',
  WEBHOOK_TIMEOUT_MS: 'tuning default',
  WEBHOOK_HEALTH_URL: 'default: the /api/health route on the origin of WEBHOOK_URL, which Bicep sets',
  LEDGER_REQUEST_TIMEOUT_MS: 'tuning default',
  OTEL_METRIC_EXPORT_INTERVAL:
    'OpenTelemetry default 60 s, the granularity of Application Insights metrics; tests shorten it',
  CONSOLE_DEV_SIGN_IN: "the console's local sign-in stand-in: local stack only (refused on App Service)",
  CONSOLE_WEBJOB_HEALTH_URL:
    "the WebJob's health port is private to its App Service instance; only the local stack reaches it",
  WEBSITE_AUTH_ENABLED: 'set by App Service when authentication (console sign-in) is on',
  WEBSITE_SITE_NAME: 'set by App Service on every app',
};

/**
 * Name prefixes excused as a family: the WebJob's own WEBJOB_* knobs all have defaults in
 * webjob/src/config.ts and are tuned per deployment only when needed (add them to appSettings then).
 * New knobs of that family do not need an entry above; every other new setting does.
 */
export const NOT_SET_IN_AZURE_PREFIXES: Readonly<Record<string, string>> = {
  WEBJOB_: 'WebJob tuning knobs with code defaults',
};

/** Settings that carry secrets: in Azure they must be Key Vault references, never plain values. */
export const SECRET_SETTINGS: readonly string[] = ['WEBHOOK_SECRETS', 'WEBHOOK_FUNCTION_KEY'];

/** Built-in Azure role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles). */
export const BUILT_IN_ROLES: Readonly<Record<string, string>> = {
  'b7e6dc6d-f1e8-4753-8033-0f276bb0955b': 'Storage Blob Data Owner',
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
};

/** A role that includes another (for "needs X": having the wider role also satisfies it). */
export const ROLE_INCLUDES: Readonly<Record<string, readonly string[]>> = {
  'Storage Blob Data Owner': ['Storage Blob Data Contributor'],
  'Key Vault Secrets Officer': ['Key Vault Secrets User'],
};

/** Which storage SDK import needs which data role. */
export const SDK_ROLES: Readonly<Record<string, string>> = {
  '@azure/data-tables': 'Storage Table Data Contributor',
  '@azure/storage-queue': 'Storage Queue Data Contributor',
  '@azure/storage-blob': 'Storage Blob Data Contributor',
};

export interface Component {
  name: 'functions' | 'webjob';
  /** Source folders whose settings and imports this component ships (its own and the workspace packages it imports). */
  sourceDirs: string[];
  /** Bicep module (relative to infra/) that defines its app settings in `var appSettings`. */
  module: string;
  /** Symbolic name of the module call in main.bicep. */
  moduleCall: string;
}

export const COMPONENTS: readonly Component[] = [
  {
    name: 'functions',
    sourceDirs: ['functions/src', 'shared/src'],
    module: 'modules/function-app.bicep',
    moduleCall: 'functionApp',
  },
  {
    name: 'webjob',
    sourceDirs: ['webjob/src', 'shared/src', 'bigchaindb/src'],
    module: 'modules/webjob-app.bicep',
    moduleCall: 'webjobApp',
  },
];
