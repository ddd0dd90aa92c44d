/**
 * Every workload, in the order a run executes them. The order matters: fills come first, the
 * main store is reopened after the writes (the reopen figure), reads follow, YCSB inserts come
 * late and deleterandom, which empties the store, comes last.
 */
import { ErrorCodes, KvsError } from '../../index.js';
import { readmissing, readrandom, readreverse, readseq, readwhilewriting, seekrandom } from './read.js';
import type { Workload } from './types.js';
import { deleterandom, fillrandom, fillrandomBatch, fillseq, fillseqBatch, fillsync, overwrite } from './write.js';
import { ycsbA, ycsbB, ycsbC, ycsbD, ycsbE, ycsbF } from './ycsb.js';

export type { Workload, WorkloadContext, StoreNeed } from './types.js';
export { NotApplicable } from './types.js';

export const WORKLOADS: readonly Workload[] = [
  fillseq,
  fillseqBatch,
  fillrandomBatch,
  fillsync,
  fillrandom,
  overwrite,
  readrandom,
  readmissing,
  readseq,
  readreverse,
  seekrandom,
  readwhilewriting,
  ycsbA,
  ycsbB,
  ycsbC,
  ycsbF,
  ycsbD,
  ycsbE,
  deleterandom,
];

/** The main store is closed and reopened (the reopen figure) before the first workload after this one. */
export const REOPEN_AFTER = 'overwrite';

/** Names accepted for groups of workloads in --workloads. */
export const WORKLOAD_GROUPS: Readonly<Record<string, readonly string[]>> = {
  all: WORKLOADS.map((w) => w.name),
  fill: ['fillseq', 'fillrandom', 'overwrite', 'fillsync', 'fillseq-batch', 'fillrandom-batch'],
  read: ['readrandom', 'readmissing', 'readseq', 'readreverse', 'seekrandom', 'readwhilewriting'],
  ycsb: ['ycsb-a', 'ycsb-b', 'ycsb-c', 'ycsb-d', 'ycsb-e', 'ycsb-f'],
};

/** The workload named `name`; throws INVALID_ARGUMENT naming the known ones if there is none. */
export function findWorkload(name: string): Workload {
  const found = WORKLOADS.find((w) => w.name === name);
  if (found === undefined) {
    throw new KvsError(
      ErrorCodes.INVALID_ARGUMENT,
      `unknown workload "${name}"; known workloads: ${WORKLOADS.map((w) => w.name).join(', ')}, or a group: ${Object.keys(WORKLOAD_GROUPS).join(', ')}`,
    );
  }
  return found;
}

/**
 * The workloads named in `names` (workload or group names), deduplicated and in run order,
 * whatever order they were given in.
 */
export function selectWorkloads(names: readonly string[]): Workload[] {
  const wanted = new Set<string>();
  for (const name of names) {
    const group = WORKLOAD_GROUPS[name];
    for (const n of group ?? [findWorkload(name).name]) wanted.add(n);
  }
  if (wanted.size === 0) throw new KvsError(ErrorCodes.INVALID_ARGUMENT, 'no workloads selected; name at least one (see kvs bench --help)');
  return WORKLOADS.filter((w) => wanted.has(w.name));
}
