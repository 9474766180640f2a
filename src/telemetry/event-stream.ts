import type { Store } from '../store/store.js';
import type { EngineEventBus } from './events.js';
import { eventFields, toWireEvent, WIRE_EVENTS, type WireEvent } from './wire-event.js';

export interface EventStreamOptions {
  bus: EngineEventBus;
  store: Store;
  /** this process's feed source (the engine's instanceId): its own feed entries arrive on the bus already */
  source: string;
  /** fallback poll of the feed when no wake-up comes (and for stores without cross-process wake-ups). Default 1s. */
  pollMs?: number;
  /** entries read per feed query. Default 500. */
  pageSize?: number;
  /** called when reading the feed fails (the stream keeps going) */
  onError?: (error: unknown) => void;
}

export type WireListener = (event: WireEvent) => void;

/**
 * One ordered stream of engine events for this process: its own events from the bus, and other
 * processes' events tailed from the store's feed after a cursor, woken by `onWake`.
 */
export class EngineEventStream {
  private readonly listeners = new Set<WireListener>();
  private cursor: string | null = null;
  private stops: (() => void)[] = [];
  private tailing = false;
  private again = false;
  private stopped = false;

  constructor(private readonly options: EventStreamOptions) {}

  subscribe(listener: WireListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(event: WireEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // a failing consumer (a metric, a socket) must not reach the engine's emit or starve the others
        this.options.onError?.(error);
      }
    }
  }

  async start(): Promise<void> {
    const { bus, store } = this.options;
    for (const name of WIRE_EVENTS) {
      this.stops.push(bus.on(name, (event) => this.publish(toWireEvent(name, Date.now(), eventFields(name, event)))));
    }
    if (!store.capabilities.eventFeed || !store.readFeed) return;
    this.cursor = (await store.readFeed(null, 1)).cursor;
    this.stops.push(store.onWake(() => void this.tail()));
    const poll = setInterval(() => void this.tail(), this.options.pollMs ?? 1000);
    poll.unref();
    this.stops.push(() => clearInterval(poll));
  }

  /** Reads the feed until it is caught up; a wake-up during a read runs one more pass. */
  async tail(): Promise<void> {
    if (this.tailing) {
      this.again = true;
      return;
    }
    const readFeed = this.options.store.readFeed?.bind(this.options.store);
    if (!readFeed || this.cursor === null) return;
    this.tailing = true;
    const pageSize = this.options.pageSize ?? 500;
    try {
      do {
        this.again = false;
        for (;;) {
          if (this.stopped) return;
          const page = await readFeed(this.cursor, pageSize);
          this.cursor = page.cursor;
          for (const entry of page.entries) {
            if (entry.source === this.options.source) continue;
            let fields: Record<string, unknown>;
            try {
              fields = JSON.parse(entry.dataJson) as Record<string, unknown>;
            } catch (error) {
              this.options.onError?.(error); // one unreadable entry does not stop the stream
              continue;
            }
            this.publish(toWireEvent(entry.type, entry.at, fields));
          }
          if (page.entries.length < pageSize) break;
        }
      } while (this.again);
    } catch (error) {
      this.options.onError?.(error);
    } finally {
      this.tailing = false;
    }
  }

  stop(): void {
    this.stopped = true;
    this.stops.forEach((stop) => stop());
    this.stops = [];
    this.listeners.clear();
  }
}
