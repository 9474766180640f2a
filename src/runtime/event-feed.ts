import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import type { FeedEntry } from '../store/types.js';
import type { EngineEventBus, EngineEventName, EngineEvents } from '../telemetry/events.js';
import { eventFields, WIRE_EVENTS } from '../telemetry/wire-event.js';

export interface FeedPublisherOptions {
  /** how long events gather before one batched append. Default 100ms. */
  flushMs?: number;
  /** events kept while the store is slow; past it the oldest are dropped. Default 50,000. */
  maxBuffered?: number;
  /** feed entries older than this are trimmed (about once a minute). Default 10 minutes. */
  retentionMs?: number;
}

const APPEND_CHUNK = 1000;
/** an event whose JSON is longer is sent with its large values summarized (see eventFields) */
const PLAIN_JSON_LIMIT = 8192;

/** The event as JSON: one stringify in the common case; Errors and large values take the careful path. */
function feedJson<K extends EngineEventName>(name: K, event: EngineEvents[K]): string {
  if (name !== 'worker:error') {
    const text = JSON.stringify(event);
    if (text.length <= PLAIN_JSON_LIMIT) return text;
  }
  return JSON.stringify(eventFields(name, event));
}
const TRIM_EVERY_MS = 60_000;

/**
 * Copies this process's engine events into the store's event feed, so a server in another process
 * can stream them. Events are buffered and appended in one batch per `flushMs`, never on the
 * claim/settle path; when the store falls behind, the oldest buffered events are dropped.
 */
export class EventFeedPublisher {
  private buffer: FeedEntry[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private offs: (() => void)[] = [];
  private lastTrim = 0;
  /** events dropped because the buffer was full or an append failed */
  dropped = 0;
  private readonly flushMs: number;
  private readonly maxBuffered: number;
  private readonly retentionMs: number;

  constructor(
    private readonly store: Store,
    private readonly bus: EngineEventBus,
    private readonly clock: Clock,
    readonly source: string,
    options: FeedPublisherOptions = {},
  ) {
    this.flushMs = options.flushMs ?? 100;
    this.maxBuffered = options.maxBuffered ?? 50_000;
    this.retentionMs = options.retentionMs ?? 600_000;
  }

  start(): void {
    if (this.offs.length || !this.store.appendFeed) return;
    this.offs = WIRE_EVENTS.map((name) =>
      this.bus.on(name, (event) => this.add({ source: this.source, type: name, at: this.clock.now(), dataJson: feedJson(name, event) })),
    );
  }

  private add(entry: FeedEntry): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(entry);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Appends what is buffered now (one append per chunk); waits for a flush already running. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing;
    const batch = this.buffer;
    if (batch.length === 0) return;
    this.buffer = [];
    this.flushing = this.append(batch).finally(() => (this.flushing = null));
    await this.flushing;
  }

  private async append(batch: FeedEntry[]): Promise<void> {
    const store = this.store;
    try {
      for (let i = 0; i < batch.length; i += APPEND_CHUNK) await store.appendFeed!(batch.slice(i, i + APPEND_CHUNK));
      const now = this.clock.now();
      if (store.trimFeed && now - this.lastTrim >= TRIM_EVERY_MS) {
        this.lastTrim = now;
        await store.trimFeed(now - this.retentionMs, 10_000);
      }
    } catch {
      // The feed is best effort: a failed append (store closing, busy) loses these events only.
      this.dropped += batch.length;
    }
  }

  /** Stops listening and appends what is left. */
  async stop(): Promise<void> {
    this.offs.forEach((off) => off());
    this.offs = [];
    await this.flush();
  }
}
