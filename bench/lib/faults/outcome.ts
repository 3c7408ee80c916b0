/**
 * What a fault scenario hands back: the figures it measured, the goals it checked (each with the
 * measured value that decided it), and notes a reader needs to interpret them. A scenario passes
 * when every check holds; a scenario that throws is a failure with the error as its only check.
 */

export interface Check {
  /** The goal, as the report states it: "0 failed requests". */
  readonly goal: string;
  readonly ok: boolean;
  /** What was measured against it: "0 of 12,345". */
  readonly measured: string;
}

export interface Outcome {
  readonly name: string;
  readonly title: string;
  /** One line: what was done to the server. */
  readonly setup: string;
  /** One line for the summary table: the figures that decide the goal. */
  headline: string;
  /** label → value, in the order they were recorded. */
  readonly figures: [string, string][];
  readonly checks: Check[];
  readonly notes: string[];
  /** Server logs kept for a failed scenario. */
  readonly logs: string[];
  /** Raw measurements, for the JSON file next to the report. */
  readonly raw: Record<string, unknown>;
  durationSeconds?: number;
}

export function newOutcome(name: string, title: string, setup: string): Outcome {
  return { name, title, setup, headline: '', figures: [], checks: [], notes: [], logs: [], raw: {} };
}

export function figure(o: Outcome, label: string, value: string): void {
  o.figures.push([label, value]);
}

export function check(o: Outcome, goal: string, ok: boolean, measured: string): boolean {
  o.checks.push({ goal, ok, measured });
  return ok;
}

export function passed(o: Outcome): boolean {
  return o.checks.length > 0 && o.checks.every((c) => c.ok);
}

/** The outcome of a scenario that threw before it could judge itself. */
export function crashed(name: string, title: string, error: unknown): Outcome {
  const o = newOutcome(name, title, 'did not complete');
  check(o, 'the scenario runs to the end', false, error instanceof Error ? (error.stack ?? error.message) : String(error));
  return o;
}

/** A scenario's measurement, plus any observation that completes later (see faults.ts). */
export interface ScenarioRun {
  readonly outcome: Outcome;
  /** Waits for late observations, adds their figures and checks, and releases what they held. */
  readonly finish?: () => Promise<void>;
}

/** Milliseconds, 0.1 ms resolution below 10 ms. */
export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value).toLocaleString('en-US')} ms`;
}

export function seconds(valueMs: number | undefined): string {
  if (valueMs === undefined || !Number.isFinite(valueMs)) return 'n/a';
  return `${(valueMs / 1000).toFixed(1)} s`;
}
