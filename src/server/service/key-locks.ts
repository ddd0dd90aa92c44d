/**
 * Per-key exclusive locks with a store-wide exclusive mode, for the server's read-modify-write
 * commands. Callers name every key up front; keys are locked in byte order, so two callers
 * never wait on each other in a cycle. Single-threaded (the event loop): no atomics needed.
 */
type Release = () => void;

export class KeyLocks {
  /** Tail of each key's wait queue: resolves when the current holder releases. */
  readonly #tails = new Map<string, Promise<void>>();
  /** Holders of key locks right now; a store-wide lock waits for this to reach zero. */
  #active = 0;
  #drained: (() => void) | undefined;
  /** Set while a store-wide lock is held or waited for: new key locks queue behind it. */
  #global: Promise<void> | undefined;

  /** True iff nobody holds or waits for `key` and no store-wide lock is held or waited for. */
  isFree(key: Buffer): boolean {
    return this.#global === undefined && (this.#tails.size === 0 || !this.#tails.has(key.toString('latin1')));
  }

  /**
   * Locks `keys` at once iff no store-wide lock is held or waited for and none of them is held or
   * waited for (the uncontended case, which needs no promise hop); otherwise undefined and
   * nothing is locked (use `lock`).
   */
  tryLock(keys: readonly Buffer[]): Release | undefined {
    if (this.#global !== undefined) return undefined;
    const names = keys.length === 1 ? [keys[0]!.toString('latin1')] : [...new Set(keys.map((k) => k.toString('latin1')))];
    for (const name of names) if (this.#tails.has(name)) return undefined;
    this.#active++;
    const releases = names.map((name) => this.#hold(name));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const release of releases) release();
      if (--this.#active === 0) this.#drained?.();
    };
  }

  /** Locks `keys` (deduplicated, in byte order) and resolves with the function that releases them all. */
  async lock(keys: readonly Buffer[]): Promise<Release> {
    while (this.#global !== undefined) await this.#global;
    const names = [...new Set(keys.map((k) => k.toString('latin1')))].sort();
    this.#active++;
    const releases: Release[] = [];
    for (const name of names) releases.push(await this.#lockOne(name));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const release of releases) release();
      if (--this.#active === 0) this.#drained?.();
    };
  }

  /** Waits until no key lock is held, then holds the whole store until the returned function is called. */
  async lockAll(): Promise<Release> {
    while (this.#global !== undefined) await this.#global;
    let open!: () => void;
    this.#global = new Promise<void>((resolve) => (open = resolve));
    if (this.#active > 0) await new Promise<void>((resolve) => (this.#drained = resolve));
    this.#drained = undefined;
    return () => {
      const waiting = open;
      this.#global = undefined;
      waiting();
    };
  }

  /** Takes the free lock of `name` (REQUIRES: nobody holds or waits for it). */
  #hold(name: string): Release {
    let release!: Release;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.#tails.set(name, tail);
    return () => {
      release();
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    };
  }

  async #lockOne(name: string): Promise<Release> {
    const previous = this.#tails.get(name);
    let release!: Release;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous === undefined ? mine : previous.then(() => mine);
    this.#tails.set(name, tail);
    if (previous !== undefined) await previous;
    return () => {
      release();
      if (this.#tails.get(name) === tail) this.#tails.delete(name); // nobody queued behind us
    };
  }
}
