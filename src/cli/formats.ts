/**
 * A command's output formats as one table, name → renderer, that drives its usage text, its
 * check of `-o` and its dispatch; the first entry is the default.
 */
import { NpgError } from '../errors.js';

export type FormatTable<I> = Readonly<Record<string, (input: I) => string>>;

/** `a, b or c`. */
function either(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** For a usage line: `text (default), json or sarif`. */
export function formatsForUsage(table: FormatTable<never>): string {
  const [first, ...rest] = Object.keys(table);
  return either([`${first} (default)`, ...rest]);
}

/** For a usage synopsis: `table|json|markdown`. */
export function formatChoices(table: FormatTable<never>): string {
  return Object.keys(table).join('|');
}

/** The default format: the table's first. */
export function defaultFormat(table: FormatTable<never>): string {
  return Object.keys(table)[0] as string;
}

/** The renderer for `-o name`; a name the table lacks is a usage error listing the formats. */
export function rendererFor<I>(table: FormatTable<I>, name: string): (input: I) => string {
  const render = Object.hasOwn(table, name) ? table[name] : undefined;
  if (!render) throw new NpgError('NPG_OPTION_INVALID', `-o must be ${either(Object.keys(table))}, got ${JSON.stringify(name)}`);
  return render;
}
