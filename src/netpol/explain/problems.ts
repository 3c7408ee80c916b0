/** The namespace a policy lives in, and what a decode problem means for the person applying it. */
import type { NetworkPolicy } from '../../k8s/types.js';
import type { ExplainOptions, NamespaceExplanation, Problem } from './types.js';

export function namespaceOf(np: NetworkPolicy | undefined, opts: ExplainOptions): NamespaceExplanation {
  const own = np?.metadata?.namespace;
  if (own) return { name: own, source: 'object', text: `namespace ${own}` };
  if (opts.namespace) {
    return { name: opts.namespace, source: 'assumed', text: `namespace ${opts.namespace} (assumed: the object names no namespace)` };
  }
  return { name: null, source: 'current', text: "kubectl's current namespace (the object names no namespace)" };
}

const KNOWN_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'spec', 'name', 'namespace', 'labels', 'annotations', 'podSelector', 'namespaceSelector',
  'ingress', 'egress', 'policyTypes', 'from', 'to', 'ports', 'protocol', 'port', 'endPort', 'ipBlock', 'cidr', 'except',
  'matchLabels', 'matchExpressions', 'key', 'operator', 'values',
];

/** The field a misspelt key was probably meant to be: same letters in another case, or a missing plural `s`. */
function meantField(key: string): string | undefined {
  return KNOWN_FIELDS.find((f) => f !== key && (f.toLowerCase() === key.toLowerCase() || f === `${key}s`));
}

export function decodeConsequence(kind: Problem['kind'], field: string): string {
  if (kind === 'unknown-field') {
    const key = field.slice(Math.max(field.lastIndexOf('.'), field.lastIndexOf(']')) + 1);
    const meant = meantField(key);
    const hint = meant ? ` Field names are case-sensitive and exact: did you mean "${meant}"?` : '';
    return `kubectl's default (strict) field validation rejects the object; lenient clients drop the field. It is ignored below.${hint}`;
  }
  if (kind === 'invalid-kind') {
    return 'The API server has no such resource, so kubectl fails ("no matches for kind"). The rest is explained as a networking.k8s.io/v1 NetworkPolicy.';
  }
  return 'The API server cannot decode the object and rejects it (400 Bad Request).';
}
