import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { ValidationError } from '../core/errors.js';

/** read: GET requests and WebSocket subscriptions. admin: everything. */
export type Role = 'read' | 'admin';

export interface ApiToken {
  role: Role;
  token: string;
}

const MIN_TOKEN_LENGTH = 16;

/** Parses `ROLE:TOKEN[,ROLE:TOKEN...]` (as in TASKWRIGHT_API_TOKENS); `source` names where it came from. */
export function parseTokenList(text: string, source: string): ApiToken[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item, index) => {
      const colon = item.indexOf(':');
      const role = item.slice(0, colon);
      const token = item.slice(colon + 1);
      if (colon < 0 || (role !== 'read' && role !== 'admin')) {
        throw new ValidationError(`expected ${source} entry ${index + 1} to be ROLE:TOKEN with ROLE admin or read, got ${JSON.stringify(colon < 0 ? '<no colon>' : `${role}:...`)}`);
      }
      return checkToken({ role, token }, `${source} entry ${index + 1}`);
    });
}

export function checkToken(token: ApiToken, where: string): ApiToken {
  if (token.role !== 'read' && token.role !== 'admin') throw new ValidationError(`expected the role of ${where} to be admin or read, got ${JSON.stringify(token.role)}`);
  if (typeof token.token !== 'string' || token.token.length < MIN_TOKEN_LENGTH || /\s/.test(token.token)) {
    throw new ValidationError(`expected the token of ${where} to be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
  }
  return token;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Checks presented tokens against the configured ones. Comparing fixed-length digests with
 * timingSafeEqual, over every configured token, keeps the time independent of where they differ.
 */
export class TokenAuthority {
  private readonly entries: { role: Role; digest: Buffer }[];

  constructor(tokens: readonly ApiToken[]) {
    this.entries = tokens.map((t) => ({ role: t.role, digest: digest(t.token) }));
  }

  get enabled(): boolean {
    return this.entries.length > 0;
  }

  /** The role of a presented token, or null when it matches none. */
  roleOf(presented: string | undefined | null): Role | null {
    if (!presented) return null;
    const candidate = digest(presented);
    let role: Role | null = null;
    for (const entry of this.entries) {
      if (timingSafeEqual(candidate, entry.digest) && role !== 'admin') role = entry.role;
    }
    return role;
  }
}

export const allows = (role: Role, needed: Role): boolean => role === 'admin' || needed === 'read';

/** The token of an `Authorization: Bearer TOKEN` header, if any. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1] : undefined;
}

/** True when `host` only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.toLowerCase() === '::ffff:127.0.0.1';
  return false;
}
