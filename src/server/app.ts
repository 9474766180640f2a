import { fastify, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { HttpError, toErrorResponse } from './http-error.js';

/**
 * The Fastify instance with Taskwright's error shape for every failure (thrown, framework,
 * unknown route) and, with a logger, one JSON line per request.
 */
export function createApp(options: { bodyLimit: number; logger: Logger | null; onServerError: (error: unknown) => void }): FastifyInstance {
  const { bodyLimit, logger } = options;
  // disableRequestLogging: one line per request (onResponse below) instead of the framework's two
  const app = (logger ? fastify({ bodyLimit, loggerInstance: logger, disableRequestLogging: true }) : fastify({ bodyLimit, logger: false })) as unknown as FastifyInstance;
  if (logger) {
    app.addHook('onResponse', async (request, reply) => {
      const line = { method: request.method, url: request.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
      if (reply.statusCode >= 500) logger.error(line, 'request failed');
      else logger.info(line, 'request');
    });
  }
  installErrorShape(app, options.onServerError);
  return app;
}

/** Taskwright's error body for every failure in `scope` (thrown, framework, unknown route). */
export function installErrorShape(scope: FastifyInstance, onServerError: (error: unknown) => void): void {
  scope.setErrorHandler((error, _request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) onServerError(error);
    return reply.code(status).send(body);
  });
  scope.setNotFoundHandler((request, reply) => {
    const { status, body } = toErrorResponse(new HttpError(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
    return reply.code(status).send(body);
  });
}
