/**
 * Reads --cluster-state: YAML or JSON files, or directories of them (recursively; hidden entries
 * such as a mounted ConfigMap's `..data` are skipped), each possibly holding several documents.
 * The file I/O around staticClusterViewFrom.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { NpgError, describeError } from '../errors.js';
import { type SourcedObject, staticClusterViewFrom } from './static.js';
import type { ClusterView } from './view.js';

const MANIFEST = /\.(ya?ml|json)$/i;

async function filesUnder(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new NpgError('NPG_INPUT_UNREADABLE', `cluster state ${path}: ${describeError(err)}`, { cause: err });
  }
  if (!info.isDirectory()) return [path];
  let entries;
  try {
    entries = await readdir(path, { withFileTypes: true });
  } catch (err) {
    throw new NpgError('NPG_INPUT_UNREADABLE', `cluster state ${path}: ${describeError(err)}`, { cause: err });
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith('.')) continue;
    const child = join(path, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(child)));
    else if (MANIFEST.test(e.name)) out.push(child);
  }
  return out;
}

/** Which document (from 1) a 0-based line is in: `---` lines before it, plus a document that starts without one. */
function documentAt(text: string, line: number): number {
  const before = text.split('\n').slice(0, line);
  const separators = before.filter((l) => /^---(\s|$)/.test(l)).length;
  const firstContent = text.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
  return separators + (firstContent !== undefined && /^---(\s|$)/.test(firstContent) ? 0 : 1);
}

/** The documents of one file, numbered from 1 in messages (`pods.yaml document 2`). */
export function documentsOf(text: string, file: string): SourcedObject[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { filename: file });
  } catch (err) {
    if (!(err instanceof yaml.YAMLException)) throw err;
    throw new NpgError('NPG_CLUSTER_STATE_INVALID', `${file} document ${Math.max(1, documentAt(text, err.mark.line))} (line ${err.mark.line + 1}): not valid YAML or JSON: ${err.reason}`, {
      cause: err,
    });
  }
  return docs.map((object, i) => ({ object, origin: `${file} document ${i + 1}` }));
}

/**
 * The static view of every manifest under `paths`. NPG_INPUT_UNREADABLE when a path cannot be
 * read; NPG_CLUSTER_STATE_INVALID when a document is not YAML/JSON or not a usable object, or
 * when a path holds no manifest at all (a typo in a directory name should not pass silently).
 */
export async function loadClusterState(paths: readonly string[]): Promise<ClusterView> {
  return staticClusterViewFrom(await readClusterStateObjects(paths), `static:${paths.join(',')}`);
}

/** The documents under `paths`, each with where it came from; the reading half of loadClusterState. */
export async function readClusterStateObjects(paths: readonly string[]): Promise<SourcedObject[]> {
  const objects: SourcedObject[] = [];
  for (const path of paths) {
    const files = await filesUnder(path);
    if (files.length === 0) throw new NpgError('NPG_CLUSTER_STATE_INVALID', `${path}: no .yaml, .yml or .json files`);
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new NpgError('NPG_INPUT_UNREADABLE', `cluster state ${file}: ${describeError(err)}`, { cause: err });
      }
      objects.push(...documentsOf(text, file));
    }
  }
  return objects;
}

/**
 * Like loadClusterState, but a file that cannot be read or parsed, or an object that cannot be
 * used, is left out and named in `problems` instead of failing the whole state (the audit judges
 * what it can see). A path that does not exist or holds no manifest still fails.
 */
export async function loadClusterStateLeniently(paths: readonly string[]): Promise<{ view: ClusterView; problems: NpgError[] }> {
  const objects: SourcedObject[] = [];
  const problems: NpgError[] = [];
  for (const path of paths) {
    const files = await filesUnder(path);
    if (files.length === 0) throw new NpgError('NPG_CLUSTER_STATE_INVALID', `${path}: no .yaml, .yml or .json files`);
    for (const file of files) {
      try {
        objects.push(...documentsOf(await readFile(file, 'utf8'), file));
      } catch (err) {
        problems.push(err instanceof NpgError ? err : new NpgError('NPG_INPUT_UNREADABLE', `cluster state ${file}: ${describeError(err)}`, { cause: err }));
      }
    }
  }
  const view = staticClusterViewFrom(objects, `static:${paths.join(',')}`, { onInvalid: (e) => problems.push(e) });
  return { view, problems };
}
