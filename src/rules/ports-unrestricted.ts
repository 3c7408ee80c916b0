import { isolates } from '../netpol/walk.js';
import { defineRule } from './define.js';

export const portsUnrestricted = defineRule({
  id: 'ports-unrestricted',
  title: 'Rule allows every port',
  description:
    'A rule with peers but without `ports` allows every port and protocol to or from those peers. Ports omitted means all ports, not "the usual one".',
  remediation: 'list the ports the peers need under `ports` (protocol defaults to TCP)',
  defaultAction: 'warn',
  seeds: ['003'],
  check(np, { walks }) {
    return walks.rules()
      .filter((r) => isolates(np, r.direction) && (r.peers?.length ?? 0) > 0 && (r.ports?.length ?? 0) === 0)
      .map((r) => ({ field: r.path.toString(), message: `rule lists ${r.peersField === 'from' ? 'sources' : 'destinations'} but no ports, so every port and protocol is allowed` }));
  },
});
