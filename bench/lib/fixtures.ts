/**
 * The objects the benchmarks review: the seed-001 example policy (the upstream
 * test-network-policy), a variant the default org policy denies, a policy with 1,000 peers,
 * and request bodies. Cluster states are in cluster-fixtures.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { admissionReview } from '../../test/helpers/server.js';
import { ROOT } from './paths.js';

type Json = Record<string, unknown>;

/** The upstream example policy that seed 001 explains. */
export function seedPolicy(): Json {
  return yaml.load(readFileSync(join(ROOT, 'test/fixtures/seeds/004-test-network-policy.yaml'), 'utf8')) as Json;
}

/** The seed policy plus egress to the cloud metadata address: the built-in policy denies it (403). */
export function deniedPolicy(): Json {
  const np = seedPolicy() as { metadata: Json; spec: { egress: unknown[] } };
  np.metadata.name = 'metadata-egress';
  np.spec.egress.push({ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ protocol: 'TCP', port: 80 }] });
  return np as unknown as Json;
}

/** The seed policy as a person may write it: no protocols, no policyTypes, so /mutate patches it. */
export function undefaultedPolicy(): Json {
  const np = seedPolicy() as { spec: { policyTypes?: unknown; ingress: { ports: Json[] }[]; egress: { ports: Json[] }[] } };
  delete np.spec.policyTypes;
  for (const r of [...np.spec.ingress, ...np.spec.egress]) for (const p of r.ports) delete p.protocol;
  return np as unknown as Json;
}

/** One ingress rule with `n` peers: a mix of ipBlocks (with an except), pod and namespace selectors. */
export function manyPeersPolicy(n = 1000): Json {
  const from: Json[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i >> 8) & 255;
    const b = i & 255;
    if (i % 3 === 0) from.push({ ipBlock: { cidr: `10.${a}.${b}.0/24`, except: [`10.${a}.${b}.128/25`] } });
    else if (i % 3 === 1) from.push({ podSelector: { matchLabels: { app: `client-${i}`, tier: 'web' } } });
    else from.push({ namespaceSelector: { matchLabels: { team: `team-${i}` } }, podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['api', 'worker'] }] } });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'many-peers', namespace: 'default' },
    spec: {
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from, ports: [{ protocol: 'TCP', port: 6379 }] }],
    },
  };
}

/** The request body the API server would send for `object` (CREATE). */
export function reviewBody(object: unknown, uid = 'b8c1a2d4-0000-4000-8000-000000000001'): string {
  return JSON.stringify(admissionReview(object, { uid }));
}
