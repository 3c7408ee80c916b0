/**
 * The embedded default org policy, used when no --policy file is given: every rule at its
 * default action. The reason for each default is in docs/policy.md; `netpol-guard policy`
 * prints this text as a starting point for your own.
 */
export const BUILTIN_POLICY_YAML = `# netpol-guard org policy (the built-in default).
apiVersion: netpol-guard.io/v1alpha1
kind: OrgPolicy
# enforce: each rule's action applies. warn: every deny becomes a warning. audit: allow
# everything; findings only reach audit annotations, logs and metrics.
mode: enforce
rules:
  # Changing or deleting a policy labelled netpol-guard.io/protected=true needs system:masters.
  protected-policy: {action: deny}
  # Rules for a direction policyTypes does not list are silently ignored.
  rules-without-policy-type: {action: deny}
  # egress: [] without policyTypes does not isolate egress at all.
  empty-egress-not-isolating: {action: warn}
  # Egress to 169.254.169.254 hands out the node's cloud credentials.
  cloud-metadata-egress: {action: deny}
  allow-all-ingress: {action: warn}
  allow-all-egress: {action: warn}
  ipblock-world: {action: warn}
  cidr-too-wide:
    action: warn
    params: {ipv4MinPrefix: 16, ipv6MinPrefix: 48}
  # Set your cluster's networks here; without them only the nodes' podCIDRs are known.
  ipblock-cluster-cidr:
    action: warn
    params: {podCIDRs: [], serviceCIDRs: []}
  namespace-selector-all: {action: warn}
  selector-and-or-confusion: {action: warn}
  namespace-label-never-set: {action: warn}
  egress-without-dns: {action: warn}
  ports-unrestricted: {action: warn}
  port-range-too-wide:
    action: warn
    params: {maxSpan: 1000}
  implicit-policy-types: {action: warn}
  # Off by default; seed 003's convention is <namespace>.<pod>.
  policy-name-pattern: {action: off}
  # Cluster-aware rules: they judge against the live cluster (the webhook's informers, or the
  # CLI's --cluster-state) and are skipped, visibly, without it.
  # A network plugin that does not enforce policies makes every policy a false promise.
  cni-without-policy-support: {action: warn}
  # Isolating the pods behind an admission webhook without its port can stall the cluster.
  webhook-backend-isolated: {action: deny}
  pod-selector-matches-nothing: {action: warn}
  peer-matches-nothing: {action: warn}
  host-network-pods-selected: {action: warn}
  service-port-not-pod-port: {action: warn}
  named-port-missing: {action: warn}
exemptions:
  - namespaces: [kube-system]
    reason: cluster components manage their own policies
objectExemptions:
  # When on, a policy may exempt itself with the annotations netpol-guard.io/exempt (rule ids)
  # and netpol-guard.io/exempt-reason; every use is recorded in the audit annotations.
  enabled: false
  allowedRules: []
`;
