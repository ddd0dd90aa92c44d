/** A description of the machine a benchmark ran on, recorded in every report. */
import * as os from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  platform: string;
  release: string;
  arch: string;
}

export function describeMachine(): MachineInfo {
  return {
    cpus: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
  };
}
