import type { Redis } from 'ioredis';
import type { Breaker, BreakerChange, BreakerState, FlowLimit } from '../../core/flow.js';
import type { FlowChange, FlowSnapshot, QueueControl } from '../../store/types.js';
import type { Keys } from './keys.js';
import type { Arg } from './scripts.js';

/** The ARGV of control-flow.lua for one change (its header lists them). */
export function flowChangeArgs(change: FlowChange, now: number): Arg[] {
  switch (change.type) {
    case 'setLimit': {
      const { key, concurrency, rate } = change.limit;
      return ['setLimit', key, concurrency ?? '', rate?.count ?? '', rate?.intervalMs ?? '', now];
    }
    case 'deleteLimit':
      return ['deleteLimit', change.key, now];
    case 'pauseQueue':
    case 'resumeQueue':
      return [change.type, change.queue, now];
    case 'configureBreaker': {
      const c = change.config;
      return ['configureBreaker', change.key, c.failureThreshold, c.errorRate ?? '', c.windowMs, c.minCalls, c.cooldownMs, now];
    }
    case 'resetBreaker':
      return ['resetBreaker', change.key, now];
  }
}

/** The key a change names (for its not_found error). */
export const changeKey = (change: FlowChange): string => ('key' in change ? change.key : 'queue' in change ? change.queue : change.limit.key);

/** Breaker changes as the scripts return them: arrays { key, from, to, at, reason }. */
export function breakerChangesFrom(reply: unknown): BreakerChange[] {
  if (!Array.isArray(reply)) return [];
  return (reply as [string, BreakerState, BreakerState, number | string, string][]).map(([key, from, to, at, reason]) => ({ key, from, to, at: Number(at), reason }));
}

const numOrNull = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

/** Limits, queue pause states and breakers, as stored (readFlow). */
export async function readFlow(client: Redis, keys: Keys): Promise<FlowSnapshot> {
  const [limits, paused, breakerKeys] = await Promise.all([client.hgetall(keys.limits), client.hgetall(keys.paused), client.smembers(keys.breakers)]);
  const pipeline = client.pipeline();
  for (const key of breakerKeys) pipeline.hgetall(keys.breaker(key));
  const rows = breakerKeys.length ? ((await pipeline.exec()) ?? []) : [];
  const breakers = breakerKeys.map((key, i): Breaker => {
    const h = (rows[i]?.[1] ?? {}) as Record<string, string>;
    return {
      key,
      failureThreshold: Number(h.ft ?? 5),
      errorRate: numOrNull(h.er),
      windowMs: Number(h.wm ?? 60_000),
      minCalls: Number(h.mc ?? 10),
      cooldownMs: Number(h.cd ?? 30_000),
      state: (h.st ?? 'closed') as BreakerState,
      consecutiveFailures: Number(h.cf ?? 0),
      windowCalls: Number(h.wc ?? 0),
      windowFailures: Number(h.wf ?? 0),
      openedAt: numOrNull(h.oa),
      probeJobId: h.pj ?? null,
      changedAt: Number(h.ca ?? 0),
      reason: h.r ?? null,
    };
  });
  return {
    limits: Object.entries(limits)
      .map(([key, raw]): FlowLimit => {
        const [concurrency, count, interval] = raw.split('|');
        const rateCount = numOrNull(count);
        const intervalMs = numOrNull(interval);
        return { key, concurrency: numOrNull(concurrency), rate: rateCount === null || intervalMs === null ? null : { count: rateCount, intervalMs } };
      })
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    queues: Object.entries(paused)
      .map(([queue, raw]): QueueControl => ({ queue, paused: raw.startsWith('1'), changedAt: Number(raw.slice(2)) }))
      .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : 0)),
    breakers: breakers.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
  };
}
