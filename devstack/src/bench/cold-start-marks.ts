// Preloaded into the local Functions host by the cold-start bench (`node --require`): splits the
// start into the host's own start (process start to the app's first file), loading the app's code,
// the app's start (appStart hooks, route table, listening) and the first request, with the wall time
// and this process's CPU time at each mark. Written as JSON to COLD_START_MARKS_FILE when the first
// response is sent. Loading the app is seen around the host's `require` of a file under
// COLD_START_APP_ROOT; listening and the first request on the host's HTTP server.
import { writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import Module from 'node:module';
import { isAbsolute, sep } from 'node:path';
import { performance } from 'node:perf_hooks';

/** A moment of the start: milliseconds since the process started, wall and CPU (user + system). */
export interface StartMark {
  wallMs: number;
  cpuMs: number;
}

export interface StartMarks {
  appLoadStarted: StartMark;
  appLoaded: StartMark;
  listening: StartMark;
  firstRequest: StartMark;
  firstResponse: StartMark;
}

export const MARKS_FILE_VARIABLE = 'COLD_START_MARKS_FILE';
export const APP_ROOT_VARIABLE = 'COLD_START_APP_ROOT';

function mark(): StartMark {
  const { user, system } = process.cpuUsage();
  return { wallMs: performance.now(), cpuMs: (user + system) / 1000 };
}

function install(marksFile: string, appRoot: string): void {
  const marks: Partial<StartMarks> = {};
  // Module._load is what `require` and createRequire() call for every module (not in @types/node).
  const loader = Module as unknown as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const load = loader._load;
  let appDepth = 0;
  loader._load = function loadTimed(this: unknown, request, parent, isMain) {
    const isAppFile = appDepth === 0 && isAbsolute(request) && request.startsWith(appRoot + sep);
    if (!isAppFile) return load.call(this, request, parent, isMain);
    marks.appLoadStarted ??= mark();
    appDepth++;
    try {
      return load.call(this, request, parent, isMain);
    } finally {
      appDepth--;
      marks.appLoaded = mark();
    }
  };

  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the server as `this`
  const listen = Server.prototype.listen;
  Server.prototype.listen = function listenTimed(this: Server, ...args: unknown[]) {
    this.once('listening', () => (marks.listening ??= mark()));
    this.prependListener('request', (_request, response) => {
      if (marks.firstRequest) return;
      marks.firstRequest = mark();
      response.once('finish', () => {
        marks.firstResponse = mark();
        writeFileSync(marksFile, JSON.stringify(marks));
      });
    });
    return (listen as (...listenArgs: unknown[]) => Server).apply(this, args);
  } as typeof Server.prototype.listen;
}

const marksFile = process.env[MARKS_FILE_VARIABLE];
const appRoot = process.env[APP_ROOT_VARIABLE];
if (marksFile && appRoot) install(marksFile, appRoot);
