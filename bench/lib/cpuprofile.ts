/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and sums time per function: self time
 * (the function was on top of the stack), total time (anywhere on the stack, counted once per
 * sample), and self time per package (zod, fastify, pino, ...) or source file.
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface FunctionTime {
  /** `name (where:line)` */
  readonly name: string;
  readonly where: string;
  readonly group: string;
  readonly selfMs: number;
  readonly totalMs: number;
  /** Of the busy time (idle excluded). */
  readonly selfPct: number;
  readonly totalPct: number;
}

export interface ProfileSummary {
  readonly wallMs: number;
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: readonly FunctionTime[];
  readonly groups: readonly { readonly group: string; readonly selfMs: number; readonly selfPct: number }[];
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a function lives, for grouping: a package, a file of ours, Node's internals, or V8 itself. */
function groupOf(frame: CallFrame): string {
  if (SPECIAL.has(frame.functionName)) return frame.functionName;
  const url = frame.url;
  if (url === '') return '(native / V8 builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node: internals';
  const ours = /.*\/(dist|src|bench|test)\/(.*)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url;
}

function whereOf(frame: CallFrame): string {
  if (frame.url === '') return '';
  const short = frame.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/(dist|src|bench|test)\//, '$1/');
  return `${short}:${frame.lineNumber + 1}`;
}

export function summariseProfile(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const keyOf = (node: ProfileNode) => {
    const f = node.callFrame;
    return `${f.functionName || '(anonymous)'}\u0000${whereOf(f)}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const groups = new Map<string, number>();
  const frames = new Map<string, CallFrame>();
  let idle = 0;
  let all = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // The delta before the next sample is the time this sample stands for.
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    all += dt;
    const node = byId.get(samples[i]!);
    if (!node) continue;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      continue;
    }
    const key = keyOf(node);
    frames.set(key, node.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const g = groupOf(node.callFrame);
    groups.set(g, (groups.get(g) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const k = keyOf(n);
      if (seen.has(k)) continue;
      seen.add(k);
      frames.set(k, n.callFrame);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  }
  const busy = all - idle;
  const functions: FunctionTime[] = [...total.keys()]
    .map((key) => {
      const [fn, where] = key.split('\u0000') as [string, string];
      const frame = frames.get(key)!;
      return {
        name: fn,
        where,
        group: groupOf(frame),
        selfMs: self.get(key) ?? 0,
        totalMs: total.get(key) ?? 0,
        selfPct: ((self.get(key) ?? 0) / busy) * 100,
        totalPct: ((total.get(key) ?? 0) / busy) * 100,
      };
    })
    .sort((a, b) => b.selfMs - a.selfMs);
  return {
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: busy,
    idleMs: idle,
    functions,
    groups: [...groups.entries()].map(([group, ms]) => ({ group, selfMs: ms, selfPct: (ms / busy) * 100 })).sort((a, b) => b.selfMs - a.selfMs),
  };
}

/** Functions of ours (or of a named package) by total time: which entry points the time is under. */
export function topByTotal(summary: ProfileSummary, filter: (f: FunctionTime) => boolean, n: number): FunctionTime[] {
  return summary.functions.filter(filter).sort((a, b) => b.totalMs - a.totalMs).slice(0, n);
}
