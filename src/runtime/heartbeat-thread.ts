// Runs in a worker thread: renews this worker's leases on a timer of its own, so a handler that
// keeps the main thread busy with CPU work is still seen as alive and is not rescued by mistake.
import { parentPort, workerData } from 'node:worker_threads';
import type { Store, StoreReopenSpec } from '../store/store.js';

interface HeartbeatConfig {
  spec: StoreReopenSpec;
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
}

const config = workerData as HeartbeatConfig;
const module = (await import(config.spec.module)) as Record<string, (options: unknown) => Store>;
const store = module[config.spec.exportName]!(config.spec.options);
await store.migrate();

let stopped = false;
const beat = async (): Promise<void> => {
  try {
    await store.extendLeases(config.workerId, config.leaseMs, Date.now());
  } catch (error) {
    parentPort?.postMessage({ type: 'error', message: (error as Error).message });
  }
};
const timer = setInterval(() => void beat(), config.heartbeatMs);

parentPort?.on('message', (message: { type: string }) => {
  if (message.type === 'beat') void beat();
  if (message.type === 'stop' && !stopped) {
    stopped = true;
    clearInterval(timer);
    void store.close().then(() => parentPort?.postMessage({ type: 'stopped' }));
  }
});
parentPort?.postMessage({ type: 'ready' });
