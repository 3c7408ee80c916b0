import type { ClusterView, PodInfo, ServiceInfo, ServicePortInfo, WebhookInfo } from '../cluster/view.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { isolates, rulePortsAllow, rulesOf } from '../netpol/walk.js';
import { podSelectorOf, policiesAfterWrite, portNames, selectorMatcher, serviceSelects, serviceTarget } from './lib/cluster-match.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

/**
 * Whether some ingress-isolating policy selecting `pod` lets the API server reach `port`. The API
 * server is no pod (and usually not in the cluster network at all), so only a rule without
 * peers (everyone) or with an ipBlock (which can hold the control-plane addresses) admits it.
 */
function apiServerAdmitted(policies: readonly NetworkPolicy[], pod: PodInfo, cluster: ClusterView, protocol: string, port: number | undefined, names: readonly string[]): boolean {
  return policies.some(
    (p) =>
      selectorMatcher(podSelectorOf(p), cluster)(pod.labels) &&
      rulesOf(p, 'ingress').some((r) => rulePortsAllow(r.ports, protocol, port ?? -1, names) && (!r.peers || r.peers.length === 0 || r.peers.some((peer) => peer.ipBlock))),
  );
}

interface Blocked {
  readonly hook: WebhookInfo;
  readonly service: ServiceInfo;
  readonly port: string;
  readonly protocol: string;
}

function blockedWebhook(np: NetworkPolicy, namespace: string, cluster: ClusterView, hook: WebhookInfo, policies: () => NetworkPolicy[]): Blocked | undefined {
  const ref = hook.service;
  if (!ref || ref.namespace !== namespace) return undefined;
  const service = cluster.services(namespace).find((s) => s.name === ref.name);
  const sp: ServicePortInfo | undefined = service?.ports.find((p) => p.port === ref.port);
  if (!service || !sp) return undefined;
  const selected = selectorMatcher(podSelectorOf(np), cluster);
  // hostNetwork backends are not subject to policies at all.
  const backends = cluster.pods(namespace).filter((p) => serviceSelects(service, p, cluster) && !p.hostNetwork && selected(p.labels));
  for (const pod of backends) {
    const target = serviceTarget(sp, [pod]);
    const names = [...(target.name ? [target.name] : []), ...(target.number ? portNames(pod, target.number, sp.protocol) : [])];
    if (!apiServerAdmitted(policies(), pod, cluster, sp.protocol, target.number, names)) {
      return { hook, service, port: String(target.number ?? target.name), protocol: sp.protocol };
    }
  }
  return undefined;
}

export const webhookBackendIsolated = defineRule({
  id: 'webhook-backend-isolated',
  title: 'Policy cuts an admission webhook off the API server',
  description:
    'The policy isolates ingress of pods behind a Service that a Validating/MutatingWebhookConfiguration calls (netpol-guard\'s own included), and no policy lets the API server reach the webhook\'s target port. The API server then times out on every call: with failurePolicy Fail, admission of the matched resources stalls cluster-wide; with Ignore, the webhook is silently bypassed after each timeout. A default-deny (seed 003) in the webhook\'s namespace is the usual cause.',
  remediation: 'allow ingress to the webhook\'s target port from the API server: an ipBlock of the control-plane addresses, or no from',
  defaultAction: 'deny',
  seeds: ['003'],
  cluster: 'needs',
  check(np, { cluster, namespace }) {
    if (!isolates(np, 'ingress')) return [];
    let policies: NetworkPolicy[] | undefined;
    const after = () => (policies ??= policiesAfterWrite(np, namespace, cluster).filter((p) => isolates(p, 'ingress')));
    const out: RuleFinding[] = [];
    const seen = new Set<string>();
    for (const hook of cluster.webhooks()) {
      const key = `${hook.service?.name}:${hook.service?.port}`;
      if (seen.has(key)) continue;
      const blocked = blockedWebhook(np, namespace, cluster, hook, after);
      if (!blocked) continue;
      seen.add(key);
      const kind = hook.kind === 'ValidatingWebhookConfiguration' ? 'validating' : 'mutating';
      out.push({
        field: np.spec?.ingress?.length ? 'spec.ingress' : 'spec.policyTypes',
        message: `blocks ${blocked.protocol} ${blocked.port} of webhook service ${blocked.service.name} (${kind} ${hook.configuration}, failurePolicy ${hook.failurePolicy})`,
        fix: `allow ingress to ${blocked.protocol} ${blocked.port} from the API server (ipBlock of the control plane, or no from); else admission stalls`,
      });
    }
    return out;
  },
});
