import type { Command } from 'commander';
import { ValidationError } from '../../core/errors.js';
import { Taskwright } from '../../runtime/engine.js';
import type { TaskwrightServer } from '../../server/server.js';
import { instrumentTracing } from '../../telemetry/tracing.js';
import type { GlobalOptions } from '../context.js';
import { loadHandlers } from '../load-handlers.js';
import { collect, list, positiveInt } from '../parse-flags.js';
import { onShutdownSignals } from '../signals.js';
import { chooseStore, openStore, redactUrl } from '../store-url.js';
import { workerOptionsFrom } from './worker.js';

interface ServeFlags {
  host: string;
  port: string;
  handlers?: string;
  concurrency?: string;
  queue?: string[];
  bodyLimit?: string;
  workflows?: string;
}

/** A port number 0..65535 (0 picks a free one), named by its flag in the error. */
export function portFlag(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65_535)) throw new ValidationError(`expected --port to be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  return port;
}

/** How the server is protected, for the start-up line. */
export function authNote(server: TaskwrightServer): string {
  return server.authEnabled ? 'API tokens required' : 'no API tokens: listening on loopback only (set TASKWRIGHT_API_TOKENS=admin:TOKEN to serve other hosts)';
}

export function registerServe(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the REST API, WebSocket events, /metrics and health checks (and run workers with --handlers)')
    .option('--host <host>', 'address to listen on; anything but loopback needs API tokens', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '7070')
    .option('--handlers <file>', 'also run a worker with these handlers in this process')
    .option('--concurrency <n>', 'with --handlers: handlers running at once (default 10)')
    .option('--queue <queue>', 'with --handlers: a queue to take jobs from (repeatable)', collect)
    .option('--body-limit <bytes>', 'largest accepted request body (default 1048576)')
    .option('--workflows <a,b>', 'workflow names to serve besides those in --handlers')
    .addHelpText('after', '\nTokens: TASKWRIGHT_API_TOKENS=admin:TOKEN,read:TOKEN (Authorization: Bearer TOKEN). Logs are JSON lines (TASKWRIGHT_LOG_LEVEL).')
    .action(async (flags: ServeFlags) => {
      const port = portFlag(flags.port);
      const bodyLimit = positiveInt('--body-limit', flags.bodyLimit);
      if (!flags.handlers && (flags.concurrency !== undefined || flags.queue)) throw new ValidationError('expected --concurrency and --queue only with --handlers');
      const workerOptions = flags.handlers ? workerOptionsFrom({ handlers: flags.handlers, concurrency: flags.concurrency, queue: flags.queue }) : null;
      const store = chooseStore(globals().store);
      const engine = new Taskwright({ store: await openStore(store) });
      // loaded here, not at the top: every other CLI command starts faster without the HTTP stack
      const [{ createServer }, { attachLogger, createLogger }] = await Promise.all([import('../../server/server.js'), import('../../telemetry/logger.js')]);
      const logger = createLogger();
      const server = createServer({ engine, host: flags.host, port, bodyLimit, workflows: list(flags.workflows), logger });
      await engine.migrate();
      const stopTracing = instrumentTracing(engine.events);
      const stopLogging = attachLogger(engine.events, logger);
      let names: string[] = [];
      const worker = workerOptions ? engine.worker({ ...workerOptions, handleSignals: false }) : null;
      if (worker && flags.handlers) {
        names = await loadHandlers(engine, flags.handlers);
        engine.publishEvents();
        await worker.start();
      }
      onShutdownSignals(async (signal) => {
        logger.info({ signal }, 'stopping');
        await server.close();
        await worker?.stop();
        stopTracing();
        stopLogging();
        await engine.close();
        process.exit(0);
      });
      const url = await server.listen();
      logger.info({ url, store: redactUrl(store.url), auth: server.authEnabled, worker: worker?.id ?? null, handlers: names }, `Taskwright API on ${url} (${authNote(server)})`);
    });
}
