/** "Did you mean ...?" for a mistyped command or flag: the closest known name, if one is close. */

/** The candidate nearest to `word` by edit distance, iff it is within a third of the word's length (at least 1). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, counting a swap of two neighbours as one edit (gte -> get). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The message for a first word that names no command: a flag given before any command, or a typo with its likely fix. */
export function unknownCommandMessage(word: string, bin: string, commandIds: Iterable<string>): string {
  if (word.startsWith('-')) return `unknown flag ${word}; flags follow a command: ${bin} COMMAND ${word}`;
  const guess = closest(word, commandIds);
  return `unknown command "${word}"${guess === undefined ? '' : `; did you mean \`${bin} ${guess}\`?`}`;
}
