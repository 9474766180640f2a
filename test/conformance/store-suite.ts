// The Store conformance suite: written once against the contract (src/store/store.ts, the state
// machine in src/core/state-machine.ts) and run unchanged for every driver, like Oban's one suite
// `for engine <- [...]`. A driver passes when every transition behaves as the state machine says,
// atomically and fenced on (id, worker, attempt). Stores never read the clock, so every test passes
// `now` explicitly and controls time exactly; nothing depends on the wall clock except the
// wake-up tests, which wait for a signal.
//
// This file is not a test file: a runner per driver (e.g. sqlite.test.ts) calls
// `defineStoreConformance` with a factory for fresh stores.
//
// Sections, one file each under suite/: enqueue (migrate, enqueue, bulk, idempotency), claim,
// settle (every outcome, fencing, batches, settleAndClaim), history (transitions), running
// (checkpoints, progress, logs, leases, rescue), control (cancel, retry, redrive, setBudget),
// reads (getJob, listJobs, stats, pendingCount), prune, wake-ups, workflow (steps, events), feed (event
// feed, trace context, health).
// reads (getJob, listJobs, stats, pendingCount), prune, wake-ups, workflow (steps, events),
// schedules and timers (capability `schedules`), triggers (capability `triggers`), flow (priority aging, fairness, limits, pause,
// worker tags, breakers, worker registry).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../dist/store/store.js';
import { claimTests } from './suite/claim.js';
import { controlTests } from './suite/control.js';
import { enqueueTests } from './suite/enqueue.js';
import { feedTests } from './suite/feed.js';
import { flowTests } from './suite/flow.js';
import type { ConformanceOptions, SuiteContext } from './suite/harness.js';
import { historyTests } from './suite/history.js';
import { pruneTests } from './suite/prune.js';
import { readTests } from './suite/reads.js';
import { runningTests } from './suite/running.js';
import { scheduleTests } from './suite/schedules.js';
import { settleTests } from './suite/settle.js';
import { wakeupTests } from './suite/wakeups.js';
import { workflowTests } from './suite/workflow.js';
import { runTests } from './suite/runs.js';
import { triggerTests } from './suite/triggers.js';

export type { ConformanceOptions } from './suite/harness.js';

/**
 * Defines the whole conformance suite for one driver.
 *
 * @param driverName  shown in test names, e.g. `sqlite (file)`
 * @param createStore returns a new store over empty data, each call independent of the others
 *                    (a fresh file, database, schema or key prefix). The suite migrates it, and
 *                    closes it when the test ends.
 * @param cleanup     called after each test once the store is closed: delete the file, drop the
 *                    schema, flush the keys
 * @param options     what else the driver can offer (a second handle on the same data) and the
 *                    tests it is known to fail
 */
export function defineStoreConformance(
  driverName: string,
  createStore: () => Promise<Store>,
  cleanup?: (store: Store) => Promise<void> | void,
  options: ConformanceOptions = {},
): void {
  const ctx: SuiteContext = { driverName, createStore, cleanup, options, names: new Set() };
  describe(`Store conformance: ${driverName}`, () => {
    enqueueTests(ctx);
    claimTests(ctx);
    settleTests(ctx);
    historyTests(ctx);
    runningTests(ctx);
    controlTests(ctx);
    readTests(ctx);
    pruneTests(ctx);
    wakeupTests(ctx);
    workflowTests(ctx);
    feedTests(ctx);
    scheduleTests(ctx);
    triggerTests(ctx);
    runTests(ctx);
    flowTests(ctx);

    test('the driver describes itself', async () => {
      const store = await createStore();
      try {
        assert.equal(typeof store.driver, 'string');
        assert.ok(store.driver.length > 0);
        assert.equal(typeof store.capabilities.crossProcessWakeups, 'boolean');
        assert.equal(typeof store.capabilities.embedded, 'boolean');
      } finally {
        await store.close();
        await cleanup?.(store);
      }
    });

    test('every known bug names a test of this suite', () => {
      const unknown = Object.keys(options.knownBugs ?? {}).filter((name) => !ctx.names.has(name));
      assert.deepEqual(unknown, [], 'knownBugs lists tests that do not exist (renamed?)');
    });
  });
}
