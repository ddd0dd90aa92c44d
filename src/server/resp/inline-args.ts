/**
 * Splits an inline command line into arguments the way redis-cli and Redis do (sdssplitargs):
 * words separated by whitespace; "double quotes" with escapes \n \r \t \b \a \\ \" and \xHH;
 * 'single quotes' where only \' is an escape. A closing quote must end the word. Works on bytes,
 * so an inline argument may hold any byte but whitespace.
 */

const QUOTE = 0x22;
const APOSTROPHE = 0x27;
const BACKSLASH = 0x5c;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x61 + 10;
  if (b >= 0x41 && b <= 0x46) return b - 0x41 + 10;
  return -1;
}

const ESCAPES: Record<number, number> = { 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x62: 0x08, 0x61: 0x07 };

/** The arguments of `line`, or undefined iff its quotes are unbalanced (or a quote does not end its word). */
export function splitInlineArgs(line: Buffer): Buffer[] | undefined {
  const args: Buffer[] = [];
  let i = 0;
  const n = line.length;
  while (true) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return args;
    const first = line[i];
    if (first !== QUOTE && first !== APOSTROPHE) {
      const start = i;
      while (i < n && !isSpace(line[i])) i++;
      args.push(line.subarray(start, i));
      continue;
    }
    const out: number[] = [];
    i++;
    let closed = false;
    while (i < n) {
      const b = line[i]!;
      if (first === QUOTE && b === BACKSLASH && i + 1 < n) {
        const next = line[i + 1]!;
        const hi = hexValue(line[i + 2]);
        const lo = hexValue(line[i + 3]);
        if (next === 0x78 /* x */ && hi >= 0 && lo >= 0) {
          out.push(hi * 16 + lo);
          i += 4;
        } else {
          out.push(ESCAPES[next] ?? next);
          i += 2;
        }
      } else if (first === APOSTROPHE && b === BACKSLASH && line[i + 1] === APOSTROPHE) {
        out.push(APOSTROPHE);
        i += 2;
      } else if (b === first) {
        i++;
        closed = true;
        break;
      } else {
        out.push(b);
        i++;
      }
    }
    if (!closed || (i < n && !isSpace(line[i]))) return undefined;
    args.push(Buffer.from(out));
  }
}
