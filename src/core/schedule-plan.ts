import { compileCron } from './cron.js';
import type { ScheduleDefinition } from './schedule-definition.js';

/** What a schedule remembers between fires. */
export interface ScheduleRunState {
  /** the next due time; null when the schedule has finished (end, max runs, a one-time fire done) */
  nextFireAt: number | null;
  /** jobs fired so far (what max runs counts) */
  runCount: number;
  /** with overlap `queue-one`: one due time held back until the previous job finishes */
  bufferedDueAt: number | null;
}

export type FireAction = 'enqueue' | 'skip' | 'buffer' | 'missed';

export interface PlannedFire {
  dueAt: number;
  action: FireAction;
  /** for `missed`: how many due times this entry stands for */
  count: number;
}

/** A due time this close to now is on time; an older one was missed (it only fires by catch-up). */
export const ON_TIME_GRACE_MS = 60_000;
/**
 * Missed due times are counted by walking them up to this many (cron times cost a time-zone
 * computation each, and the walk runs inside the store's transaction); past it the count is a floor.
 */
const COUNT_LIMIT = 100;

/** The first due time strictly after `after`, honouring start and end (max runs is the planner's). */
export function nextDueTime(def: ScheduleDefinition, after: number): number | null {
  let next: number | null;
  const timing = def.timing;
  if (timing.kind === 'at') next = timing.at > after ? timing.at : null;
  else if (timing.kind === 'every') {
    next = after < timing.anchorAt ? timing.anchorAt : timing.anchorAt + (Math.floor((after - timing.anchorAt) / timing.everyMs) + 1) * timing.everyMs;
  } else {
    const from = def.startAt === null ? after : Math.max(after, def.startAt - 1);
    next = compileCron(timing.cron, timing.timezone).next(from);
  }
  return next !== null && def.endAt !== null && next > def.endAt ? null : next;
}

/** The last due time at or before `at` (bounded by start and end), or null. */
export function latestDueTime(def: ScheduleDefinition, at: number): number | null {
  const until = def.endAt === null ? at : Math.min(at, def.endAt);
  const timing = def.timing;
  let latest: number | null;
  if (timing.kind === 'at') latest = timing.at <= until ? timing.at : null;
  else if (timing.kind === 'every') {
    latest = until < timing.anchorAt ? null : timing.anchorAt + Math.floor((until - timing.anchorAt) / timing.everyMs) * timing.everyMs;
  } else latest = compileCron(timing.cron, timing.timezone).latest(until);
  return latest !== null && def.startAt !== null && latest < def.startAt ? null : latest;
}

/** How many due times lie in [from, to): exact for intervals, walked (up to COUNT_LIMIT) for cron. */
function countDue(def: ScheduleDefinition, from: number, to: number): number {
  if (from >= to) return 0;
  if (def.timing.kind === 'every') return Math.ceil((to - from) / def.timing.everyMs);
  if (def.timing.kind === 'at') return 1;
  let count = 0;
  for (let t: number | null = from; t !== null && t < to && count < COUNT_LIMIT; t = nextDueTime(def, t)) count++;
  return count;
}

/** The due time a new (or updated, or resumed) schedule waits for first. */
export function firstDueTime(def: ScheduleDefinition, now: number): number | null {
  if (def.timing.kind === 'at') return def.endAt !== null && def.timing.at > def.endAt ? null : def.timing.at;
  return nextDueTime(def, now);
}

/**
 * Decides what happens to every due time up to `now`: which fire, which are skipped by the
 * overlap policy, which were missed (catch-up policy), and the state to store. Pure: the store
 * calls it inside the transaction that enqueues the jobs, so every driver fires the same way.
 * `previousUnfinished` says whether the schedule's last fired job is still unfinished.
 */
export function planFires(
  def: ScheduleDefinition,
  state: ScheduleRunState,
  previousUnfinished: boolean,
  now: number,
  limit = 100,
): { fires: PlannedFire[]; state: ScheduleRunState } {
  const fires: PlannedFire[] = [];
  const next: ScheduleRunState = { ...state };
  let busy = previousUnfinished;
  const full = () => def.maxRuns !== null && next.runCount >= def.maxRuns;

  const fire = (dueAt: number): void => {
    if (full()) return;
    if (!busy || def.overlap === 'allow') {
      fires.push({ dueAt, action: 'enqueue', count: 1 });
      next.runCount++;
      busy = true;
    } else if (def.overlap === 'queue-one' && next.bufferedDueAt === null) {
      next.bufferedDueAt = dueAt;
      fires.push({ dueAt, action: 'buffer', count: 1 });
    } else fires.push({ dueAt, action: 'skip', count: 1 });
  };

  // a held-back due time goes first, once the job it waited for has finished
  if (next.bufferedDueAt !== null && !busy) {
    const dueAt = next.bufferedDueAt;
    next.bufferedDueAt = null;
    fire(dueAt);
  }

  let t = next.nextFireAt;
  let missed = 0;
  let lastMissed = 0;
  const miss = (dueAt: number, count: number) => {
    missed += count;
    lastMissed = Math.max(lastMissed, dueAt);
  };
  if (t !== null && t <= now) {
    // the newest due time up to now; everything from t to it was due too
    const latest = Math.max(t, latestDueTime(def, now) ?? t);
    if (def.catchUp === 'all') {
      // older than the window: missed; within it: fired in order, `limit` per call
      const windowStart = now - def.catchUpWindowMs;
      const first = t >= windowStart ? t : nextDueTime(def, windowStart - 1);
      if (first !== t) miss(first === null || first > latest ? latest : (latestDueTime(def, first - 1) ?? t), countDue(def, t, first ?? latest + 1));
      t = first;
      for (let fired = 0; t !== null && t <= now && fired < limit; fired++) {
        fire(t);
        t = nextDueTime(def, t);
      }
    } else {
      const older = countDue(def, t, latest);
      if (older > 0) miss(latestDueTime(def, latest - 1) ?? t, older);
      const late = def.catchUp === 'latest' ? now - latest > def.catchUpWindowMs : now - latest > ON_TIME_GRACE_MS;
      if (late) miss(latest, 1);
      else fire(latest);
      t = nextDueTime(def, latest);
    }
  }
  if (missed > 0) fires.push({ dueAt: lastMissed, action: 'missed', count: missed });
  next.nextFireAt = full() ? null : t;
  if (full()) next.bufferedDueAt = null;
  return { fires, state: next };
}
