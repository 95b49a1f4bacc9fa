// Preloaded with NODE_OPTIONS="--require <this file>" into the Function App host and the WebJob by the
// end-to-end bench: counts the requests the process sends to the storage account's table endpoint
// (../storage-request-counter.ts: every request, a retry too; an entity-group transaction is one) and
// keeps the running total in <BENCH_STORAGE_REQUESTS_DIR>/<pid>-<thread>.count (storage-request-files.ts),
// rewritten on a timer while it changes and at exit. The bench reads the files between phases, so
// counting adds no request and no work on the request path beyond a counter increment.
import { threadId } from 'node:worker_threads';
import { StorageRequestCounter } from '../storage-request-counter';
import {
  STORAGE_REQUESTS_DIR_VARIABLE,
  STORAGE_REQUESTS_FLUSH_MS,
  writeStorageRequests,
} from './storage-request-files';

const dir = process.env[STORAGE_REQUESTS_DIR_VARIABLE];
const connectionString = process.env.STORAGE_CONNECTION_STRING;

function startCounting(folder: string, connection: string): void {
  let counter: StorageRequestCounter;
  try {
    counter = new StorageRequestCounter(connection);
  } catch {
    return; // no table endpoint to count (the process reports its own configuration error)
  }
  let written = 0;
  const flush = (): void => {
    if (counter.requests === written) return;
    written = counter.requests;
    writeStorageRequests(folder, `${process.pid}-${threadId}`, written);
  };
  setInterval(flush, STORAGE_REQUESTS_FLUSH_MS).unref();
  process.once('exit', flush);
}

// Worker threads load preloads too, and each has its own http module (the WebJob runs in one): every
// thread counts the requests it sends, into a file of its own.
if (dir && connectionString) startCounting(dir, connectionString);
