/** What cni-without-policy-support flags and what it passes. */
import { CANAL, FLANNEL_ONLY, SHOP } from '../../cluster/manifests.js';
import { type RuleExamples, seed } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 002: flannel alone', object: seed('002-allow-myapp-ingress.yaml'), cluster: [...SHOP, FLANNEL_ONLY], field: 'spec' },
    { name: 'seed 000 under flannel', object: seed('000-prometheus-k8s.yaml'), cluster: [...SHOP, FLANNEL_ONLY] },
    { name: 'said by the org policy', object: seed('003-deny-all-ingress.yaml'), cluster: SHOP, params: { cni: 'not-enforcing' } },
  ],
  passes: [
    { name: 'seed 002: canal = flannel + Calico', object: seed('002-allow-myapp-ingress.yaml'), cluster: [...SHOP, CANAL] },
    { name: 'no known plugin: unknown is not bad', object: seed('002-allow-myapp-ingress.yaml'), cluster: SHOP },
    { name: 'enforced elsewhere, says the org policy', object: seed('002-allow-myapp-ingress.yaml'), cluster: [...SHOP, FLANNEL_ONLY], params: { cni: 'enforcing' } },
  ],
};
