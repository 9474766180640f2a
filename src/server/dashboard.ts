import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

/**
 * Where the built dashboard is: dist/web beside dist/server when running the package, or the
 * repository's dist/web when running from src/ (tests, tsx). Null when it was never built.
 */
export function defaultDashboardDir(): string | null {
  const candidates = ['../web/', '../../dist/web/'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

export interface DashboardOptions {
  /** the built dashboard (dist/web) */
  dir: string;
  /** the path of the scope the dashboard is registered in, e.g. '' or '/ops/taskwright'; its page links to its files from there */
  basePath?: string;
}

/**
 * Serves the dashboard's page at `/` and its bundled files at `/assets/…` of the scope it is
 * registered in (which may carry a prefix).
 * The files are read once into memory (a few hundred KB) and only those files are served, so no
 * request path ever reaches the file system. The page is public: it holds no data, and every API
 * call it makes needs the token the user types in.
 */
export function registerDashboard(app: FastifyInstance, options: DashboardOptions): void {
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of readdirSync(options.dir)) {
    const type = TYPES[extname(name)];
    if (type && name !== 'index.html') assets.set(name, { type, body: readFileSync(join(options.dir, name)) });
  }
  const page = readFileSync(join(options.dir, 'index.html'), 'utf8').replace('%BASE%', `${options.basePath ?? ''}/`);
  const sendPage = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.header('content-type', TYPES['.html']).header('cache-control', 'no-cache').header('content-security-policy', "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'").send(page);
  app.get('/', sendPage);
  app.get('/dashboard', async (_request, reply) => reply.redirect(`${options.basePath ?? ''}/`));
  app.get('/assets/:file', async (request, reply) => {
    const asset = assets.get((request.params as { file: string }).file);
    if (!asset) return reply.code(404).send({ error: { code: 'not_found', message: `no dashboard file ${(request.params as { file: string }).file}`, details: null } });
    return reply.header('content-type', asset.type).header('cache-control', 'no-cache').send(asset.body);
  });
}
