import type { Socket } from 'node:net';
import { fastify, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { clientErrorResponse, HttpError, toErrorResponse } from './http-error.js';

export interface AppOptions {
  bodyLimit: number;
  logger: Logger | null;
  onServerError: (error: unknown) => void;
  /**
   * Judges the caller's token for a request no route matched (an unknown path, or one the router
   * rejected); throws the 401/403 to send instead of the routing error, so auth is decided first.
   */
  authorizeUnrouted?: (request: FastifyRequest) => void;
}

/**
 * The Fastify instance with Taskwright's error shape for every failure (thrown, framework,
 * unknown route, malformed request) and, with a logger, one JSON line per request.
 */
export function createApp(options: AppOptions): FastifyInstance {
  const { bodyLimit, logger } = options;
  const { unrouted } = errorSenders(options);
  const shared = {
    bodyLimit,
    // the router's own rejections (bad percent-escapes, over-long parameters) come here instead of
    // being answered in the framework's shape
    frameworkErrors: unrouted,
    // requests that arrive while closing get the 503 of the onRequest hook below, in our shape
    return503OnClosing: false,
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error));
      socket.destroy(error);
    },
  };
  // disableRequestLogging: one line per request (onResponse below) instead of the framework's two
  const app = (logger ? fastify({ ...shared, loggerInstance: logger, disableRequestLogging: true }) : fastify({ ...shared, logger: false })) as unknown as FastifyInstance;
  if (logger) {
    app.addHook('onResponse', async (request, reply) => {
      const line = { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
      if (reply.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
  }
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async () => {
    if (closing) throw new HttpError(503, 'unavailable', 'the server is shutting down; send the request to another instance or retry later');
  });
  installErrorShape(app, options);
  return app;
}

function errorSenders(options: Pick<AppOptions, 'onServerError' | 'authorizeUnrouted'>) {
  const send = (reply: FastifyReply, error: unknown) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) options.onServerError(error);
    return reply.code(status).send(body);
  };
  /** An error for a request no route handles: the token's verdict comes first. */
  const unrouted = (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    try {
      options.authorizeUnrouted?.(request);
    } catch (denied) {
      return send(reply, denied);
    }
    return send(reply, error);
  };
  return { send, unrouted };
}

/**
 * Taskwright's error body for thrown errors and unknown routes in `scope`: the whole app, or the
 * scope Taskwright is mounted in inside a user's own app.
 */
export function installErrorShape(scope: FastifyInstance, options: Pick<AppOptions, 'onServerError' | 'authorizeUnrouted'>): void {
  const { send, unrouted } = errorSenders(options);
  scope.setErrorHandler((error, _request, reply) => send(reply, error));
  scope.setNotFoundHandler((request, reply) => unrouted(new HttpError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`), request, reply));
}
