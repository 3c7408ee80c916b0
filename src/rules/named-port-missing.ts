import { portTargets } from './lib/cluster-match.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

export const namedPortMissing = defineRule({
  id: 'named-port-missing',
  title: 'Named port no pod declares',
  description:
    'A named port is resolved on each pod the rule applies to (ingress: the selected pods; egress: the destination pods) from its container ports; a pod that does not declare the name, or declares it over another protocol, gets nothing from the rule. The API server accepts any syntactically valid name (seed 003).',
  remediation: 'declare the name in the pods\' container ports (with the same protocol), or use the port number',
  defaultAction: 'warn',
  seeds: ['003'],
  cluster: 'needs',
  check(np, { cluster, namespace, walks }) {
    const out: RuleFinding[] = [];
    for (const rule of walks.rules()) {
      const named = (rule.ports ?? []).map((p, j) => ({ p, j })).filter(({ p }) => typeof p.port === 'string');
      if (named.length === 0) continue;
      const targets = portTargets(np, rule, namespace, cluster, true);
      if (!targets) continue;
      const who = rule.direction === 'ingress' ? 'selected' : 'destination';
      for (const { p, j } of named) {
        const name = p.port as string;
        const protocol = p.protocol ?? 'TCP';
        // One pass, stopping at the first pod that declares it: most named ports are fine.
        let any = false;
        let declared = false;
        let other: string | undefined;
        for (const pod of targets) {
          any = true;
          const c = pod.ports.find((x) => x.name === name && (x.protocol === protocol || other === undefined));
          if (c?.protocol === protocol) {
            declared = true;
            break;
          }
          if (c) other = c.protocol;
        }
        if (!any) break; // no pods at all: pod-selector/peer-matches-nothing say so
        if (declared) continue;
        const field = rule.path.child('ports').index(j).child('port').toString();
        out.push(
          other
            ? { field, message: `the ${who} pods declare "${name}" over ${other}, not ${protocol}`, fix: `set protocol: ${other}` }
            : { field, message: `no ${who} pod declares a port named "${name}"`, fix: `name the container port "${name}" in the pods, or use the port number` },
        );
      }
    }
    return out;
  },
});
