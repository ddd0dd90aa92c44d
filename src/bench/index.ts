/**
 * The benchmark library behind `kvs bench`: configure, run across engines, judge the result
 * (the verdict), and render it as text, JSON or a self-contained HTML report.
 */
export { DEFAULTS, QUICK, resolveConfig, type BenchConfig, type BenchInput } from './config.js';
export { runBench, type BenchEvent, type RunnerOptions } from './runner.js';
export { REPORT_SCHEMA, type BenchReport, type EngineEntry, type ResourceSummary, type WorkloadSummary } from './report.js';
export type { LatencyFigures, ResourceFigures, RunRecord, WorkloadFigures } from './figures.js';
export { validateReport } from './report-schema.js';
export { decideVerdict, type EngineProfile, type Verdict, type VerdictInput, type WorkloadVerdict } from './verdict.js';
export type { EngineAdvice } from './advice.js';
export { renderTextReport } from './table.js';
export { renderHtmlReport, extractReportJson, DATA_ELEMENT_ID } from './html-report.js';
export { WORKLOADS, WORKLOAD_GROUPS } from './workloads/index.js';
