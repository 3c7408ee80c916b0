/**
 * bench/ablation.ts measures the built server with its decision function replaced by module
 * hooks. Its figures mean something only if the hooks really replace it and leave the rest of the
 * server as shipped: a real server (node dist/main.js serve) on loopback, real HTTPS requests.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import t from 'tap';
import { DIST } from '../../bench/lib/dist.js';
import { deniedPolicy, reviewBody, seedPolicy } from '../../bench/lib/fixtures.js';
import { post } from '../../bench/lib/load.js';
import { ROOT } from '../../bench/lib/paths.js';
import { ensureCertificates, startGuard } from '../../bench/lib/servers.js';

const REGISTER = join(ROOT, 'bench', 'lib', 'ablation-register.mjs');

interface Answer {
  readonly response: { readonly uid: string; readonly allowed: boolean; readonly warnings?: readonly string[] };
}

async function server(variant: string | undefined) {
  return startGuard({
    name: `ablation-test-${variant ?? 'shipped'}`,
    ...(variant
      ? { nodeArgs: ['--import', REGISTER], env: { NETPOL_GUARD_ABLATION: JSON.stringify({ variant, dist: resolve(DIST), busyMicros: 5, objects: 100 }) } }
      : {}),
  });
}

t.test('the ablation variants change the decision only', async (t) => {
  await ensureCertificates();
  // Started together: each takes a while to load its modules through the hooks.
  const variants = ['kept', 'kept-busy', 'kept-alloc'];
  const started = await Promise.all([undefined, 'twice', ...variants].map(server));
  for (const s of started) t.teardown(() => s.stop());
  const shipped = started[0]!;
  const twice = started[1]!;
  const servers = started.slice(2);
  const ca = readFileSync(shipped.caFile, 'utf8');
  const allowedBody = reviewBody(seedPolicy(), 'uid-allowed');
  const deniedBody = reviewBody(deniedPolicy(), 'uid-denied');
  const allowed = (await post(`${shipped.webhookUrl}/validate`, allowedBody, ca)).json as Answer;
  const denied = (await post(`${shipped.webhookUrl}/validate`, deniedBody, ca)).json as Answer;
  t.equal(allowed.response.allowed, true, 'the shipped build allows the seed policy');
  t.equal(denied.response.allowed, false, 'and denies the one with metadata egress');

  for (const [i, variant] of variants.entries()) {
    const g = servers[i]!;
    const first = (await post(`${g.webhookUrl}/validate`, allowedBody, ca)).json as Answer;
    t.same(first, allowed, `${variant}: the first answer is the shipped build's`);
    // The kept review answers for every later request, whatever it carries: the proof that the
    // hooks replaced the decision, and that the uid still comes from the request.
    const later = (await post(`${g.webhookUrl}/validate`, deniedBody, ca)).json as Answer;
    t.equal(later.response.allowed, true, `${variant}: a later request gets the kept verdict`);
    t.equal(later.response.uid, 'uid-denied', `${variant}: with its own uid`);
    t.same(later.response.warnings, allowed.response.warnings, `${variant}: and the kept warnings`);
  }

  t.same((await post(`${twice.webhookUrl}/validate`, allowedBody, ca)).json, allowed, 'twice: the shipped answer to the seed policy');
  t.same((await post(`${twice.webhookUrl}/validate`, deniedBody, ca)).json, denied, 'twice: and to the denied one');
});

t.test('an unknown variant stops the server from starting', async (t) => {
  await ensureCertificates();
  await t.rejects(server('no-such-variant'), /not ready|exited/);
});
