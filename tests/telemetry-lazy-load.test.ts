// Telemetry off costs nothing at start: with no APPLICATIONINSIGHTS_CONNECTION_STRING, loading
// and configuring both compiled apps loads no OpenTelemetry or Azure Monitor module. The control
// half starts telemetry in the same process and sees them load, so the check can fail.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..');

const SCRIPT = `
const loaded = () => Object.keys(require.cache).filter((file) => /[\\\\/]@opentelemetry[\\\\/]|monitor-opentelemetry/.test(file)).length;
const env = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', WEBHOOK_SECRETS: 'whsec_xbQEcAvu2CjQNkD1jkx8s1AOpVzylfWF', LEASING_COMPANY_PUBLIC_KEYS: '4K9sWUMFwTgaDGPfdynrbxWqWS6sWmKbZoTjxLtVUibD' };
const webjob = require('./webjob/dist/config').loadConfig(env);
require('./webjob/dist/webjob');
const functions = require('./functions/dist/app-services').createAppServices(require('./functions/dist/config').loadConfig(env, require('@lease-premium/events').parseWebhookSecrets));
const off = loaded();
const settings = require('@lease-premium/events/telemetry').telemetrySettings({ APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-4000-8000-000000000017;IngestionEndpoint=https://127.0.0.1:9/' });
require('@lease-premium/events/telemetry').startAzureMonitor(settings, { serviceName: 'lazy-load-check' });
process.stdout.write(JSON.stringify({ off, on: loaded(), webjobTelemetry: webjob.telemetry ?? null, functionsTelemetry: functions.telemetry ?? null }));
process.exit(0);
`;

describe('telemetry off', () => {
  it('loads no OpenTelemetry or Azure Monitor module in either app; starting it does', () => {
    const env = { ...process.env };
    delete env.APPLICATIONINSIGHTS_CONNECTION_STRING;
    const result = JSON.parse(
      execFileSync(process.execPath, ['-e', SCRIPT], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 }),
    ) as Record<string, unknown>;
    expect(result).toMatchObject({ off: 0, webjobTelemetry: null, functionsTelemetry: null });
    expect(result.on).toBeGreaterThan(50);
  });
});
