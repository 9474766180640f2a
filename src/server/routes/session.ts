import { z } from 'zod';
import { bearerToken, type TokenAuthority } from '../auth.js';
import { defineRoute, type RouteSpec } from '../route.js';

/** Who the caller is: the dashboard shows actions only to a token that may take them. */
export function sessionRoutes(authority: TokenAuthority): RouteSpec[] {
  return [
    defineRoute({
      method: 'GET', url: '/api/session', tag: 'session', role: 'read',
      summary: "The caller's role (admin or read) and whether this server checks tokens",
      responses: { 200: z.object({ role: z.enum(['read', 'admin']), authEnabled: z.boolean() }) },
      handler: async ({ headers }) => {
        const header = headers.authorization;
        // a server without tokens lets everyone act (it listens on loopback only)
        const role = authority.enabled ? (authority.roleOf(bearerToken(Array.isArray(header) ? header[0] : header)) ?? 'read') : 'admin';
        return { status: 200, body: { role, authEnabled: authority.enabled } };
      },
    }),
  ];
}
