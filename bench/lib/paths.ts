/** Where things are: the repository root and the benchmarks' scratch directory (git-ignored). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WORK = join(ROOT, 'bench', '.work');
