/**
 * How much the machine was contended while a scenario ran: the share of wall time in which some
 * runnable task waited for a CPU (/proc/pressure/cpu, "some" total). On a shared machine this
 * says whether latency figures measured the server or the neighbours.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export interface PressureMark {
  readonly waitedUs: number;
  readonly at: number;
}

export function pressureMark(): PressureMark | undefined {
  try {
    const total = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'))?.[1];
    return total === undefined ? undefined : { waitedUs: Number(total), at: performance.now() };
  } catch {
    return undefined;
  }
}

/** Percentage of the time since `mark` during which some task waited for a CPU. */
export function pressureSince(mark: PressureMark | undefined): string {
  const now = pressureMark();
  if (!mark || !now || now.at <= mark.at) return 'n/a';
  return `${Math.round(((now.waitedUs - mark.waitedUs) / 1000 / (now.at - mark.at)) * 100)}%`;
}
