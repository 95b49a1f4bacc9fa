// WebJob configuration: every setting comes from an environment variable (App Settings), is read
// and validated once at start, and is passed down as this typed object. Errors name the variable.
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseWebhookSecrets } from '@lease-premium/events';
import { readStorageSettings, type StorageSettings } from '@lease-premium/events/azure-storage';
import { ConfigError, configErrorOf, textSetting as text, type Env } from '@lease-premium/events/settings';
import { telemetrySettings, type TelemetrySettings } from '@lease-premium/events/telemetry';
import { DELIVERY_TUNING, LEDGER_TUNING, LIFETIME_TUNING, PROGRESS_TUNING, STREAM_TUNING } from './tuning';

export type StartPosition = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'height'; height: number };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export { ConfigError };

/** The storage account, and the prefix of every table, queue and container name the WebJob uses. */
export type WebJobStorageSettings = StorageSettings & { namePrefix: string };

export interface WebJobConfig {
  ledger: {
    apiUrl: string; // ends with "/"
    wsUrl: string | undefined; // undefined: discovered from the API index ("streams")
    source: string; // CloudEvents source, and the checkpoint's partition
    requestTimeoutMs: number;
    fetchConcurrency: number;
    pingIntervalMs: number;
    pingTimeoutMs: number;
    reconnectBaseMs: number;
    reconnectMaxMs: number;
    tipPollMs: number;
    stallTimeoutMs: number;
  };
  trust: { leasingCompanyPublicKeys: ReadonlySet<string> };
  webhook: {
    url: string;
    functionKey: string | undefined;
    secrets: string[];
    batchSize: number;
    /** Ceiling of the adaptive (AIMD) limit on requests in flight. */
    maxConcurrency: number;
    /** Where the adaptive limit starts. */
    initialConcurrency: number;
    timeoutMs: number;
    retryBaseMs: number;
    retryMaxMs: number;
    /** The receiver's health endpoint: 200 there means a failing batch is the batch's fault, not an outage. */
    healthUrl: string;
    /** Failures of one event sent alone, while the receiver answers, before it is dead-lettered as poison. */
    maxEventAttempts: number;
  };
  storage: WebJobStorageSettings;
  consumerName: string;
  startPosition: StartPosition;
  maxPendingEvents: number;
  assetCacheSize: number;
  /** Threads that check id hashes and signatures ahead of the pipeline (the pipeline checks schemas); 0 checks inline. */
  verifyThreads: number;
  checkpointIntervalMs: number;
  /** /healthz turns degraded when the checkpoint has not advanced this long while events are pending. */
  stallAlertSeconds: number;
  leaseSeconds: number;
  health: { host: string; port: number };
  shutdown: { graceMs: number; file: string | undefined };
  logLevel: LogLevel;
  /** Application Insights; undefined = telemetry off (the default locally). */
  telemetry: TelemetrySettings | undefined;
}

const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;

function fail(name: string, message: string): never {
  throw new ConfigError(name, message);
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const value = text(env, name) ?? fallback;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return fail(name, `must be an absolute URL, got "${value}"`);
  }
  if (!protocols.includes(parsed.protocol)) fail(name, `must use ${protocols.join(' or ')}, got "${value}"`);
  return parsed.toString();
}

/** One verifier thread per core beyond the pipeline's own (at most 4); none on a single core. */
function defaultVerifyThreads(): number {
  return Math.min(PROGRESS_TUNING.maxDefaultVerifyThreads, availableParallelism() - 1);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const parsed = z.coerce.number().int().min(min).max(max).safeParse(raw);
  if (!parsed.success || !/^-?\d+$/.test(raw)) fail(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  return parsed.data;
}

function startPosition(env: Env): StartPosition {
  const raw = text(env, 'WEBJOB_START_POSITION') ?? 'earliest';
  if (raw === 'earliest' || raw === 'latest') return { kind: raw };
  if (/^\d+$/.test(raw) && Number.isSafeInteger(Number(raw))) return { kind: 'height', height: Number(raw) };
  return fail('WEBJOB_START_POSITION', `must be "earliest", "latest" or a block height, got "${raw}"`);
}

function secrets(env: Env): string[] {
  const raw = text(env, 'WEBHOOK_SECRETS');
  if (!raw) fail('WEBHOOK_SECRETS', 'is required: space-separated Standard Webhooks secrets "whsec_<base64>"');
  try {
    return parseWebhookSecrets(raw);
  } catch (error) {
    throw configErrorOf('WEBHOOK_SECRETS', error);
  }
}

function trustedKeys(env: Env): Set<string> {
  const raw = text(env, 'LEASING_COMPANY_PUBLIC_KEYS');
  if (!raw)
    fail(
      'LEASING_COMPANY_PUBLIC_KEYS',
      'is required: the base58 Ed25519 public keys of the leasing companies, separated by spaces or commas',
    );
  const keys = raw.split(/[\s,]+/).filter(Boolean);
  for (const key of keys)
    if (!BASE58_KEY.test(key)) fail('LEASING_COMPANY_PUBLIC_KEYS', `"${key}" is not a base58 Ed25519 public key`);
  return new Set(keys);
}

function storage(env: Env): WebJobStorageSettings {
  const namePrefix = text(env, 'STORAGE_NAME_PREFIX') ?? 'leasepremium';
  if (!/^[a-z][a-z0-9]{2,39}$/.test(namePrefix)) {
    fail(
      'STORAGE_NAME_PREFIX',
      `must be 3-40 lowercase letters and digits starting with a letter (it names tables, queues and containers), got "${namePrefix}"`,
    );
  }
  return { ...readStorageSettings(env), namePrefix };
}

function logLevel(env: Env): LogLevel {
  const raw = (text(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (raw === 'debug' || raw === 'info' || raw === 'warn' || raw === 'error') return raw;
  return fail('LOG_LEVEL', `must be debug, info, warn or error, got "${raw}"`);
}

function concurrency(env: Env): { maxConcurrency: number; initialConcurrency: number } {
  const maxConcurrency = int(env, 'WEBJOB_MAX_CONCURRENCY', DELIVERY_TUNING.maxConcurrency, 1, 256);
  const initialConcurrency = int(
    env,
    'WEBJOB_INITIAL_CONCURRENCY',
    Math.min(DELIVERY_TUNING.initialConcurrency, maxConcurrency),
    1,
    256,
  );
  if (initialConcurrency > maxConcurrency)
    fail(
      'WEBJOB_INITIAL_CONCURRENCY',
      `must not exceed WEBJOB_MAX_CONCURRENCY (${maxConcurrency}), got ${initialConcurrency}`,
    );
  return { maxConcurrency, initialConcurrency };
}

/** WEBHOOK_HEALTH_URL, by default the Function App's health route next to the webhook (same origin). */
function webhookHealthUrl(env: Env, webhookUrl: string): string {
  return url(env, 'WEBHOOK_HEALTH_URL', new URL('/api/health', webhookUrl).toString(), ['http:', 'https:']);
}

/** Reads and validates every WebJob setting; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): WebJobConfig {
  const webhookUrl = url(env, 'WEBHOOK_URL', 'http://127.0.0.1:7071/api/ownership-changes', ['http:', 'https:']);
  const apiUrl = url(env, 'LEDGER_API_URL', 'http://127.0.0.1:9984/api/v1/', ['http:', 'https:']);
  const wsRaw = text(env, 'LEDGER_WS_URL');
  const consumerName = text(env, 'WEBJOB_CONSUMER_NAME') ?? 'webjob';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(consumerName))
    fail('WEBJOB_CONSUMER_NAME', `must be 1-64 letters, digits, "_", "." or "-", got "${consumerName}"`);
  return {
    ledger: {
      apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`,
      wsUrl: wsRaw ? url(env, 'LEDGER_WS_URL', wsRaw, ['ws:', 'wss:']) : undefined,
      source: text(env, 'LEDGER_SOURCE') ?? 'bigchaindb://local',
      requestTimeoutMs: int(env, 'LEDGER_REQUEST_TIMEOUT_MS', LEDGER_TUNING.requestTimeoutMs, 100, 600_000),
      fetchConcurrency: int(env, 'WEBJOB_FETCH_CONCURRENCY', LEDGER_TUNING.fetchConcurrency, 1, 64),
      pingIntervalMs: int(env, 'WEBJOB_PING_INTERVAL_MS', STREAM_TUNING.pingIntervalMs, 50, 600_000),
      pingTimeoutMs: int(env, 'WEBJOB_PING_TIMEOUT_MS', STREAM_TUNING.pingTimeoutMs, 50, 600_000),
      reconnectBaseMs: int(env, 'WEBJOB_RECONNECT_BASE_MS', STREAM_TUNING.reconnect.baseMs, 1, 60_000),
      reconnectMaxMs: int(env, 'WEBJOB_RECONNECT_MAX_MS', STREAM_TUNING.reconnect.maxMs, 1, 600_000),
      tipPollMs: int(env, 'WEBJOB_TIP_POLL_MS', LEDGER_TUNING.tipPollMs, 10, 600_000),
      stallTimeoutMs: int(env, 'WEBJOB_STALL_TIMEOUT_MS', LEDGER_TUNING.stallTimeoutMs, 10, 3_600_000),
    },
    trust: { leasingCompanyPublicKeys: trustedKeys(env) },
    webhook: {
      url: webhookUrl,
      functionKey: text(env, 'WEBHOOK_FUNCTION_KEY'),
      secrets: secrets(env),
      batchSize: int(env, 'WEBJOB_BATCH_SIZE', DELIVERY_TUNING.batchSize, 1, 1000),
      ...concurrency(env),
      timeoutMs: int(env, 'WEBHOOK_TIMEOUT_MS', DELIVERY_TUNING.webhookTimeoutMs, 100, 600_000),
      retryBaseMs: int(env, 'WEBJOB_RETRY_BASE_MS', DELIVERY_TUNING.retry.baseMs, 1, 600_000),
      retryMaxMs: int(env, 'WEBJOB_RETRY_MAX_MS', DELIVERY_TUNING.retry.maxMs, 1, 3_600_000),
      healthUrl: webhookHealthUrl(env, webhookUrl),
      maxEventAttempts: int(env, 'WEBJOB_MAX_EVENT_ATTEMPTS', DELIVERY_TUNING.maxEventAttempts, 1, 100),
    },
    storage: storage(env),
    consumerName,
    startPosition: startPosition(env),
    maxPendingEvents: int(env, 'WEBJOB_MAX_PENDING_EVENTS', PROGRESS_TUNING.maxPendingEvents, 1, 1_000_000),
    assetCacheSize: int(env, 'WEBJOB_ASSET_CACHE_SIZE', PROGRESS_TUNING.assetCacheSize, 100, 10_000_000),
    verifyThreads: int(env, 'WEBJOB_VERIFY_THREADS', defaultVerifyThreads(), 0, 16),
    checkpointIntervalMs: int(env, 'WEBJOB_CHECKPOINT_INTERVAL_MS', PROGRESS_TUNING.checkpointIntervalMs, 10, 600_000),
    stallAlertSeconds: int(env, 'WEBJOB_STALL_ALERT_SECONDS', PROGRESS_TUNING.stallAlertSeconds, 1, 86_400),
    leaseSeconds: int(env, 'WEBJOB_LEASE_SECONDS', LIFETIME_TUNING.leaseSeconds, 15, 60),
    health: {
      host: text(env, 'WEBJOB_HEALTH_HOST') ?? '127.0.0.1',
      port: int(env, 'WEBJOB_HEALTH_PORT', 0, 0, 65_535),
    },
    shutdown: {
      graceMs: int(env, 'WEBJOB_SHUTDOWN_GRACE_MS', LIFETIME_TUNING.shutdownGraceMs, 0, 600_000),
      file: text(env, 'WEBJOBS_SHUTDOWN_FILE'),
    },
    logLevel: logLevel(env),
    telemetry: telemetrySettings(env), // its errors are ConfigErrors too
  };
}
