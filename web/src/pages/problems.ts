import { duration } from '../format';
import { href } from '../router';
import type { Breaker, QueueInfo } from '../types';

/** A queued job older than this means the workers are not keeping up. */
const BACKLOG_AGE_MS = 60_000;

export interface Problem {
  key: string;
  text: string;
  link: string;
}

/** What needs attention: dead jobs, open breakers, paused queues and queues whose oldest job waits too long. */
export function problemsOf(queues: QueueInfo[], breakers: Breaker[]): Problem[] {
  const problems: Problem[] = [];
  for (const q of queues) {
    const dead = q.counts.dead ?? 0;
    if (dead > 0) problems.push({ key: `dead:${q.queue}`, text: `${q.queue}: ${dead} dead job${dead === 1 ? '' : 's'}`, link: href('/dlq', { queue: q.queue }) });
    if (q.paused) problems.push({ key: `paused:${q.queue}`, text: `${q.queue} is paused`, link: href('/queues') });
    if (q.oldestQueuedAgeMs !== null && q.oldestQueuedAgeMs > BACKLOG_AGE_MS) {
      problems.push({ key: `backlog:${q.queue}`, text: `${q.queue}: ${q.counts.queued ?? 0} queued, the oldest waiting ${duration(q.oldestQueuedAgeMs)}`, link: href('/jobs', { queue: q.queue, state: 'queued' }) });
    }
  }
  for (const b of breakers) {
    if (b.state !== 'closed') problems.push({ key: `breaker:${b.key}`, text: `breaker ${b.key} is ${b.state}${b.reason ? ` (${b.reason})` : ''}`, link: href('/queues') });
  }
  return problems;
}
