/**
 * YAML loading (js-yaml) that also remembers where each value was written: a map from field
 * paths in API-server notation (`spec.ingress[0].from`) to 1-based line numbers, built from
 * js-yaml's node events. Used to point error messages and SARIF results at a line.
 */
import yaml from 'js-yaml';

export interface LocatedDocument {
  readonly value: unknown;
  /** Line of each path: for a map entry the line of its key, for a list item its first line. */
  readonly lines: ReadonlyMap<string, number>;
  /** First line of the document. */
  readonly line: number;
}

interface Frame {
  line: number;
  kind?: string;
  result?: unknown;
  children: Frame[];
}

function joinPath(base: string, part: string | number): string {
  if (typeof part === 'number') return `${base}[${part}]`;
  return base === '' ? part : `${base}.${part}`;
}

function record(frame: Frame, path: string, lines: Map<string, number>): void {
  if (frame.kind === 'mapping') {
    for (let i = 0; i + 1 < frame.children.length; i += 2) {
      const key = frame.children[i] as Frame;
      const value = frame.children[i + 1] as Frame;
      const childPath = joinPath(path, String(key.result));
      lines.set(childPath, key.line);
      record(value, childPath, lines);
    }
  } else if (frame.kind === 'sequence') {
    frame.children.forEach((item, i) => {
      const childPath = joinPath(path, i);
      lines.set(childPath, item.line);
      record(item, childPath, lines);
    });
  }
}

/** Loads every document of a YAML stream; throws js-yaml's YAMLException (with mark.line) on syntax errors. */
export function loadYamlDocuments(text: string, filename?: string): LocatedDocument[] {
  const roots: Frame[] = [];
  const stack: Frame[] = [];
  const values: unknown[] = [];
  yaml.loadAll(
    text,
    (doc) => values.push(doc),
    {
      ...(filename ? { filename } : {}),
      listener(event, state) {
        if (event === 'open') {
          const frame: Frame = { line: state.line + 1, children: [] };
          const parent = stack[stack.length - 1];
          if (parent) parent.children.push(frame);
          else roots.push(frame);
          stack.push(frame);
        } else {
          const frame = stack.pop();
          if (frame) {
            frame.kind = state.kind ?? undefined;
            frame.result = state.result;
          }
        }
      },
    },
  );
  // js-yaml opens one root node per document (empty documents included).
  return values.map((value, i) => {
    const root = roots[i];
    const lines = new Map<string, number>();
    if (root) record(root, '', lines);
    return { value, lines, line: root?.line ?? 1 };
  });
}

/** The line of `path`, or of its nearest ancestor that has one. */
export function lineOf(doc: LocatedDocument, path: string): number {
  let p = path;
  while (p !== '') {
    const line = doc.lines.get(p);
    if (line !== undefined) return line;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return doc.line;
}
