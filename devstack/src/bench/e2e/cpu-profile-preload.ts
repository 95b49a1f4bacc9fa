// Preloaded with NODE_OPTIONS="--require <this file>" into a stack part to CPU-profile it (Node 20
// refuses --cpu-prof in NODE_OPTIONS, and the stack runner owns the command line). Starts the V8
// sampling profiler at load and writes <BENCH_CPU_PROFILE_DIR>/<pid>.cpuprofile at exit, in the
// format `node --cpu-prof` writes. Same-thread inspector sessions answer synchronously, so this
// works inside the 'exit' handler.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  process.once('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
