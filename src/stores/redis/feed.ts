import type { Redis } from 'ioredis';
import type { FeedEntry, FeedPage, StoredFeedEntry } from '../../store/types.js';
import type { Keys } from './keys.js';
import { run, type Arg } from './scripts.js';

/**
 * The event feed is a Redis Stream: one stream entry per appended run of same-source events
 * (`type TAB at TAB dataJson` lines), so a worker's flush is one XADD. A cursor `streamId/index`
 * means: the first `index` events of that stream entry, and every earlier entry, have been read.
 */
export class Feed {
  constructor(
    private readonly client: Redis,
    private readonly keys: Keys,
  ) {}

  async append(entries: readonly FeedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const args: Arg[] = [];
    for (let start = 0; start < entries.length; ) {
      const source = (entries[start] as FeedEntry).source;
      let end = start;
      while (end < entries.length && (entries[end] as FeedEntry).source === source) end++;
      const batch = entries.slice(start, end);
      args.push(source, (batch[batch.length - 1] as FeedEntry).at, batch.length, batch.map((e) => `${e.type}\t${e.at}\t${e.dataJson}`).join('\n'));
      start = end;
    }
    await run(this.client, 'append-feed', this.keys.meta, args);
  }

  async read(after: string | null, limit: number): Promise<FeedPage> {
    if (after === null) {
      const last = await this.client.xrevrange(this.keys.feed, '+', '-', 'COUNT', 1);
      const head = last[0];
      return { entries: [], cursor: head ? `${head[0]}/${fieldOf(head[1], 'n')}` : '0-0/0' };
    }
    let [streamId, index] = parseCursor(after);
    const entries: StoredFeedEntry[] = [];
    // one stream entry more than `limit`: the cursor's own entry may have nothing left
    const rows = await this.client.xrange(this.keys.feed, streamId, '+', 'COUNT', limit + 1);
    for (const [id, fields] of rows) {
      if (id !== streamId) [streamId, index] = [id, 0];
      const count = Number(fieldOf(fields, 'n'));
      const source = fieldOf(fields, 's');
      const lines = fieldOf(fields, 'e').split('\n');
      for (; index < count && entries.length < limit; index++) {
        const line = lines[index] as string;
        const tab1 = line.indexOf('\t');
        const tab2 = line.indexOf('\t', tab1 + 1);
        entries.push({ cursor: `${id}/${index + 1}`, source, type: line.slice(0, tab1), at: Number(line.slice(tab1 + 1, tab2)), dataJson: line.slice(tab2 + 1) });
      }
      if (entries.length >= limit) break;
    }
    return { entries, cursor: entries.length ? (entries[entries.length - 1] as StoredFeedEntry).cursor : `${streamId}/${index}` };
  }

  trim(before: number, limit: number): Promise<number> {
    return run<number>(this.client, 'trim-feed', this.keys.meta, [before, limit]);
  }
}

function fieldOf(fields: readonly string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1] as string;
  return '';
}

function parseCursor(cursor: string): [string, number] {
  const match = /^(\d{1,20}-\d{1,20})\/(\d{1,9})$/.exec(cursor);
  return match ? [match[1] as string, Number(match[2])] : ['0-0', 0];
}
