/**
 * MurmurHash3 x86_32 over bytes: the one hash of the project (Bitcask's keydir index, the LSM's
 * bloom filters). Written here rather than taken from a package because on-disk formats depend on
 * the exact function, and it is 25 lines. Four bytes per round with Math.imul keeps it fast for
 * short keys. Pure; imports nothing.
 */
const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** MurmurHash3 x86_32 of `bytes` with `seed`, as an unsigned 32-bit integer. */
export function murmur3(bytes: Uint8Array, seed: number): number {
  const length = bytes.length;
  const blocksEnd = length & ~3;
  let h = seed | 0;
  let i = 0;
  for (; i < blocksEnd; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail !== 0) {
    let k = bytes[i]!;
    if (tail > 1) k |= bytes[i + 1]! << 8;
    if (tail > 2) k |= bytes[i + 2]! << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
