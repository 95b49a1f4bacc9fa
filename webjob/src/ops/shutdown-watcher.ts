// Graceful shutdown triggers: SIGTERM (containers, App Service on Linux), SIGINT (Ctrl+C), and
// the file Azure writes at WEBJOBS_SHUTDOWN_FILE before stopping a WebJob (polled: fs.watch is
// unreliable on the network file systems App Service uses).
import fs from 'node:fs';

export function watchForShutdown(shutdownFile: string | undefined, onShutdown: (reason: string) => void, pollMs = 500): () => void {
  let fired = false;
  const fire = (reason: string): void => {
    if (fired) return;
    fired = true;
    onShutdown(reason);
  };
  const onTerm = (): void => fire('SIGTERM');
  const onInt = (): void => fire('SIGINT');
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  const timer = shutdownFile
    ? setInterval(() => {
        if (fs.existsSync(shutdownFile)) fire('WEBJOBS_SHUTDOWN_FILE');
      }, pollMs)
    : undefined;
  timer?.unref();
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    if (timer) clearInterval(timer);
  };
}
