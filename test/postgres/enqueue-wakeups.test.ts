// Enqueues wake workers in other processes whichever way they notify: a lone enqueue in its own
// statement (delivered at its commit), enqueues that overlap it through the notifier after their
// commits. The consumer here claims only when woken, never on a timer, so a missed wake-up leaves
// jobs unclaimed and the test fails.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { compileJobOptions } from '../../dist/core/options.js';
import { postgresStore } from '../../dist/stores/postgres/index.js';
import { createDatabase, pgSkipReason, randomName } from '../support/postgres.js';
import { waitFor } from '../support/wait.js';

const skip = await pgSkipReason();
const db = skip === undefined ? await createDatabase('enqueue_wakeups') : null;
after(async () => db?.drop());

test('a lone enqueue and enqueues that overlap it each wake another process (no polling)', { skip }, async () => {
  const schema = randomName('wakeups');
  const producer = postgresStore({ connectionString: db!.url, schema });
  const consumer = postgresStore({ connectionString: db!.url, schema });
  const claimed = new Set<string>();
  let wakes = 0;
  let claiming: Promise<void> | null = null;
  let again = false;
  // claims everything claimable; a wake-up during a claim round asks for one more round
  const claimAll = async (): Promise<void> => {
    do {
      again = false;
      for (;;) {
        const { jobs } = await consumer.claim({ workerId: 'consumer', queues: ['default'], limit: 100, leaseMs: 60_000, now: Date.now() });
        for (const job of jobs) claimed.add(job.id);
        if (jobs.length < 100) break;
      }
    } while (again);
    claiming = null;
  };
  try {
    await producer.migrate();
    consumer.onWake(() => {
      wakes++;
      if (claiming) again = true;
      else claiming = claimAll();
    });
    await waitFor(() => wakes > 0, 5000, 'the consumer to listen');

    const [lone] = await producer.enqueue([compileJobOptions('lone', {}, {}, Date.now())], Date.now());
    await waitFor(() => claimed.has(lone!.id), 5000, 'the lone job to be claimed after its wake-up');

    const overlapping = await Promise.all(Array.from({ length: 30 }, (_, i) => producer.enqueue([compileJobOptions(`overlap${i}`, {}, {}, Date.now())], Date.now())));
    const ids = overlapping.map(([result]) => result!.id);
    await waitFor(() => ids.every((id) => claimed.has(id)), 5000, `all 30 overlapping jobs to be claimed (${ids.filter((id) => claimed.has(id)).length} were)`);
    assert.equal(claimed.size, 31);
  } finally {
    await consumer.close();
    await producer.close();
  }
});
