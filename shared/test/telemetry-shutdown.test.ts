// Stopping with telemetry on never waits long for an ingestion endpoint that does not answer: the
// endpoint here accepts connections and stays silent, and shutdown still returns within its bound.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startAzureMonitor, telemetrySettings } from '../src/telemetry';

describe('startAzureMonitor shutdown', () => {
  const silent: net.Socket[] = [];
  const server = net.createServer((socket) => silent.push(socket));
  const saved = { ...process.env };

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // The exporter's own usage statistics would go to Microsoft's endpoint: not from a test.
    process.env.APPLICATION_INSIGHTS_NO_STATSBEAT = 'true';
    process.env.APPLICATIONINSIGHTS_SDKSTATS_DISABLED = 'true';
  });
  afterAll(async () => {
    process.env = saved;
    for (const socket of silent) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('returns within about 5 s although the endpoint never answers the export', async () => {
    const port = (server.address() as AddressInfo).port;
    const settings = telemetrySettings({
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000017;IngestionEndpoint=https://127.0.0.1:${port}/`,
    })!;
    const telemetry = startAzureMonitor(settings, { serviceName: 'shutdown-check', logs: true });
    telemetry.startSpan('buffered', {}).end();
    const started = Date.now();
    await telemetry.shutdown();
    const elapsed = Date.now() - started;
    expect(silent.length).toBeGreaterThan(0); // the export really went out and hung
    expect(elapsed).toBeLessThan(7_000);
  }, 20_000);
});
