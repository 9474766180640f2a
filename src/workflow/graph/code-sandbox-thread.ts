// Runs one piece of user code inside a worker thread (empty environment, heap limit), in a fresh
// vm context. Nothing from this realm is put into the context: the global object has no
// prototype, and the input and console are built inside it, so no outer constructor is reachable
// (`x.constructor.constructor('return process')` finds only the context's own Function, and
// strings-to-code is disabled there). The parent enforces the time limit.
import { parentPort, workerData } from 'node:worker_threads';
import vm from 'node:vm';

const { source, inputJson } = workerData as { source: string; inputJson: string };

// Defense in depth: the thread's own process loses its native-module doors before user code runs.
for (const door of ['binding', '_linkedBinding', 'dlopen'] as const) {
  Object.defineProperty(process, door, { value: undefined, configurable: false, writable: false });
}

const context = vm.createContext(Object.create(null) as object, { codeGeneration: { strings: false, wasm: false } });
vm.runInContext(
  `globalThis.__logs = [];
   globalThis.console = { log: (...args) => { __logs.push(args.map(String).join(' ')); } };
   globalThis.input = JSON.parse(${JSON.stringify(inputJson)});`,
  context,
);

try {
  const script = new vm.Script(`(async () => {\n${source}\n})()`, { filename: 'code-node.js' });
  const result: unknown = await script.runInContext(context);
  const json = result === undefined ? null : JSON.stringify(result);
  parentPort?.postMessage({ ok: true, json: json ?? null });
} catch (error) {
  // errors made inside the context are not instances of this realm's Error
  const message = typeof (error as { message?: unknown })?.message === 'string' ? (error as { message: string }).message : String(error);
  parentPort?.postMessage({ ok: false, message });
}
