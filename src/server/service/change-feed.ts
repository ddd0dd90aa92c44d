/**
 * The change feed: every write the server applies, through any interface, in the order it was
 * acknowledged, numbered by a sequence that only grows while the server runs. Listeners are
 * called synchronously and must not block; a consumer that can fall behind (a WebSocket)
 * buffers on its own side, with its own bound.
 */
export type Via = 'resp' | 'http';

export interface ChangeEvent {
  /** 1, 2, 3, ... for this server process. */
  seq: number;
  op: 'set' | 'delete';
  key: Buffer;
  /** Bytes of the new value; 0 for a delete. */
  valueSize: number;
  /** Milliseconds since the epoch, when the write was acknowledged. */
  time: number;
  /** The interface the write came through. */
  via: Via;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();
  #seq = 0;

  /** Calls `listener` for every later change; returns the function that unsubscribes. */
  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Number of changes published so far (the last sequence number). */
  get lastSeq(): number {
    return this.#seq;
  }

  get subscribers(): number {
    return this.#listeners.size;
  }

  publish(op: ChangeEvent['op'], key: Buffer, valueSize: number, via: Via): void {
    const event: ChangeEvent = { seq: ++this.#seq, op, key, valueSize, time: Date.now(), via };
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // a broken listener must not fail the write that was already acknowledged
      }
    }
  }
}
