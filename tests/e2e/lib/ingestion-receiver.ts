// A local stand-in for the Application Insights ingestion endpoint: a real HTTPS server that takes
// what the Azure Monitor exporter sends (POST /v2.1/track, a JSON array of envelopes, possibly
// gzipped) and keeps it for assertions. HTTPS because the exporter upgrades every endpoint to it:
// a throw-away self-signed certificate for 127.0.0.1 is made with openssl, and the apps under test
// trust it through NODE_EXTRA_CA_CERTS.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One telemetry item as the exporter sends it (the Breeze envelope). */
export interface Envelope {
  name: string;
  time: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: Record<string, unknown> & { properties?: Record<string, string> } };
}

export interface IngestionReceiver {
  /** Settings that point an app's telemetry at this receiver. */
  readonly env: Record<string, string>;
  readonly envelopes: Envelope[];
  close(): Promise<void>;
}

export async function startIngestionReceiver(): Promise<IngestionReceiver> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lease-premium-ingestion-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  const envelopes: Envelope[] = [];
  const server = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v2.1/track')) {
        res.writeHead(404).end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
      const items = JSON.parse(text) as Envelope[];
      envelopes.push(...items);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ itemsReceived: items.length, itemsAccepted: items.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: {
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-4000-8000-000000000017;IngestionEndpoint=https://127.0.0.1:${port}/`,
      NODE_EXTRA_CA_CERTS: certFile,
      // The exporter's own usage statistics would go to Microsoft's endpoint: not from a test.
      APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
      APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
    },
    envelopes,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
