// Counts the requests this process sends to a storage account's table endpoint, seen from outside the
// client that sends them: Node's `http.client.request.start` diagnostics channel reports every request
// of the http/https modules, which the Azure SDK's Node HTTP client uses
// (https://nodejs.org/api/diagnostics_channel.html#http). A retry is a request of its own.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

const REQUEST_START = 'http.client.request.start';

/** The table endpoint an Azurite connection string names (an explicit TableEndpoint, or the development default). */
export function tableEndpointOf(connectionString: string): URL {
  if (/UseDevelopmentStorage=true/i.test(connectionString)) return new URL('http://127.0.0.1:10002/devstoreaccount1');
  const endpoint = /(?:^|;)TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('the connection string names no TableEndpoint');
  return new URL(endpoint);
}

export class StorageRequestCounter {
  private counted = 0;
  private readonly host: string;
  private readonly onRequest = (message: unknown): void => {
    const { request } = message as { request: ClientRequest };
    if (request.getHeader('host') === this.host) this.counted++;
  };

  /** Starts counting the requests sent to the table endpoint of `connectionString`. */
  constructor(connectionString: string) {
    this.host = tableEndpointOf(connectionString).host; // host[:port], as the Host header carries it
    subscribe(REQUEST_START, this.onRequest);
  }

  get requests(): number {
    return this.counted;
  }

  /** The requests `work` sends (nothing else may talk to the endpoint meanwhile). */
  async during(work: () => Promise<unknown>): Promise<number> {
    const before = this.counted;
    await work();
    return this.counted - before;
  }

  stop(): void {
    unsubscribe(REQUEST_START, this.onRequest);
  }
}
