// Graceful shutdown triggers: SIGTERM (containers, App Service on Linux), SIGINT (Ctrl+C), and
// the file Azure writes at WEBJOBS_SHUTDOWN_FILE before stopping a WebJob (polled: fs.watch is
// unreliable on the network file systems App Service uses).
import fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { LIFETIME_TUNING } from '../tuning';

/** `port`: in a worker thread, the main thread forwards the signals as {shutdown: "SIGTERM"} messages. */
export function watchForShutdown(
  shutdownFile: string | undefined,
  onShutdown: (reason: string) => void,
  port?: MessagePort,
  pollMs: number = LIFETIME_TUNING.shutdownFilePollMs,
): () => void {
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
  const onMessage = (message: unknown): void => {
    if (
      typeof message === 'object' &&
      message !== null &&
      'shutdown' in message &&
      typeof message.shutdown === 'string'
    )
      fire(message.shutdown);
  };
  port?.on('message', onMessage);
  const timer = shutdownFile
    ? setInterval(() => {
        if (fs.existsSync(shutdownFile)) fire('WEBJOBS_SHUTDOWN_FILE');
      }, pollMs)
    : undefined;
  timer?.unref();
  return () => {
    process.off('SIGTERM', onTerm);
    process.off('SIGINT', onInt);
    port?.off('message', onMessage);
    if (timer) clearInterval(timer);
  };
}
