import { rulePortsAllow } from '../netpol/walk.js';
import { portNames, portTargets, serviceSelects, serviceTarget, servicesInFront } from './lib/cluster-match.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

export const servicePortNotPodPort = defineRule({
  id: 'service-port-not-pod-port',
  title: 'Port is a Service port, not the pods\' port',
  description:
    'Policies see traffic after a Service has translated its port to the pods\' targetPort, so a rule must name the container port. A numeric port that equals the `port` of a Service in front of the pods the rule applies to (ingress: the selected pods; egress: the destination pods), but is no container port of theirs, allows the wrong port: with a Service on 80 forwarding to 8080 the policy must say 8080 (seed 003).',
  remediation: 'use the Service\'s targetPort (the container port), or better the container port\'s name',
  defaultAction: 'warn',
  seeds: ['003'],
  cluster: 'needs',
  check(np, { cluster, namespace, walks }) {
    const out: RuleFinding[] = [];
    for (const rule of walks.rules()) {
      const numbered = (rule.ports ?? []).map((p, j) => ({ p, j })).filter(({ p }) => typeof p.port === 'number' && p.endPort === undefined);
      if (numbered.length === 0) continue;
      const lazy = portTargets(np, rule, namespace, cluster, false);
      const targets = lazy ? [...lazy] : [];
      if (targets.length === 0) continue;
      const services = servicesInFront(targets, cluster);
      if (services.length === 0) continue;
      for (const { p, j } of numbered) {
        const port = p.port as number;
        const protocol = p.protocol ?? 'TCP';
        if (targets.some((pod) => pod.ports.some((c) => c.containerPort === port && c.protocol === protocol))) continue;
        for (const svc of services) {
          const sp = svc.ports.find((s) => s.port === port && s.protocol === protocol);
          if (!sp) continue;
          const backends = targets.filter((pod) => serviceSelects(svc, pod, cluster));
          const target = serviceTarget(sp, backends);
          if (target.number === port || (target.number === undefined && target.name === undefined)) continue;
          const names = [...(target.name ? [target.name] : []), ...backends.flatMap((b) => (target.number ? portNames(b, target.number, protocol) : []))];
          if (rulePortsAllow(rule.ports, protocol, target.number ?? -1, names)) continue; // the rule lists the right port too
          const meant = target.number ?? target.name;
          out.push({
            field: rule.path.child('ports').index(j).child('port').toString(),
            message: `port ${port} is the port of service ${svc.name}, not of its pods; did you mean ${meant} (targetPort of service ${svc.name})?`,
            fix: `use port ${meant}${target.name && target.number ? ` or the named port ${target.name}` : ''}`,
          });
          break;
        }
      }
    }
    return out;
  },
});
