// Outcomes that lock their rows before the settle statement (a snooze must see event marks
// committed just before) run in a transaction on the hot-path pool, whose sessions always use the
// statement's generic plan. On the general pool, a custom plan made for a large batch while the
// statistics said no job was running joined every outcome against every running job.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { postgresStore, type PostgresStore } from '../../dist/stores/postgres/index.js';
import type { Settlement } from '../../dist/store/types.js';
import { claimOne, job, outcomeOf, T0 } from '../conformance/suite/harness.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('settle_sessions') : null;
after(async () => db?.drop());

/** Runs `settle` while another session holds the job's row, and returns the application name of the session that waited for it. */
async function waitingSession(store: PostgresStore, schema: string, jobId: string, settle: () => Promise<unknown>): Promise<string> {
  const holder = new pg.Client({ connectionString: db!.url });
  const watcher = new pg.Client({ connectionString: db!.url });
  await holder.connect();
  await watcher.connect();
  try {
    await holder.query('BEGIN');
    await holder.query(`SELECT id FROM "${schema}".jobs WHERE id = $1 FOR UPDATE`, [jobId]);
    const settling = settle();
    let name = '';
    await waitFor(
      async () => {
        const { rows } = await watcher.query<{ application_name: string }>(
          `SELECT application_name FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%' AND datname = current_database() AND pid <> $1`,
          [(await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid],
        );
        name = rows[0]?.application_name ?? '';
        return rows.length === 1;
      },
      5000,
      'the settle to wait for the row lock',
    );
    await holder.query('COMMIT');
    await settling;
    return name;
  } finally {
    await holder.end().catch(() => undefined);
    await watcher.end().catch(() => undefined);
  }
}

test('a snooze settles in a hot-path session (generic plan), alone and with a claim', { skip }, async () => {
  const schema = randomName('sessions');
  const store = postgresStore({ connectionString: db!.url, schema });
  try {
    await store.migrate();
    await store.enqueue([job('a'), job('b')], T0);
    const a = await claimOne(store, { workerId: 'w1' });
    const snoozeA: Settlement = outcomeOf(a, { type: 'snoozed', runAt: T0 + 60_000 }, 'w1');
    assert.equal(await waitingSession(store, schema, a.id, () => store.settle([snoozeA], T0 + 1)), 'taskwright-hot-path');
    assert.equal((await store.getJob(a.id))?.state, 'scheduled');

    const b = await claimOne(store, { workerId: 'w1' });
    const snoozeB: Settlement = outcomeOf(b, { type: 'snoozed', runAt: T0 + 60_000 }, 'w1');
    const request = { workerId: 'w1', queues: ['default'], limit: 10, leaseMs: 30_000, now: T0 + 2 };
    assert.equal(await waitingSession(store, schema, b.id, () => store.settleAndClaim([snoozeB], request)), 'taskwright-hot-path');
    assert.equal((await store.getJob(b.id))?.state, 'scheduled');
  } finally {
    await store.close();
  }
});
