import type { AddressInfo } from 'node:net';
import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ValidationError } from '../core/errors.js';
import type { Taskwright } from '../runtime/engine.js';
import { EngineEventStream } from '../telemetry/event-stream.js';
import { createMetrics } from '../telemetry/metrics.js';
import { bearerToken, checkToken, isLoopbackHost, parseTokenList, TokenAuthority, type ApiToken } from './auth.js';
import { createApp } from './app.js';
import { openApiDocument } from './openapi.js';
import { authorize, registerRoutes } from './register-routes.js';
import type { RouteSpec } from './route.js';
import { jobRoutes } from './routes/jobs.js';
import { flowRoutes } from './routes/flow.js';
import { operationRoutes } from './routes/operations.js';
import { scheduleRoutes } from './routes/schedules.js';
import { triggerRoutes } from './routes/triggers.js';
import { workflowRoutes } from './routes/workflows.js';
import { WebSocketHub } from './ws-hub.js';
import { hookRouteDoc, registerHooks } from './hooks.js';

export interface ServerOptions {
  engine: Taskwright;
  /** default 127.0.0.1; any other address needs tokens */
  host?: string;
  /** default 7070; 0 picks a free port */
  port?: number;
  /** API tokens; when left out, read from TASKWRIGHT_API_TOKENS (ROLE:TOKEN[,...]) */
  tokens?: readonly ApiToken[];
  /** request bodies over this many bytes get 413. Default 1 MiB. */
  bodyLimit?: number;
  /** workflow names to serve besides the workflow definitions registered on the engine */
  workflows?: readonly string[];
  /** a pino logger for requests; false for none. Default: none. */
  logger?: Logger | false;
  /** check every success response against its schema (for tests). Default false. */
  validateResponses?: boolean;
  /** a WebSocket client with more unsent bytes than this is dropped. Default 1 MiB. */
  wsMaxBufferedBytes?: number;
  /** events from other processes are read from the store's feed at least this often. Default 1s. */
  feedPollMs?: number;
  /** WebSocket clients are pinged this often; one that misses a ping is closed. Default 30s. */
  wsPingMs?: number;
}

/** The HTTP server: REST API, WebSocket events, /metrics, health. Create with `createServer`, then `listen()`. */
export class TaskwrightServer {
  readonly app: FastifyInstance;
  readonly hub: WebSocketHub;
  readonly stream: EngineEventStream;
  readonly routes: readonly RouteSpec[];
  readonly authEnabled: boolean;
  private readonly stops: (() => void)[] = [];

  constructor(
    readonly options: Required<Pick<ServerOptions, 'host' | 'port'>> & ServerOptions,
    tokens: readonly ApiToken[],
  ) {
    const { engine } = options;
    const authority = new TokenAuthority(tokens);
    this.authEnabled = authority.enabled;
    // Workflows: registered here, configured, or seen running (run and step events name them),
    // so a server without handlers learns the workflows its workers in other processes run.
    const seenWorkflows = new Set<string>();
    const knownWorkflows = (): string[] => {
      const registered = engine.handlerNames().filter((name) => engine.getDefinition(name)?.workflow !== undefined);
      return [...new Set([...registered, ...(options.workflows ?? []), ...seenWorkflows])];
    };
    this.stream = new EngineEventStream({ bus: engine.events, store: engine.store, source: engine.instanceId, pollMs: options.feedPollMs, onError: (error) => this.logError(error, 'reading the event feed') });
    this.hub = new WebSocketHub({ authority, maxBufferedBytes: options.wsMaxBufferedBytes, pingMs: options.wsPingMs });
    const metrics = createMetrics({
      subscribe: (l) => this.stream.subscribe(l),
      queueStats: () => engine.stats(),
      nameStats: () => engine.statsByName(),
      ...(engine.store.capabilities.workerRegistry && {
        runningWorkers: async () => (await engine.listWorkers()).filter((w) => w.state === 'running').length,
      }),
    });
    this.stops.push(
      metrics.stop,
      this.stream.subscribe((event) => this.hub.publish(event)),
      this.stream.subscribe((event) => {
        if (typeof event.workflow === 'string' && seenWorkflows.size < 10_000) seenWorkflows.add(event.workflow);
      }),
    );

    this.app = createApp({
      bodyLimit: options.bodyLimit ?? 1024 * 1024,
      logger: options.logger || null,
      onServerError: (error) => this.logError(error, 'handling a request'),
      // no route to ask: reading needs a read token, anything else an admin one
      authorizeUnrouted: (request) => authorize(authority, request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'admin', request),
    });

    const routes = [...jobRoutes(engine), ...workflowRoutes(engine, knownWorkflows), ...scheduleRoutes(engine), ...triggerRoutes(engine), ...flowRoutes(engine), ...operationRoutes(engine)];
    this.routes = routes;
    const document = openApiDocument([...routes, hookRouteDoc], { title: 'Taskwright', version: '1' });
    registerRoutes(this.app, routes, { authority, validateResponses: options.validateResponses ?? false });
    registerHooks(this.app, engine);
    this.app.get('/api/openapi.json', async () => document);
    this.app.get('/metrics', {
      onRequest: async (request) => authorize(authority, 'read', request),
      handler: async (_request, reply) => reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics()),
    });
    void this.app.register(websocket, { options: { maxPayload: 64 * 1024 } });
    void this.app.register(async (scope) => {
      scope.get('/api/events/ws', { websocket: true }, (socket, request) => {
        const query = request.query as Record<string, unknown>;
        const token = bearerToken(request.headers.authorization) ?? (typeof query.token === 'string' ? query.token : undefined);
        this.hub.accept(socket, token);
      });
    });
  }

  private logError(error: unknown, during: string): void {
    if (this.options.logger) this.options.logger.error({ err: error }, `error while ${during}`);
  }

  /** Starts the event stream and listens; resolves with the URL. */
  async listen(): Promise<string> {
    await this.stream.start();
    await this.app.listen({ host: this.options.host, port: this.options.port });
    return this.url;
  }

  get url(): string {
    const address = this.app.server.address() as AddressInfo | null;
    const port = address?.port ?? this.options.port;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${port}`;
  }

  /** Stops accepting connections and closes WebSocket clients (the engine is left open). */
  async close(): Promise<void> {
    this.hub.closeAll();
    this.stream.stop();
    this.stops.forEach((stop) => stop());
    await this.app.close();
  }
}

/**
 * Creates the server (it does not listen yet). Without tokens it only binds to loopback; asked to
 * bind elsewhere without tokens it refuses, since anyone on the network could control the jobs.
 */
export function createServer(options: ServerOptions): TaskwrightServer {
  if (!options || typeof options.engine?.enqueueMany !== 'function') throw new ValidationError('expected options.engine to be a Taskwright engine');
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 7070;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ValidationError(`expected port to be an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  if (options.bodyLimit !== undefined && (!Number.isInteger(options.bodyLimit) || options.bodyLimit < 1)) {
    throw new ValidationError(`expected bodyLimit to be a positive number of bytes, got ${JSON.stringify(options.bodyLimit)}`);
  }
  const tokens = options.tokens
    ? options.tokens.map((t, i) => checkToken(t, `tokens[${i}]`))
    : parseTokenList(process.env.TASKWRIGHT_API_TOKENS ?? '', 'TASKWRIGHT_API_TOKENS');
  if (tokens.length === 0 && !isLoopbackHost(host)) {
    throw new ValidationError(
      `refusing to listen on ${host} without API tokens: anyone who can reach it could enqueue and cancel jobs. Set TASKWRIGHT_API_TOKENS=admin:TOKEN (and read:TOKEN) or listen on 127.0.0.1`,
      { host },
    );
  }
  return new TaskwrightServer({ ...options, host, port }, tokens);
}
