/**
 * Command-line parsing shared by the offline commands: node:util's parseArgs, with any mistake
 * (an unknown option, a missing value, an unexpected argument) reported as NPG_OPTION_INVALID
 * followed by the command's usage, so every command exits 2 for a usage error.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { NpgError } from '../errors.js';

export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, usage: string, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new NpgError('NPG_OPTION_INVALID', `${(err as Error).message}\n\n${usage}`);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
const HELP = { help: { type: 'boolean', short: 'h' } } as const satisfies Options;

/**
 * A command's line with its positionals (unless it takes none) and -h/--help: on --help the usage
 * is printed and the answer is undefined, so the command returns 0 before reading anything.
 */
export function parseCommandOrHelp<O extends Options>(argv: string[], options: O, usage: string, allowPositionals = true) {
  const parsed = parseCommandLine(argv, { ...options, ...HELP }, usage, allowPositionals);
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(usage);
    return undefined;
  }
  return parsed;
}
