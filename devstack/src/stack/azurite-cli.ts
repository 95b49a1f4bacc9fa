// Runs Azurite (through startAzurite) as a supervised part in its own process group, so the stack
// controls when storage stops: after the WebJob has stored its checkpoint, never before.
// Usage: node azurite-cli.js --blob-port N --queue-port N --table-port N [--location DIR]
import { parseArgs } from 'node:util';
import { startAzurite } from '../azurite/azurite-process';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'blob-port': { type: 'string' },
      'queue-port': { type: 'string' },
      'table-port': { type: 'string' },
      location: { type: 'string' },
    },
  });
  const port = (name: 'blob-port' | 'queue-port' | 'table-port'): number => {
    const value = Number(values[name] ?? '0');
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      throw new Error(`--${name} must be a port number, got "${values[name]}"`);
    return value;
  };
  const azurite = await startAzurite({
    blobPort: port('blob-port'),
    queuePort: port('queue-port'),
    tablePort: port('table-port'),
    ...(values.location ? { location: values.location } : {}),
    onOutput: (line) => console.log(line),
  });
  console.log(
    `Azurite listening: blob ${azurite.ports.blob}, queue ${azurite.ports.queue}, table ${azurite.ports.table}${values.location ? ` (data in ${values.location})` : ' (in memory)'}`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    azurite.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  azurite.process.once('exit', (code) => {
    if (!stopping) {
      console.error(`Azurite exited unexpectedly (code ${code})`);
      process.exit(1);
    }
  });
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
