// What run views and SQL nodes need from a store: every step status with its input, log lines
// tied to steps, waits that end with their step, and (optional capability) SQL queries.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { StepRecord } from '../../../dist/store/types.js';
import { T0, claim, claimOne, job, outcomeOf, storeTest, type Body, type SuiteContext } from './harness.js';

const HOUR = 3_600_000;

export function runTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('runs', () => {
    it('every step status round-trips with its input; a step without input reads back without one', async (store) => {
      await store.enqueue([job('wf')], T0);
      const claimed = await claimOne(store);
      const base = { outputJson: null, error: null, attempts: 1, startedAt: T0, finishedAt: null, usage: null };
      const statuses: StepRecord['status'][] = ['pending', 'running', 'completed', 'failed', 'skipped', 'sleeping', 'waiting'];
      const records: StepRecord[] = statuses.map((status, seq) => ({ ...base, stepId: `s-${status}`, seq, status, inputJson: JSON.stringify({ seq }) }));
      for (const record of records) assert.equal(await store.saveStep(claimed.id, 'w1', 1, record), true);
      assert.equal(await store.saveStep(claimed.id, 'w1', 1, { ...base, stepId: 'bare', seq: 99, status: 'completed' }), true);
      const read = await store.listSteps(claimed.id);
      assert.deepEqual(read.slice(0, statuses.length), records);
      assert.equal(read.at(-1)?.inputJson ?? null, null);
    });

    it('log lines keep the step that wrote them', async (store) => {
      const [created] = await store.enqueue([job('wf')], T0);
      await store.appendLogs([
        { jobId: created!.id, attempt: 1, at: T0, level: 'info', message: 'outside' },
        { jobId: created!.id, attempt: 1, at: T0 + 1, level: 'warn', message: 'inside', fields: { k: 1 }, stepId: 'fetch' },
      ]);
      const logs = (await store.getJobDetails(created!.id))!.logs;
      assert.deepEqual(logs.map((l) => [l.message, l.stepId ?? null, l.level]), [['outside', null, 'info'], ['inside', 'fetch', 'warn']]);
      assert.deepEqual(logs[1]?.fields, { k: 1 });
    });

    it('a wait ends with its step: a later event of that name does not wake the run', async (store) => {
      const [created] = await store.enqueue([job('wf')], T0);
      const first = await claimOne(store);
      assert.equal(await store.waitForEvent(first.id, 'w1', 1, 'pay', 'order.paid'), true);
      // the step found its event and completed, then the run sleeps an hour
      const done: StepRecord = { stepId: 'pay', seq: 0, status: 'completed', outputJson: '{}', error: null, attempts: 1, startedAt: T0, finishedAt: T0, usage: null };
      assert.equal(await store.saveStep(first.id, 'w1', 1, done), true);
      await store.settle([outcomeOf(first, { type: 'snoozed', runAt: T0 + HOUR })], T0 + 1);
      const sent = await store.sendEvent('order.paid', '{}', T0 + 2);
      assert.equal(sent.woken, 0, 'nobody waits for it any more');
      assert.deepEqual((await claim(store, { now: T0 + 3 })).jobs, []);
      assert.equal((await store.getJob(created!.id))?.runAt, T0 + HOUR);
    });

    it('sqlQuery (when capabilities.sqlQuery): reads with positional and named parameters, caps rows, rejects writes in read-only mode changing nothing', async (store) => {
      if (!store.capabilities.sqlQuery) {
        assert.equal(store.capabilities.sqlQuery ?? false, false);
        return;
      }
      assert.equal(typeof store.sqlQuery, 'function');
      await store.migrate();
      const query = store.sqlQuery!.bind(store);
      const ro = { readOnly: true, maxRows: 100 };
      await query('CREATE TABLE conformance_sql (k TEXT, v INTEGER)', [], { readOnly: false, maxRows: 1 });
      const inserted = await query('INSERT INTO conformance_sql VALUES (?, ?), (?, ?), (?, ?)', ['a', 1, 'b', 2, 'c', 3], { readOnly: false, maxRows: 1 });
      assert.deepEqual(inserted, { rows: [], changes: 3 });
      assert.deepEqual((await query('SELECT v FROM conformance_sql WHERE k = ?', ['b'], ro)).rows, [{ v: 2 }]);
      assert.deepEqual((await query('SELECT k FROM conformance_sql WHERE v >= :min ORDER BY k', { min: 2 }, ro)).rows, [{ k: 'b' }, { k: 'c' }]);
      assert.equal((await query('SELECT k FROM conformance_sql ORDER BY k', [], { readOnly: true, maxRows: 2 })).rows.length, 2);
      for (const write of ['DELETE FROM conformance_sql', "UPDATE conformance_sql SET v = 0", 'DROP TABLE conformance_sql', "INSERT INTO conformance_sql VALUES ('x', 9)"]) {
        await assert.rejects(query(write, [], ro), (error: Error & { code?: string }) => error.code === 'invalid_input' && /read-only/.test(error.message), write);
      }
      assert.deepEqual((await query('SELECT count(*) AS n, sum(v) AS s FROM conformance_sql', [], ro)).rows, [{ n: 3, s: 6 }]);
      await assert.rejects(query('SELEC nonsense', [], ro), (error: Error & { code?: string }) => error.code === 'invalid_input');
    });

    it('sqlQuery (when capabilities.sqlQuery): one statement per query, no transaction or session control, in either mode', async (store) => {
      if (!store.capabilities.sqlQuery) {
        assert.equal(store.capabilities.sqlQuery ?? false, false);
        return;
      }
      await store.migrate();
      const query = store.sqlQuery!.bind(store);
      await query('CREATE TABLE conformance_attack (k TEXT)', [], { readOnly: false, maxRows: 1 });
      await query("INSERT INTO conformance_attack VALUES ('kept')", [], { readOnly: false, maxRows: 1 });
      const several = /expected one SQL statement per query, got several/;
      const control = /expected an SQL statement that leaves transactions and session settings alone/;
      const attacks: Array<[string, RegExp]> = [
        ['SET TRANSACTION READ WRITE; DELETE FROM conformance_attack', control],
        ['COMMIT; DELETE FROM conformance_attack', control],
        ['COMMIT; DROP TABLE conformance_attack', control],
        ['/* note */ commit; DELETE FROM conformance_attack', control],
        ['BEGIN', control],
        ['ROLLBACK', control],
        ['END', control],
        ['SAVEPOINT s1', control],
        ['SELECT 1; DELETE FROM conformance_attack', several],
        ['SELECT 1; COMMIT; DROP TABLE conformance_attack', several],
        ["SELECT 1;\n-- trailing\nINSERT INTO conformance_attack VALUES ('x')", several],
      ];
      for (const readOnly of [true, false]) {
        for (const [sql, expected] of attacks) {
          await assert.rejects(
            query(sql, [], { readOnly, maxRows: 10 }),
            (error: Error & { code?: string }) => error.code === 'invalid_input' && expected.test(error.message),
            `${sql} (readOnly ${readOnly})`,
          );
        }
      }
      assert.deepEqual((await query('SELECT k FROM conformance_attack', [], { readOnly: true, maxRows: 10 })).rows, [{ k: 'kept' }]);
      // The store's own connection is left outside any transaction: its next write commits.
      const [enqueued] = await store.enqueue([job('after-attack')], T0);
      assert.equal((await store.getJob(enqueued!.id))?.name, 'after-attack');
    });
  });
}
