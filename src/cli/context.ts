import { Taskwright } from '../runtime/engine.js';
import { chooseStore, openStore } from './store-url.js';

export interface GlobalOptions {
  store?: string;
  json?: boolean;
}

/** Opens an engine on the store chosen by `--store` / `TASKWRIGHT_STORE` / the default. */
export async function openEngine(options: GlobalOptions): Promise<Taskwright> {
  return new Taskwright({ store: await openStore(chooseStore(options.store)) });
}

/** Opens the engine, brings the schema up to date, runs `action`, and always closes the store. */
export async function withEngine<T>(options: GlobalOptions, action: (engine: Taskwright) => Promise<T>): Promise<T> {
  const engine = await openEngine(options);
  try {
    await engine.migrate();
    return await action(engine);
  } finally {
    await engine.close();
  }
}
