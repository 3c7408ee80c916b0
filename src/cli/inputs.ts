/**
 * Reading the CLI's inputs: files, directories (recursively: .yaml, .yml, .json) and `-` for
 * stdin; each parsed as a YAML stream (JSON is YAML) with line numbers, `List` kinds expanded.
 * A file that cannot be read or parsed becomes an input error; the others are still checked.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type LocatedDocument, loadYamlDocuments } from '../yaml/locate.js';

export interface InputObject {
  readonly file: string;
  /** Index of the YAML document in the file (0-based). */
  readonly document: number;
  /** Path of the object inside the document: '' or `items[3]` for a List member. */
  readonly prefix: string;
  readonly value: unknown;
  readonly located: LocatedDocument;
}

export interface InputError {
  /** NPG_INPUT_UNREADABLE or NPG_INPUT_INVALID (docs/errors.md). */
  readonly code: 'NPG_INPUT_UNREADABLE' | 'NPG_INPUT_INVALID';
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

async function expand(path: string, errors: InputError[]): Promise<string[]> {
  if (path === '-') return ['-'];
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    errors.push({ code: 'NPG_INPUT_UNREADABLE', file: path, message: `cannot read: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}` });
    return [];
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, e.name);
    if (e.isDirectory()) out.push(...(await expand(child, errors)));
    else if (EXTENSIONS.some((ext) => e.name.endsWith(ext))) out.push(child);
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function isList(value: unknown): value is { items: unknown[] } {
  const v = value as { kind?: unknown; items?: unknown } | null;
  return v !== null && typeof v === 'object' && typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

/** Splits text into objects; throws js-yaml's exception on a syntax error. */
export function objectsOf(text: string, file: string): InputObject[] {
  const out: InputObject[] = [];
  loadYamlDocuments(text, file).forEach((located, document) => {
    if (located.value === null || located.value === undefined) return; // an empty document
    if (isList(located.value)) {
      located.value.items.forEach((value, i) => out.push({ file, document, prefix: `items[${i}]`, value, located }));
    } else {
      out.push({ file, document, prefix: '', value: located.value, located });
    }
  });
  return out;
}

export async function readInputs(paths: readonly string[]): Promise<{ objects: InputObject[]; errors: InputError[]; files: number }> {
  const errors: InputError[] = [];
  const files = (await Promise.all(paths.map((p) => expand(p, errors)))).flat();
  const objects: InputObject[] = [];
  for (const file of files) {
    const name = file === '-' ? '<stdin>' : file;
    let text: string;
    try {
      text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
    } catch (err) {
      errors.push({ code: 'NPG_INPUT_UNREADABLE', file: name, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    try {
      objects.push(...objectsOf(text, name));
    } catch (err) {
      const mark = (err as { mark?: { line: number } }).mark;
      const reason = (err as { reason?: string }).reason ?? (err as Error).message;
      errors.push({ code: 'NPG_INPUT_INVALID', file: name, ...(mark ? { line: mark.line + 1 } : {}), message: `not valid YAML: ${reason}` });
    }
  }
  return { objects, errors, files: files.length };
}
