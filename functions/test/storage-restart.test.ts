// Storage outages on a real Azurite of this suite's own: while storage is down the webhook answers
// 503 + Retry-After (the WebJob retries), and once an in-memory Azurite is back EMPTY (its tables
// gone: `npm start --memory` after the supervisor restarted it) the app recreates its tables instead
// of answering 500 until the host restarts. A table still being deleted (Azure answers table creation
// with 409 TableBeingDeleted for a while; Azurite cannot) is transient too.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhookSecrets, WebhookSigner } from '@lease-premium/events';
import { connectionStringFor, startAzurite, type AzuriteInstance } from '../../devstack/src/azurite/azurite-process';
import {
  leaseStartEvent,
  newCar,
  randomPublicKey,
  registeredEvent,
  sampleProfile,
} from '../../devstack/src/bench/event-factory';
import { createAppServices, type AppServices } from '../src/app-services';
import { loadConfig } from '../src/config';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { uniqueName } from '../../tests/support/storage';
import { invoke, newSecret, webhookRequest } from './support/function-app';

let azurite: AzuriteInstance | undefined;
let services: AppServices;
let signer: WebhookSigner;

beforeAll(async () => {
  azurite = await startAzurite();
  const config = loadConfig(
    {
      STORAGE_CONNECTION_STRING: azurite.connectionString,
      STORAGE_NAME_PREFIX: uniqueName('rs'),
      WEBHOOK_SECRETS: newSecret(),
    },
    parseWebhookSecrets,
  );
  services = createAppServices(config);
  signer = new WebhookSigner(config.webhookSecrets);
});

afterAll(async () => {
  await azurite?.stop();
});

const deliver = (events: Parameters<typeof webhookRequest>[1]) =>
  invoke(ownershipChangesHandler(services), webhookRequest({ signer }, events));

it('storage down -> 503 with Retry-After; storage back empty -> tables recreated, events applied', async () => {
  const driver = randomPublicKey();
  await services.drivers.put(driver, sampleProfile());
  const car = newCar();
  expect((await deliver([registeredEvent(car, { blockHeight: 1 })])).status).toBe(200);

  const ports = azurite!.ports;
  await azurite!.stop();
  const down = await deliver([leaseStartEvent(car, { blockHeight: 2 }, [driver])]);
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toMatch(/^\d+$/);

  // The same ports again (the stack's supervisor restarts Azurite where the app expects it), in memory: empty.
  azurite = await startAzurite({ blobPort: ports.blob, queuePort: ports.queue, tablePort: ports.table });
  const statuses: number[] = [];
  const other = newCar();
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await deliver([
      registeredEvent(other, { blockHeight: 3 }),
      leaseStartEvent(other, { blockHeight: 4 }, [driver]),
    ]);
    statuses.push(answer.status);
    if (answer.status === 200) {
      const outcomes = (answer.body as { results: { outcome: string }[] }).results.map((r) => r.outcome);
      expect(outcomes).toEqual(['applied', 'applied']); // the lost driver profile: rated as unknown, still applied
      break;
    }
  }
  expect(statuses).not.toContain(500);
  expect(statuses.at(-1)).toBe(200);
  expect(statuses.length).toBeLessThanOrEqual(2); // at most one 503 while the tables are recreated
});

it('a table being deleted (409 TableBeingDeleted on creation) answers 503, not 500', async () => {
  // A real HTTP server answering as Azure Table storage does while a table of that name is deleted.
  const server = createServer((request, response) => {
    request.resume();
    const body = JSON.stringify({
      'odata.error': {
        code: 'TableBeingDeleted',
        message: { lang: 'en-US', value: 'The specified table is being deleted.' },
      },
    });
    response
      .writeHead(409, {
        'content-type': 'application/json;odata=minimalmetadata',
        'x-ms-error-code': 'TableBeingDeleted',
      })
      .end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const port = (server.address() as AddressInfo).port;
    const config = loadConfig(
      {
        STORAGE_CONNECTION_STRING: connectionStringFor({ blob: port, queue: port, table: port }),
        STORAGE_NAME_PREFIX: uniqueName('bd'),
        WEBHOOK_SECRETS: newSecret(),
      },
      parseWebhookSecrets,
    );
    const deleting = createAppServices(config);
    const answer = await invoke(
      ownershipChangesHandler(deleting),
      webhookRequest({ signer: new WebhookSigner(config.webhookSecrets) }, [
        registeredEvent(newCar(), { blockHeight: 1 }),
      ]),
    );
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
