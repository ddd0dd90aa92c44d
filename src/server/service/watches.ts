/**
 * WATCH bookkeeping: which clients watch which keys, and whether a watched key was written since.
 * Every write the service issues touches its keys (before it is durable, at issue time, so a
 * write that a later EXEC could otherwise overlook is always seen); a touched watcher stays
 * dirty until it unwatches. Single-threaded: no locking. Costs nothing while nobody watches.
 */

export class Watcher {
  /** True iff a watched key was written (or the store flushed) since the watch began. */
  dirty = false;
  readonly keys = new Set<string>();
}

export class Watches {
  readonly #byKey = new Map<string, Set<Watcher>>();
  readonly #watchers = new Set<Watcher>();

  /** Adds `keys` to what `watcher` watches. */
  watch(watcher: Watcher, keys: readonly Buffer[]): void {
    this.#watchers.add(watcher);
    for (const key of keys) {
      const name = key.toString('latin1');
      watcher.keys.add(name);
      let set = this.#byKey.get(name);
      if (set === undefined) this.#byKey.set(name, (set = new Set()));
      set.add(watcher);
    }
  }

  /** Forgets every key `watcher` watches and clears its dirty flag. */
  unwatch(watcher: Watcher): void {
    for (const name of watcher.keys) {
      const set = this.#byKey.get(name);
      set?.delete(watcher);
      if (set?.size === 0) this.#byKey.delete(name);
    }
    watcher.keys.clear();
    watcher.dirty = false;
    this.#watchers.delete(watcher);
  }

  /** A write to `key` was issued. */
  touch(key: Buffer): void {
    if (this.#byKey.size === 0) return;
    const set = this.#byKey.get(key.toString('latin1'));
    if (set !== undefined) for (const watcher of set) watcher.dirty = true;
  }

  /** Every key may have changed (FLUSHDB). */
  touchAll(): void {
    for (const watcher of this.#watchers) watcher.dirty = true;
  }

  /** Keys watched by at least one client (INFO `watching_clients`-style figures and tests). */
  get watchedKeys(): number {
    return this.#byKey.size;
  }
}
