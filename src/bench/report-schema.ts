/**
 * A structural check of a report against the `BenchReport` type, for programs that read `--json`
 * output or an HTML report's embedded data, and for the tests. Returns every problem found, each
 * as "path: what is wrong"; an empty list means the report has the documented shape.
 */
import { REPORT_SCHEMA } from './report.js';

type Check = (value: unknown, at: string, problems: string[]) => void;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const num: Check = (v, at, p) => {
  if (typeof v !== 'number' || !Number.isFinite(v)) p.push(`${at}: expected a finite number, got ${JSON.stringify(v)}`);
};
const str: Check = (v, at, p) => {
  if (typeof v !== 'string') p.push(`${at}: expected a string, got ${JSON.stringify(v)}`);
};
const bool: Check = (v, at, p) => {
  if (typeof v !== 'boolean') p.push(`${at}: expected a boolean, got ${JSON.stringify(v)}`);
};
const nullable = (check: Check): Check => (v, at, p) => {
  if (v !== null) check(v, at, p);
};
const optional = (check: Check): Check => (v, at, p) => {
  if (v !== undefined) check(v, at, p);
};
const oneOf = (...options: string[]): Check => (v, at, p) => {
  if (typeof v !== 'string' || !options.includes(v)) p.push(`${at}: expected one of ${options.join(', ')}, got ${JSON.stringify(v)}`);
};
const array = (item: Check): Check => (v, at, p) => {
  if (!Array.isArray(v)) p.push(`${at}: expected an array`);
  else v.forEach((x, i) => item(x, `${at}[${i}]`, p));
};
const object = (fields: Record<string, Check>): Check => (v, at, p) => {
  if (!isObject(v)) {
    p.push(`${at}: expected an object`);
    return;
  }
  for (const [name, check] of Object.entries(fields)) check(v[name], `${at}.${name}`, p);
};

const spread = object({ median: num, min: num, max: num });
const latency = object({ mean: num, min: num, p50: num, p99: num, p999: num, max: num });

const workloadFigures = object({
  workload: str,
  ops: num,
  calls: num,
  truncated: bool,
  unit: oneOf('op', 'batch'),
  seconds: num,
  opsPerSec: num,
  bytes: num,
  mbPerSec: num,
  latencyUs: latency,
  found: num,
  backgroundWrites: num,
});

const resources = object({
  records: num,
  userDataBytes: num,
  diskAfterFillBytes: nullable(num),
  diskAfterOverwriteBytes: nullable(num),
  spaceAmplification: nullable(num),
  userBytesWritten: num,
  ioWriteBytes: nullable(num),
  writeAmplification: nullable(num),
  reopenMs: nullable(num),
  peakRssBytes: num,
  memoryPerKeyBytes: nullable(num),
});

const run = object({
  engine: str,
  repeat: num,
  isolated: bool,
  sync: str,
  workloads: array(workloadFigures),
  resources: nullable(resources),
  skipped: optional(array(object({ workload: str, reason: str }))),
  error: optional(object({ message: str, stage: str, code: optional(str) })),
  interrupted: optional(bool),
});

const strings = array(str);
const verdict = object({
  rule: str,
  notes: strings,
  contenders: strings,
  excluded: array(object({ engine: str, reason: str })),
  workloads: array(
    object({
      workload: str,
      ranking: strings,
      runnerUp: nullable(str),
      winner: nullable(str),
      margin: nullable(num),
      marginAtWorst: nullable(num),
      text: str,
      why: str,
    }),
  ),
  engines: array(
    object({
      engine: str,
      won: strings,
      lagged: array(object({ workload: str, ofLeader: num })),
      best: strings,
      worst: strings,
      figures: object({ memoryPerKeyBytes: nullable(num), spaceAmplification: nullable(num), writeAmplification: nullable(num), reopenMs: nullable(num) }),
      text: str,
    }),
  ),
});

const report = object({
  schema: oneOf(REPORT_SCHEMA),
  startedAt: str,
  finishedAt: str,
  complete: bool,
  interruption: optional(str),
  config: object({
    engines: array(str),
    workloads: array(str),
    num,
    keySize: num,
    valueSize: num,
    batch: num,
    sync: oneOf('always', 'interval', 'never'),
    repeats: num,
    maxSeconds: num,
    warmup: bool,
    seed: num,
    quick: bool,
  }),
  machine: object({ cpus: num, cpuModel: str, memoryBytes: num, node: str, platform: str, release: str, arch: str }),
  engines: array(object({ name: str, status: oneOf('ok', 'failed', 'skipped'), note: optional(str) })),
  runs: array(run),
  summary: object({
    workloads: array(
      object({
        engine: str,
        workload: str,
        unit: oneOf('op', 'batch'),
        runs: num,
        ops: num,
        truncated: bool,
        opsPerSec: spread,
        mbPerSec: spread,
        latencyUs: object({ p50: spread, p99: spread, p999: spread }),
      }),
    ),
    resources: array(
      object({
        engine: str,
        runs: num,
        diskAfterFillBytes: nullable(spread),
        diskAfterOverwriteBytes: nullable(spread),
        spaceAmplification: nullable(spread),
        writeAmplification: nullable(spread),
        reopenMs: nullable(spread),
        peakRssBytes: nullable(spread),
        memoryPerKeyBytes: nullable(spread),
      }),
    ),
  }),
  verdict,
});

/** Every way `value` departs from the report's documented shape; empty iff it conforms. */
export function validateReport(value: unknown): string[] {
  const problems: string[] = [];
  report(value, '$', problems);
  return problems;
}
