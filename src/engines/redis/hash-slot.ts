/**
 * Redis Cluster's key → hash slot function: CRC16 (XMODEM: polynomial 0x1021, initial 0, no
 * reflection) of the key, or of its hash tag, modulo 16384. The hash tag is the bytes between the
 * first `{` and the first `}` after it, when there is at least one byte between them; so
 * `kvs:{user1}:a` and `kvs:{user1}:b` share a slot. Pure functions; the engine uses them to group a
 * batch by slot before sending it, and the tests check them against `CLUSTER KEYSLOT`.
 */

export const SLOT_COUNT = 16384;

/** CRC16/XMODEM by table: one lookup per byte. */
const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The bytes Redis hashes for `key`: its hash tag when it has a non-empty one, else the whole key. */
function hashedPart(key: Uint8Array): [number, number] {
  const open = key.indexOf(0x7b /* { */);
  if (open === -1) return [0, key.length];
  const close = key.indexOf(0x7d /* } */, open + 1);
  if (close === -1 || close === open + 1) return [0, key.length];
  return [open + 1, close];
}

/** The hash slot (0 .. 16383) Redis Cluster stores the Redis key `key` in. */
export function hashSlot(key: Uint8Array): number {
  const [start, end] = hashedPart(key);
  return crc16(key, start, end) % SLOT_COUNT;
}
