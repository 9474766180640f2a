import { ValidationError } from '../../core/errors.js';
import type { FeedEntry, FeedPage, StoredFeedEntry } from '../../store/types.js';
import type { Queryable } from './connection.js';
import type { SchemaNames } from './sql.js';

interface FeedRow {
  id: number;
  source: string;
  count: number;
  types: string[];
  /** int8[] comes back as text elements (the store's number parsing covers scalar int8 only) */
  ats: (string | number)[];
  data: string[];
}

/** The columns of one append: each entry with the number of its run of same-source entries. */
function appendParams(entries: readonly FeedEntry[]): unknown[] {
  const runs: number[] = [];
  let run = 0;
  entries.forEach((entry, i) => {
    if (i > 0 && entry.source !== (entries[i - 1] as FeedEntry).source) run++;
    runs.push(run);
  });
  return [runs, entries.map((e) => e.source), entries.map((e) => e.type), entries.map((e) => e.at), entries.map((e) => e.dataJson)];
}

const CURSOR = /^(\d{1,15})\.(\d{1,9})$/;

/** A cursor `row.index`: every entry before `index` in row `row`, and every earlier row, has been read. */
function parseCursor(cursor: string): [number, number] {
  const match = CURSOR.exec(cursor);
  if (!match) throw new ValidationError(`readFeed: cursor ${JSON.stringify(cursor)} is not one this store returned (expected "<row>.<index>", e.g. "42.3")`);
  return [Number(match[1]), Number(match[2])];
}

/**
 * The event feed. An append is one statement: one row per run of entries from the same source
 * (normally the whole batch). It first takes a transaction-scoped advisory lock, held until the
 * statement's commit, so appends commit one after another in id order: a reader that sees row N
 * has seen every row before it (an identity value drawn outside the lock could commit after a
 * larger one a reader already passed, and that row would be skipped). The lock is held only for
 * the insert and its commit (through a view bound to a caller's client, until that transaction
 * ends, and other appenders wait); readers never take it.
 */
export function createFeed(t: SchemaNames) {
  const append = {
    name: `${t.prefix}feed_append`,
    text: `WITH locked AS (SELECT pg_advisory_xact_lock(hashtext($1::text)) AS ok),
      e AS (SELECT * FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[]) WITH ORDINALITY AS e(run, source, type, at, data, ord))
      INSERT INTO ${t.feed} (source, at, count, types, ats, data)
      SELECT min(e.source), (array_agg(e.at ORDER BY e.ord DESC))[1], count(*), array_agg(e.type ORDER BY e.ord),
        array_agg(e.at ORDER BY e.ord), array_agg(e.data ORDER BY e.ord)
      FROM e CROSS JOIN locked GROUP BY e.run ORDER BY e.run`,
  };
  const lockKey = `taskwright:feed:${t.schema}`;
  // Only the rows a page needs: counts first (rows hold whole batches, often many entries each),
  // then the entries of the rows that start before `limit` entries past the cursor. One row more
  // than `limit`: the cursor's own row may have nothing left.
  const from = {
    name: `${t.prefix}feed_from`,
    text: `WITH heads AS (
        SELECT id, sum(count) OVER (ORDER BY id) - count AS before
        FROM (SELECT id, count FROM ${t.feed} WHERE id >= $1 ORDER BY id LIMIT $2::bigint + 1) h
      )
      SELECT f.id, f.source, f.count, f.types, f.ats, f.data FROM heads JOIN ${t.feed} f ON f.id = heads.id
      WHERE heads.before < $2::bigint + $3::bigint ORDER BY f.id`,
  };
  const head = { name: `${t.prefix}feed_head`, text: `SELECT id, count FROM ${t.feed} ORDER BY id DESC LIMIT 1` };
  // concurrent trims skip each other's rows; a row is deleted whole (one appended batch)
  const trim = {
    name: `${t.prefix}feed_trim`,
    text: `WITH old AS (SELECT id FROM ${t.feed} WHERE at < $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED),
      gone AS (DELETE FROM ${t.feed} f USING old WHERE f.id = old.id RETURNING f.count)
      SELECT coalesce(sum(count), 0)::bigint AS entries FROM gone`,
  };

  return {
    async append(db: Queryable, entries: readonly FeedEntry[]): Promise<void> {
      if (entries.length === 0) return;
      await db.query({ ...append, values: [lockKey, ...appendParams(entries)] });
    },

    async read(db: Queryable, cursor: string | null, limit: number): Promise<FeedPage> {
      if (cursor === null) {
        const last = (await db.query<{ id: number; count: number }>(head)).rows[0];
        return { entries: [], cursor: last ? `${last.id}.${last.count}` : '0.0' };
      }
      if (!Number.isInteger(limit) || limit < 1) throw new ValidationError(`readFeed: limit ${String(limit)} must be a positive integer`);
      let [rowId, index] = parseCursor(cursor);
      const entries: StoredFeedEntry[] = [];
      const { rows } = await db.query<FeedRow>({ ...from, values: [rowId, limit, index] });
      for (const row of rows) {
        if (row.id !== rowId) [rowId, index] = [row.id, 0];
        for (; index < row.count && entries.length < limit; index++) {
          entries.push({ cursor: `${row.id}.${index + 1}`, source: row.source, type: row.types[index] as string, at: Number(row.ats[index]), dataJson: row.data[index] as string });
        }
        if (entries.length >= limit) break;
      }
      return { entries, cursor: entries.length ? (entries[entries.length - 1] as StoredFeedEntry).cursor : `${rowId}.${index}` };
    },

    async trim(db: Queryable, before: number, limit: number): Promise<number> {
      const { rows } = await db.query<{ entries: number }>({ ...trim, values: [before, limit] });
      return rows[0]?.entries ?? 0;
    },
  };
}
