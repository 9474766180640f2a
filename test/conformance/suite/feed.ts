// The event feed (optional, `capabilities.eventFeed`): batched appends read back in order after a
// cursor, seen from another handle and waking it; trimming; the health check; and the traceparent
// kept with a job from enqueue to claim.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Store } from '../../../dist/store/store.js';
import type { FeedEntry } from '../../../dist/store/types.js';
import { T0, claimOne, job, storeTest, type Body, type SuiteContext } from './harness.js';

const entry = (type: string, n: number, source = 'p1', at = T0 + n): FeedEntry => ({ source, type, at, dataJson: JSON.stringify({ n }) });

/** The feed operations, failing the test when a driver claims the capability without them. */
function feedOf(store: Store) {
  const { appendFeed, readFeed, trimFeed } = store;
  assert.ok(appendFeed && readFeed && trimFeed, 'a driver with capabilities.eventFeed implements appendFeed, readFeed and trimFeed');
  return { append: appendFeed.bind(store), read: readFeed.bind(store), trim: trimFeed.bind(store) };
}

export function feedTests(ctx: SuiteContext): void {
  const it = (name: string, body: Body) => storeTest(ctx, name, body);

  describe('event feed', () => {
    it('readFeed(null) gives the head; entries appended later come back in order, paged after a cursor', async (store, tools) => {
      if (!store.capabilities.eventFeed) return tools.skip(`the ${store.driver} store has no eventFeed capability`);
      const feed = feedOf(store);
      await feed.append([entry('old', 0)]);
      const head = await feed.read(null, 10);
      assert.deepEqual(head.entries, [], 'a new reader starts from now');
      await feed.append([entry('a', 1), entry('b', 2), entry('c', 3)]);
      await feed.append([entry('d', 4, 'p2')]);
      await feed.append([]);
      const first = await feed.read(head.cursor, 2);
      assert.deepEqual(first.entries.map((e) => e.type), ['a', 'b']);
      assert.equal(first.cursor, first.entries[1]!.cursor);
      const rest = await feed.read(first.cursor, 10);
      assert.deepEqual(rest.entries.map((e) => [e.type, e.source, e.at, JSON.parse(e.dataJson).n]), [['c', 'p1', T0 + 3, 3], ['d', 'p2', T0 + 4, 4]]);
      const empty = await feed.read(rest.cursor, 10);
      assert.deepEqual(empty.entries, []);
      assert.equal(empty.cursor, rest.cursor, 'reading nothing keeps the cursor');
    });

    it('trimFeed deletes appended batches older than a time, at most `limit` batches, and counts their entries', async (store, tools) => {
      if (!store.capabilities.eventFeed) return tools.skip(`the ${store.driver} store has no eventFeed capability`);
      const feed = feedOf(store);
      const start = (await feed.read(null, 1)).cursor;
      await feed.append([entry('a', 1), entry('b', 2)]);
      await feed.append([entry('c', 3)]);
      await feed.append([entry('d', 4)]);
      await feed.append([entry('e', 40), entry('f', 100)]);
      assert.equal(await feed.trim(T0 + 50, 2), 3, 'the first two batches: three entries');
      assert.equal(await feed.trim(T0 + 50, 10), 1, 'then the third; the last batch has a newer entry');
      const left = await feed.read(start, 10);
      assert.deepEqual(left.entries.map((e) => e.type), ['e', 'f']);
    });

    it('a page can end inside a batch and the next read continues there', async (store, tools) => {
      if (!store.capabilities.eventFeed) return tools.skip(`the ${store.driver} store has no eventFeed capability`);
      const feed = feedOf(store);
      const start = (await feed.read(null, 1)).cursor;
      await feed.append([entry('a', 1), entry('b', 2), entry('c', 3)]);
      await feed.append([entry('d', 4), entry('e', 5, 'p2')]);
      const seen: string[] = [];
      let cursor = start;
      for (let i = 0; i < 10; i++) {
        const page = await feed.read(cursor, 2);
        seen.push(...page.entries.map((e) => `${e.type}@${e.source}`));
        cursor = page.cursor;
        if (page.entries.length === 0) break;
      }
      assert.deepEqual(seen, ['a@p1', 'b@p1', 'c@p1', 'd@p1', 'e@p2']);
    });

    it('a page of one after a fully read batch returns the next batch\'s first entry', async (store, tools) => {
      if (!store.capabilities.eventFeed) return tools.skip(`the ${store.driver} store has no eventFeed capability`);
      const feed = feedOf(store);
      await feed.append([entry('a', 1), entry('b', 2)]);
      const head = (await feed.read(null, 1)).cursor;
      await feed.append([entry('c', 3)]);
      await feed.append([entry('d', 4)]);
      const first = await feed.read(head, 1);
      assert.deepEqual(first.entries.map((e) => e.type), ['c'], 'the cursor\'s own batch has nothing left, the next one does');
      assert.deepEqual((await feed.read(first.cursor, 1)).entries.map((e) => e.type), ['d']);
    });

    it('entries appended through another handle are read here, and wake listeners here', async (store, tools) => {
      const { openSecond } = tools;
      if (!store.capabilities.eventFeed || !store.capabilities.crossProcessWakeups || !openSecond) return tools.skip(`the ${store.driver} store has no event feed shared across handles`);
      const other = await openSecond();
      const cursor = (await feedOf(store).read(null, 1)).cursor;
      let woken = 0;
      const off = store.onWake(() => woken++);
      try {
        await feedOf(other).append([entry('elsewhere', 1, 'p9')]);
        const deadline = Date.now() + 2000;
        while (woken === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        assert.ok(woken > 0, 'an append in another process wakes this one');
      } finally {
        off();
      }
      assert.deepEqual((await feedOf(store).read(cursor, 10)).entries.map((e) => e.source), ['p9']);
    });
  });

  describe('trace context and health', () => {
    it('a traceparent given at enqueue comes back with the claimed job and the job', async (store, tools) => {
      const traceParent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      const [withTrace] = await store.enqueue([{ ...job('traced'), traceParent }], T0);
      await store.enqueue([job('plain')], T0);
      const got = await store.getJob(withTrace!.id);
      if (got?.traceParent === undefined) return tools.skip(`the ${store.driver} store does not keep trace context (optional)`);
      assert.equal(got.traceParent, traceParent);
      const claimed = await claimOne(store);
      assert.equal(claimed.traceParent, traceParent);
      const plain = await claimOne(store);
      assert.equal(plain.traceParent ?? null, null);
    });

    it('checkHealth reports no pending migrations on a migrated store', async (store, tools) => {
      if (!store.checkHealth) return tools.skip(`the ${store.driver} store has no checkHealth`);
      assert.deepEqual(await store.checkHealth(), { pendingMigrations: 0 });
    });
  });
}
