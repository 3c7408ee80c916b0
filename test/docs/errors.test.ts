/** Every error code is documented, and the documentation names no code that does not exist. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { ERROR_CODES, NpgError, describeError } from '../../src/errors.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

t.test('docs/errors.md and src/errors.ts agree', async (t) => {
  for (const code of Object.keys(ERROR_CODES)) t.match(doc, `| \`${code}\` |`, `${code} is documented`);
  const documented = [...doc.matchAll(/\| `(NPG_[A-Z_]+)` \|/g)].map((m) => m[1]);
  t.same(documented.filter((c) => !(c! in ERROR_CODES)), [], 'no stale codes in the docs');
});

t.test('errors print their code and a message, never {}', async (t) => {
  const err = new NpgError('NPG_POLICY_INVALID', 'policy.yaml is not a valid org policy');
  t.equal(String(err), 'NPG_POLICY_INVALID: policy.yaml is not a valid org policy');
  t.equal(describeError(err), 'NPG_POLICY_INVALID: policy.yaml is not a valid org policy');
  t.equal(describeError(new Error('plain')), 'plain');
  t.equal(describeError('a string'), 'a string');
  t.equal(describeError({ weird: true }), '{"weird":true}');
});
