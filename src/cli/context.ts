import { Taskwright } from '../runtime/engine.js';
import { openStore, storeUrlFrom } from './store-url.js';

export interface GlobalOptions {
  store?: string;
  json?: boolean;
}

/** Opens the engine on the chosen store, runs `action`, and always closes the store. */
export async function withEngine<T>(options: GlobalOptions, action: (engine: Taskwright) => Promise<T>): Promise<T> {
  const engine = new Taskwright({ store: openStore(storeUrlFrom(options.store)) });
  try {
    await engine.migrate();
    return await action(engine);
  } finally {
    await engine.close();
  }
}
