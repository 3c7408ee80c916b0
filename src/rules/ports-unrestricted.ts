import { z } from 'zod';
import { isolates, rulesOf } from '../netpol/walk.js';
import type { Rule } from './types.js';

const NO_PARAMS = z.strictObject({});

export const portsUnrestricted: Rule<z.infer<typeof NO_PARAMS>> = {
  id: 'ports-unrestricted',
  title: 'Rule allows every port',
  description:
    'A rule with peers but without `ports` allows every port and protocol to or from those peers. Ports omitted means all ports, not "the usual one".',
  remediation: 'list the ports the peers need under `ports` (protocol defaults to TCP)',
  defaultAction: 'warn',
  seeds: ['003'],
  needsSubmitted: false,
  needsCluster: false,
  operations: ['CREATE', 'UPDATE'],
  params: NO_PARAMS,
  check(np) {
    return rulesOf(np)
      .filter((r) => isolates(np, r.direction) && (r.peers?.length ?? 0) > 0 && (r.ports?.length ?? 0) === 0)
      .map((r) => ({ field: r.path.toString(), message: `rule lists ${r.peersField === 'from' ? 'sources' : 'destinations'} but no ports, so every port and protocol is allowed` }));
  },
};
