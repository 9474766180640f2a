// Fake-clock helpers for the schedule tests: an engine on a private in-memory store whose time
// the test moves, and a way to fire due schedules at chosen instants.
import { FakeClock, createTestEngine } from '../../dist/testing/index.js';
import type { ScheduleFire, Taskwright } from '../../dist/index.js';

export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export async function fakeEngine(start: string): Promise<{ tw: Taskwright; clock: FakeClock }> {
  const clock = new FakeClock(Date.parse(start));
  const tw = createTestEngine({ clock });
  await tw.migrate();
  return { tw, clock };
}

/** Moves the clock to each of a schedule's due times in turn and fires due schedules; returns that schedule's fires. */
export async function fireNext(tw: Taskwright, clock: FakeClock, id: string, count: number): Promise<ScheduleFire[]> {
  const fires: ScheduleFire[] = [];
  for (let i = 0; i < count; i++) {
    const { schedule } = await tw.getSchedule(id);
    if (schedule.nextFireAt === null) break;
    clock.set(schedule.nextFireAt);
    fires.push(...(await tw.fireDueSchedules()).filter((f) => f.scheduleId === id));
  }
  return fires;
}

/** Completes every job the schedules enqueued so far (so overlap never blocks the next fire). */
export async function finishAll(tw: Taskwright): Promise<void> {
  for (const job of await tw.listJobs({ state: 'queued', limit: 1000 })) await tw.cancel(job.id);
}
