import t from 'tap';
import { parseCommandOrHelp } from '../../src/cli/args.js';
import { NpgError } from '../../src/errors.js';

const USAGE = 'Usage: netpol-guard thing FILES\n';
const OPTIONS = { output: { type: 'string', short: 'o', default: 'text' } } as const;

function capture(fn: () => unknown): { result: unknown; out: string } {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    return { result: fn(), out };
  } finally {
    process.stdout.write = write;
  }
}

t.test('-h and --help print the usage and answer undefined', async (t) => {
  for (const flag of ['-h', '--help']) {
    const { result, out } = capture(() => parseCommandOrHelp([flag, 'a.yaml'], OPTIONS, USAGE));
    t.equal(result, undefined, flag);
    t.equal(out, USAGE, flag);
  }
});

t.test('without --help: the values and positionals, nothing printed', async (t) => {
  const { result, out } = capture(() => parseCommandOrHelp(['-o', 'json', 'a.yaml'], OPTIONS, USAGE));
  t.equal(out, '');
  t.match(result, { values: { output: 'json' }, positionals: ['a.yaml'] });
});

t.test('an unknown option is a usage error carrying the usage', async (t) => {
  let caught: unknown;
  try {
    parseCommandOrHelp(['--nope'], OPTIONS, USAGE);
  } catch (err) {
    caught = err;
  }
  t.ok(caught instanceof NpgError, 'an NpgError');
  t.equal((caught as NpgError).code, 'NPG_OPTION_INVALID');
  t.ok((caught as Error).message.endsWith(USAGE), 'the usage follows the mistake');
});
