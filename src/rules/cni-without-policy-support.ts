import { z } from 'zod';
import type { DaemonSetInfo } from '../cluster/view.js';
import { defineRule } from './define.js';

const PARAMS = z.strictObject({
  cni: z
    .enum(['auto', 'enforcing', 'not-enforcing'])
    .default('auto')
    .describe('auto: detect the network plugin from its DaemonSets; enforcing / not-enforcing: say so when detection cannot (a managed platform, a plugin we do not know).'),
});

/** Network plugins that enforce NetworkPolicy, known by DaemonSet name or image. */
const ENFORCING: readonly { readonly plugin: string; readonly names: readonly string[]; readonly image: RegExp }[] = [
  { plugin: 'Calico', names: ['calico-node'], image: /calico\/node\b/ },
  { plugin: 'Cilium', names: ['cilium'], image: /cilium\/cilium\b/ },
  { plugin: 'Weave Net', names: ['weave-net'], image: /weave-npc/ },
  { plugin: 'kube-router', names: ['kube-router'], image: /kube-router/ },
  { plugin: 'Antrea', names: ['antrea-agent'], image: /antrea\/antrea-(agent|ubuntu)/ },
  { plugin: 'canal', names: ['canal', 'rke2-canal'], image: /^$/ },
];
const FLANNEL = { names: ['kube-flannel-ds', 'kube-flannel', 'flannel', 'rke2-flannel'], image: /flannel/ };

const named = (ds: DaemonSetInfo, names: readonly string[]) => names.some((n) => ds.name === n || ds.name.startsWith(`${n}-`));

export type CniVerdict =
  | { readonly kind: 'enforcing' | 'not-enforcing'; readonly plugin: string; readonly daemonSet: string }
  | { readonly kind: 'unknown' };

/**
 * What the DaemonSets say about policy enforcement. Any enforcing plugin wins (canal and
 * "flannel + Calico policy-only" run flannel next to Calico); flannel alone does not enforce;
 * anything else is unknown, and unknown is not reported (a managed platform may enforce policies
 * with nothing visible to us).
 */
export function detectCni(daemonSets: readonly DaemonSetInfo[]): CniVerdict {
  for (const p of ENFORCING) {
    const ds = daemonSets.find((d) => named(d, p.names) || d.images.some((i) => p.image.test(i)));
    if (ds) return { kind: 'enforcing', plugin: p.plugin, daemonSet: `${ds.namespace}/${ds.name}` };
  }
  const flannel = daemonSets.find((d) => named(d, FLANNEL.names) || d.images.some((i) => FLANNEL.image.test(i)));
  return flannel ? { kind: 'not-enforcing', plugin: 'flannel', daemonSet: `${flannel.namespace}/${flannel.name}` } : { kind: 'unknown' };
}

export const cniWithoutPolicySupport = defineRule({
  id: 'cni-without-policy-support',
  title: 'Network plugin does not enforce NetworkPolicy',
  description:
    'Kubernetes only stores NetworkPolicies; the network plugin enforces them. flannel alone does not, and nothing warns: every policy is accepted and has no effect, which is worse than none because people rely on it. Detected from the plugins\' DaemonSets (Calico, Cilium, Weave Net, kube-router, Antrea and canal enforce; flannel without Calico does not); when no known plugin is found, nothing is said.',
  remediation: 'run a plugin that enforces policies (Calico, Cilium, canal or flannel + Calico policy-only), then test with a deny-all',
  defaultAction: 'warn',
  seeds: ['000', '002', '003'],
  cluster: 'needs',
  params: PARAMS,
  check(_np, { params, cluster }) {
    if (params.cni === 'enforcing') return [];
    if (params.cni === 'not-enforcing') {
      return [{ field: 'spec', message: 'the network plugin enforces no NetworkPolicy (org policy: cni not-enforcing); this one has no effect' }];
    }
    const verdict = detectCni(cluster.daemonSets());
    if (verdict.kind !== 'not-enforcing') return [];
    return [
      {
        field: 'spec',
        message: `${verdict.plugin} (${verdict.daemonSet}) enforces no NetworkPolicy; this one has no effect`,
        fix: 'add policy enforcement (Calico policy-only with flannel = canal, or another plugin); if it is enforced elsewhere, set params.cni: enforcing',
      },
    ];
  },
});
