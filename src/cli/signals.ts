/**
 * First SIGTERM/SIGINT: run `stop` (graceful). A second one while stopping: exit at once with
 * the conventional code (128 + signal number).
 */
export function onShutdownSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) {
        process.stderr.write(`taskwright: second ${signal}, exiting without waiting\n`);
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      void stop(signal);
    });
  }
}
