/** Seeds of the benchmark's random streams: one per (run seed, stream name), the same on every engine. */

/** A 32-bit seed from the run's seed and a stream name (FNV-1a over the name, mixed with the seed). */
export function streamSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < stream.length; i++) {
    hash ^= stream.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
