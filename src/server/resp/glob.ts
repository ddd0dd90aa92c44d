/**
 * Redis glob patterns over bytes, for KEYS, SCAN MATCH and CONFIG GET: `*` any run of bytes,
 * `?` one byte, `[abc]` `[^abc]` `[a-z]` a set, `\x` the byte x literally. As in Redis, a `[`
 * without its `]` runs to the end of the pattern, and a trailing `\` matches itself.
 */

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const CARET = 0x5e;
const DASH = 0x2d;
const BACKSLASH = 0x5c;

/** True iff `subject` matches `pattern`. Iterative with one backtrack point per `*`: linear-ish, no recursion to overflow. */
export function globMatch(pattern: Uint8Array, subject: Uint8Array): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < subject.length) {
    if (p < pattern.length) {
      const c = pattern[p]!;
      if (c === STAR) {
        while (p < pattern.length && pattern[p] === STAR) p++;
        if (p === pattern.length) return true;
        starP = p;
        starS = s;
        continue;
      }
      const step = matchOne(pattern, p, subject[s]!);
      if (step > 0) {
        p += step;
        s++;
        continue;
      }
    }
    if (starP < 0) return false;
    // Backtrack: let the last `*` swallow one more byte.
    p = starP;
    s = ++starS;
  }
  while (p < pattern.length && pattern[p] === STAR) p++;
  return p === pattern.length;
}

/** Bytes of pattern consumed if the element at `p` matches `byte`; 0 if it does not. */
function matchOne(pattern: Uint8Array, p: number, byte: number): number {
  const c = pattern[p]!;
  if (c === QUESTION) return 1;
  if (c === BACKSLASH && p + 1 < pattern.length) return pattern[p + 1] === byte ? 2 : 0;
  if (c !== OPEN) return c === byte ? 1 : 0;
  let i = p + 1;
  const negate = pattern[i] === CARET;
  if (negate) i++;
  let matched = false;
  while (i < pattern.length && pattern[i] !== CLOSE) {
    if (pattern[i] === BACKSLASH && i + 1 < pattern.length) {
      if (pattern[i + 1] === byte) matched = true;
      i += 2;
    } else if (pattern[i + 1] === DASH && i + 2 < pattern.length && pattern[i + 2] !== CLOSE) {
      let lo = pattern[i]!;
      let hi = pattern[i + 2]!;
      if (lo > hi) [lo, hi] = [hi, lo];
      if (byte >= lo && byte <= hi) matched = true;
      i += 3;
    } else {
      if (pattern[i] === byte) matched = true;
      i++;
    }
  }
  if (negate) matched = !matched;
  if (!matched) return 0;
  return (i < pattern.length ? i + 1 : i) - p; // past the `]`, or to the end if it is missing
}

/**
 * The literal bytes every match must start with (up to the first special character), so a
 * scan can be narrowed to that prefix; empty when the pattern starts with one.
 */
export function literalPrefix(pattern: Uint8Array): Buffer {
  const out: number[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === STAR || c === QUESTION || c === OPEN) break;
    if (c === BACKSLASH) {
      if (i + 1 >= pattern.length) break;
      out.push(pattern[++i]!);
    } else {
      out.push(c);
    }
  }
  return Buffer.from(out);
}

/** True iff the pattern is `*` alone (or several): everything matches, no filter needed. */
export function matchesAll(pattern: Uint8Array): boolean {
  return pattern.length > 0 && pattern.every((c) => c === STAR);
}
