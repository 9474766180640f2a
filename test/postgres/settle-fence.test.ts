// An outcome that loses its fence while it waits for the job's row lock: the job was rescued (and
// may be claimed again) after the outcome statement took its snapshot. The outcome must change
// nothing, and in particular must not drop the checkpoint the job's next attempt resumes from.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { checkpoint, claimOne, completed, job, outcomeOf, saveCheckpoint, T0, text } from '../conformance/suite/harness.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('settle_fence') : null;
after(async () => db?.drop());

test('a completion whose job was rescued while it waited for the row keeps the checkpoint for the next attempt', { skip }, async () => {
  const schema = randomName('fence');
  const store = postgresStore({ connectionString: db!.url, schema });
  const rescuer = new pg.Client({ connectionString: db!.url });
  const watcher = new pg.Client({ connectionString: db!.url });
  try {
    await store.migrate();
    await store.enqueue([job('steps')], T0);
    const first = await claimOne(store, { workerId: 'w1' });
    assert.equal(await saveCheckpoint(store, first.id, 'w1', first.attempt, checkpoint('step-3', { next: 4 }), T0 + 10), true);

    // another session rescues the job (as the lease rescue does) and holds the row until told
    await rescuer.connect();
    await watcher.connect();
    await rescuer.query('BEGIN');
    await rescuer.query(`UPDATE "${schema}".jobs SET state = 'queued', worker_id = NULL, lease_expires_at = NULL WHERE id = $1`, [first.id]);

    // the completion takes its snapshot (the job still running under w1) and waits for the row
    const settling = store.settle([outcomeOf(first, completed('"done"'), 'w1')], T0 + 20);
    await waitFor(
      async () => (await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%unnest(%' AND datname = current_database()`)).rowCount === 1,
      5000,
      'the completion to wait for the row lock',
    );
    await rescuer.query('COMMIT');
    const settled = await settling;
    assert.deepEqual(settled.applied, [], 'the fence fails on the rescued row');

    // the next attempt resumes from the checkpoint the first one saved
    const second = await claimOne(store, { workerId: 'w2' });
    assert.equal(second.id, first.id);
    assert.equal(second.attempt, first.attempt + 1);
    assert.equal(second.checkpoint?.token, 'step-3');
    assert.deepEqual(JSON.parse(text(second.checkpoint!.data)), { next: 4 });
  } finally {
    await rescuer.end().catch(() => undefined);
    await watcher.end().catch(() => undefined);
    await store.close();
  }
});
