// Port selection. The stack fixes every part's port before starting it, so a restarted part comes
// back on the same address and the URLs in stack.json stay true for the whole run.
import net from 'node:net';

/** A port the OS reports free on 127.0.0.1 right now (tests: several stacks side by side). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not determine a free port');
  return address.port;
}

/** Distinct free ports, one per name. */
export async function freePorts<K extends string>(names: readonly K[]): Promise<Record<K, number>> {
  const taken = new Set<number>();
  const result = {} as Record<K, number>;
  for (const name of names) {
    let port = await freePort();
    for (let attempt = 0; taken.has(port) && attempt < 20; attempt++) port = await freePort();
    taken.add(port);
    result[name] = port;
  }
  return result;
}

/** True when nothing listens on 127.0.0.1:port (so a fixed default port can be used). */
export async function isPortFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
