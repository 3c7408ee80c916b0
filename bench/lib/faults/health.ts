/**
 * What the server says about itself on its health port: Prometheus samples from /metrics and the
 * named checks of /readyz. Both read-only, both tolerant of a server that is going away (they
 * answer undefined rather than throw), because scenarios poll them while breaking things.
 */
import { get } from '../load.js';

export type Labels = Readonly<Record<string, string>>;

/** The value of the first sample of `name` whose labels include `labels`, or undefined. */
export function sample(text: string, name: string, labels: Labels = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) found[pair[1]!] = pair[2]!;
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return undefined;
}

export async function metrics(healthUrl: string): Promise<string | undefined> {
  try {
    const r = await get(`${healthUrl}/metrics`);
    return r.status === 200 ? r.text : undefined;
  } catch {
    return undefined;
  }
}

export async function metric(healthUrl: string, name: string, labels: Labels = {}): Promise<number | undefined> {
  const text = await metrics(healthUrl);
  return text === undefined ? undefined : sample(text, name, labels);
}

export interface Readiness {
  readonly status: number;
  readonly checks: Record<string, { ok: boolean; detail: string }>;
}

export async function readyz(healthUrl: string): Promise<Readiness | undefined> {
  try {
    const r = await get(`${healthUrl}/readyz`);
    return { status: r.status, checks: (JSON.parse(r.text) as { checks: Readiness['checks'] }).checks };
  } catch {
    return undefined;
  }
}
