/**
 * The built code, typed by its sources: every part measures the same JavaScript the server
 * runs, whatever state src/ is in while the benchmarks run. run.ts copies dist/ to
 * bench/.work/dist once and points BENCH_DIST there, so a rebuild during a run changes nothing.
 *
 *   const { reviewNetworkPolicy } = await fromDist<typeof import('../../src/review.js')>('review.js');
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './paths.js';

export const DIST = process.env.BENCH_DIST ?? join(ROOT, 'dist');

export async function fromDist<T>(path: string): Promise<T> {
  const file = join(DIST, path);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return (await import(pathToFileURL(file).href)) as T;
}

/** The newest modification time among the built .js files: which build was measured. */
export function distBuiltAt(dist = DIST): Date | undefined {
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  if (!existsSync(dist)) return undefined;
  walk(dist);
  return new Date(newest);
}
