/**
 * First SIGTERM/SIGINT: run `stop` (graceful). A second one while stopping: exit at once with
 * the conventional code (128 + signal number).
 */
export function onShutdownSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        process.stderr.write(`taskwright: second ${signal}, exiting now; jobs still running go back to the queue when their lease expires\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      stop(signal).catch((error: unknown) => {
        process.stderr.write(`taskwright: shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      });
    });
  }
}
