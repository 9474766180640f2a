import type { FeedEntry, FeedPage, StoredFeedEntry } from '../../store/types.js';
import type { SqliteDatabase } from './connection.js';

interface FeedRow {
  id: number;
  source: string;
  count: number;
  entries: string;
}

/**
 * The event feed. An appended batch is one row whose `entries` holds one line per event
 * (`type \t at \t dataJson`; JSON text never contains a raw tab or newline), so a worker's flush
 * is a single insert. A cursor `row.index` means: every entry before `index` in row `row`, and
 * every earlier row, has been read.
 */
export function createFeed(db: SqliteDatabase) {
  const insert = db.prepare('INSERT INTO tw_feed (source, at, count, entries) VALUES (?, ?, ?, ?)');
  const from = db.prepare('SELECT id, source, count, entries FROM tw_feed WHERE id >= ? ORDER BY id LIMIT ?');
  const head = db.prepare('SELECT id, count FROM tw_feed ORDER BY id DESC LIMIT 1');
  const oldest = db.prepare('SELECT id, count FROM tw_feed WHERE at < ? ORDER BY id LIMIT ?');
  const remove = db.prepare('DELETE FROM tw_feed WHERE id = ?');

  const appendTx = db.transaction((entries: readonly FeedEntry[]) => {
    // one row per run of entries from the same source (normally the whole batch)
    for (let start = 0; start < entries.length; ) {
      const source = (entries[start] as FeedEntry).source;
      let end = start;
      while (end < entries.length && (entries[end] as FeedEntry).source === source) end++;
      const run = entries.slice(start, end);
      const lines = run.map((e) => `${e.type}\t${e.at}\t${e.dataJson}`).join('\n');
      insert.run(source, (run[run.length - 1] as FeedEntry).at, run.length, lines);
      start = end;
    }
  });

  const trimTx = db.transaction((before: number, limit: number): number => {
    let entries = 0;
    for (const row of oldest.all(before, limit) as { id: number; count: number }[]) {
      remove.run(row.id);
      entries += row.count;
    }
    return entries;
  });

  const parseCursor = (cursor: string): [number, number] => {
    const match = /^(\d{1,15})\.(\d{1,9})$/.exec(cursor);
    return match ? [Number(match[1]), Number(match[2])] : [0, 0];
  };

  return {
    append: (entries: readonly FeedEntry[]): void => {
      if (entries.length > 0) appendTx.immediate(entries);
    },
    read(cursor: string | null, limit: number): FeedPage {
      if (cursor === null) {
        const last = head.get() as { id: number; count: number } | undefined;
        return { entries: [], cursor: last ? `${last.id}.${last.count}` : '0.0' };
      }
      let [rowId, index] = parseCursor(cursor);
      const entries: StoredFeedEntry[] = [];
      // one row more than `limit`: the cursor's own row may have nothing left
      for (const row of from.all(rowId, limit + 1) as FeedRow[]) {
        if (row.id !== rowId) [rowId, index] = [row.id, 0];
        const lines = row.entries.split('\n');
        for (; index < row.count && entries.length < limit; index++) {
          const line = lines[index] as string;
          const tab1 = line.indexOf('\t');
          const tab2 = line.indexOf('\t', tab1 + 1);
          entries.push({ cursor: `${row.id}.${index + 1}`, source: row.source, type: line.slice(0, tab1), at: Number(line.slice(tab1 + 1, tab2)), dataJson: line.slice(tab2 + 1) });
        }
        if (entries.length >= limit) break;
      }
      return { entries, cursor: entries.length ? (entries[entries.length - 1] as StoredFeedEntry).cursor : `${rowId}.${index}` };
    },
    /** deletes whole batches whose last event is older than `before` */
    trim: (before: number, limit: number): number => trimTx.immediate(before, limit),
  };
}
