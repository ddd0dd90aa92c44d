/** Byte helpers shared by the contract and the engines. Imports no engine. */

/** `input` as a Buffer: strings are UTF-8 encoded; a Uint8Array is viewed, not copied. */
export function toBuffer(input: string | Uint8Array): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (Buffer.isBuffer(input)) return input;
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/** Negative, zero or positive as `a` sorts before, equal to, or after `b` in byte order. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/**
 * The smallest byte string greater than every string that starts with `prefix`, or
 * `undefined` iff there is none (the prefix is empty or all 0xff bytes).
 */
export function prefixSuccessor(prefix: Uint8Array): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const next = Buffer.from(prefix.subarray(0, end));
  next[end - 1] = next[end - 1]! + 1;
  return next;
}
