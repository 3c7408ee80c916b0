/**
 * What every scenario is given: the CA all clients trust (autocannon's connections included, via
 * verifyTlsWith), a serving pair signed by it for the servers that do not rotate theirs, and the
 * run's time scale.
 */
import { envNumber } from '../report.js';
import type { Pair } from './tls-material.js';

export interface FaultContext {
  readonly ca: Pair;
  /** The CA certificate, as clients take it, and as a file (for curl). */
  readonly caPem: string;
  readonly caFile: string;
  readonly serving: { readonly certFile: string; readonly keyFile: string };
  /** Seconds of sustained load in the longer scenarios (BENCH_FAULTS_SECONDS, default 20). */
  readonly seconds: number;
}

export function loadSeconds(): number {
  return envNumber('BENCH_FAULTS_SECONDS', 20);
}
