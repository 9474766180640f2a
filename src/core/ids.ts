import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** A worker id that says where the worker runs: `host:pid:random`. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
