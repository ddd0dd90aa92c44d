/**
 * Names and order of Bitcask files. A data file is identified by (major, minor):
 * - `0000000042.data`: an ordinary data file, written by appends (minor 0);
 * - `0000000041-0003.data`: the third output of a merge of every file before 42.
 * Files load in (major, minor) order and later records win, so merge outputs sit after the
 * files they replace and before anything written since the merge began. A hint file has the
 * data file's stem and the `.hint` extension.
 */

export interface FileId {
  major: number;
  minor: number;
}

// Widths are minimums: a major past 10 digits or a minor past 4 still parses.
const NAME = /^(\d{10,})(?:-(\d{4,}))?\.(data|hint)$/;

function stem(id: FileId): string {
  const major = String(id.major).padStart(10, '0');
  return id.minor === 0 ? major : `${major}-${String(id.minor).padStart(4, '0')}`;
}

export function dataFileName(id: FileId): string {
  return `${stem(id)}.data`;
}

export function hintFileName(id: FileId): string {
  return `${stem(id)}.hint`;
}

/** The file's id and kind, or undefined iff the name is not a Bitcask data or hint file. */
export function parseFileName(name: string): { id: FileId; kind: 'data' | 'hint' } | undefined {
  const m = NAME.exec(name);
  if (m === null) return undefined;
  return { id: { major: Number(m[1]), minor: m[2] === undefined ? 0 : Number(m[2]) }, kind: m[3] as 'data' | 'hint' };
}

export function compareFileIds(a: FileId, b: FileId): number {
  return a.major - b.major || a.minor - b.minor;
}

export function formatFileId(id: FileId): string {
  return stem(id);
}
