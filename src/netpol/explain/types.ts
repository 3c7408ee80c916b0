/**
 * The shape of an explanation: plain data, printed as is by `-o json`. The field names are part of
 * the CLI's output contract.
 */
import type { Direction } from '../walk.js';

/** Version of the Explanation structure; bumped when a field changes meaning or disappears. */
export const EXPLANATION_SCHEMA_VERSION = 1;

export interface ExplainOptions {
  /** The namespace the policy will be created in when the object names none (kubectl's `-n`). */
  readonly namespace?: string;
}

export interface Explanation {
  readonly schemaVersion: typeof EXPLANATION_SCHEMA_VERSION;
  /** metadata.name; null when the object has none. */
  readonly name: string | null;
  readonly namespace: NamespaceExplanation;
  /** False when the object could not be read as a NetworkPolicy: only `problems` says anything then. */
  readonly decoded: boolean;
  /** Why the API server would refuse the object, or parts of it: decode issues and validation errors. */
  readonly problems: readonly Problem[];
  /** Two or three sentences: what is selected and what each direction amounts to. */
  readonly summary: string;
  /** The pods the policy applies to (spec.podSelector); null when the object did not decode. */
  readonly selects: Selection | null;
  /** Connections to the selected pods; null when the object did not decode. */
  readonly ingress: DirectionExplanation | null;
  /** Connections from the selected pods; null when the object did not decode. */
  readonly egress: DirectionExplanation | null;
  /** What the API server's defaulting adds to the object (the mutating webhook's patch). */
  readonly defaulting: readonly DefaultingChange[];
  /** Facts that hold for this policy as a whole: policies are additive, named ports, ipBlock caveats. */
  readonly notes: readonly string[];
  /**
   * What the policy meets in a cluster, when one is given (`explain --cluster-state` or
   * `--kubeconfig`): the pods it selects and what each peer matches today. Absent otherwise, and
   * when the object did not decode.
   */
  readonly cluster?: ClusterExplanation;
}

/** Some pods, by `namespace/name`: how many, and the first of them in name order. */
export interface PodSample {
  readonly count: number;
  /** At most 20, sorted. */
  readonly pods: readonly string[];
}

export interface ClusterExplanation {
  /** Where the cluster state came from (the files, or the kubeconfig's context). */
  readonly source: string;
  /** The pods of the policy's namespace that it selects today. */
  readonly selects: PodSample & {
    /** Selected pods on the host network: network plugins do not apply policies to them. */
    readonly hostNetwork: readonly string[];
    /** The policy's namespace exists in the cluster state. */
    readonly namespaceExists: boolean;
  };
  /** Per rule of spec.ingress, in order: what each of its peers matches today. */
  readonly ingress: readonly RuleInCluster[];
  /** Per rule of spec.egress, in order. */
  readonly egress: readonly RuleInCluster[];
}

export interface RuleInCluster {
  /** `spec.ingress[0]`. */
  readonly field: string;
  /** One per item of from/to (none when the rule names no peers: every source or destination). */
  readonly peers: readonly PeerInCluster[];
}

export interface PeerInCluster {
  /** `spec.ingress[0].from[1]`. */
  readonly field: string;
  /** The namespaces the peer reaches into (its namespaceSelector's matches, or the policy's own). */
  readonly namespaces: { readonly count: number; readonly names: readonly string[] };
  /**
   * Selector peers: the pods they match. ipBlock peers: the pods whose IPs fall inside the block
   * (outside its except ranges) — cluster pods are usually meant to be named by selectors.
   */
  readonly pods: PodSample;
  /** "2 pods: shop/web-1, shop/web-2", "no pod today (namespaces labelled team=x: none exists)". */
  readonly text: string;
}

export interface NamespaceExplanation {
  /** The namespace the policy lives in; null when it is left to kubectl's current namespace. */
  readonly name: string | null;
  /**
   * `object`: metadata.namespace; `assumed`: the object names none and the caller's namespace
   * was assumed; `current`: neither, so kubectl's current namespace will be used.
   */
  readonly source: 'object' | 'assumed' | 'current';
  /** "namespace database", or what will decide it. */
  readonly text: string;
}

export interface Problem {
  /**
   * `unknown-field`: strict field validation rejects it, lenient clients drop it (it is ignored
   * here); `invalid-type`: the value cannot be decoded; `invalid-kind`: not networking.k8s.io/v1
   * NetworkPolicy; `invalid`: the API server's validation rejects the object (422 Invalid);
   * `namespace-mismatch`: metadata.namespace differs from the namespace asked for (kubectl refuses).
   */
  readonly kind: 'unknown-field' | 'invalid-type' | 'invalid-kind' | 'invalid' | 'namespace-mismatch';
  /** API-server notation: `spec.ingress[0].ports[0].port`; empty for the whole object. */
  readonly field: string;
  readonly message: string;
  /** What happens because of it, and the likely fix. */
  readonly consequence: string;
}

export interface Selection {
  readonly selector: SelectorExplanation;
  /** "pods labelled app=web in namespace default". */
  readonly text: string;
}

export interface SelectorExplanation {
  /** True for `{}`: every pod (or namespace) in scope. */
  readonly matchesAll: boolean;
  /** matchLabels entries (as `In` with one value) followed by matchExpressions, all ANDed. */
  readonly requirements: readonly RequirementExplanation[];
  /**
   * The qualifier after "pods" or "namespaces": "labelled app=web and tier!=db" (NotIn, like
   * kubectl's `!=`, also matches objects without the label); empty when matchesAll. Ends in a
   * comma when it has with/without clauses, so that a following "in ..." reads apart.
   */
  readonly text: string;
}

export interface RequirementExplanation {
  readonly key: string;
  /** In, NotIn, Exists, DoesNotExist (matchLabels entries are In). */
  readonly operator: string;
  readonly values: readonly string[];
  /** "app=web", "env=prod or env=staging", "tier!=db", "with a label release", "without a label canary". */
  readonly text: string;
}

export interface DirectionExplanation {
  readonly direction: Direction;
  /** Whether the selected pods are isolated in this direction by this policy (policyTypes after defaulting). */
  readonly isolated: boolean;
  /** `explicit`: policyTypes was written; `inferred`: it was omitted (or empty) and the API server filled it in. */
  readonly policyTypes: 'explicit' | 'inferred';
  /** Why the direction is or is not isolated. */
  readonly reason: string;
  readonly rules: readonly RuleExplanation[];
  /** True when the direction is isolated and some rule allows every peer on every port. */
  readonly allowsEverything: boolean;
  /** What is denied as a consequence, or why nothing is. */
  readonly consequence: string;
}

export interface RuleExplanation {
  /** `spec.ingress[0]`. */
  readonly field: string;
  /** 1-based, as the text says "rule 1". */
  readonly number: number;
  /** True when from/to is omitted or empty: every source or destination, outside the cluster included. */
  readonly everyPeer: boolean;
  /** The items of from/to; ORed with each other. */
  readonly peers: readonly PeerExplanation[];
  /** True when ports is omitted or empty: every port of every protocol. */
  readonly everyPort: boolean;
  /** The items of ports; ORed, and each applies to every peer of the rule. */
  readonly ports: readonly PortExplanation[];
  /**
   * Who: "from any of these 2 sources", the one peer's text ("to pods labelled app=db in this
   * policy's own namespace (default)"), or "from every source, including addresses outside the cluster".
   */
  readonly peersText: string;
  /** "on TCP 5432", "on every port and protocol". */
  readonly portsText: string;
  /** How the list reads: ORed items, ports applying to each; empty when there is nothing to add. */
  readonly reading: string;
  /** The whole rule in one sentence. */
  readonly text: string;
}

export interface PeerExplanation {
  /** `spec.ingress[0].from[1]`. */
  readonly field: string;
  /**
   * `pods`: podSelector alone (the policy's own namespace); `namespaces`: namespaceSelector
   * alone (every pod in them); `pods-in-namespaces`: both in one item (AND); `ip-block`;
   * `invalid`: a combination the API server rejects.
   */
  readonly kind: 'pods' | 'namespaces' | 'pods-in-namespaces' | 'ip-block' | 'invalid';
  /** "pods labelled role=frontend in namespaces labelled team=a". */
  readonly text: string;
  /** How the item's fields combine, when that is worth saying (the AND of two selectors); else empty. */
  readonly reading: string;
  readonly podSelector: SelectorExplanation | null;
  readonly namespaceSelector: SelectorExplanation | null;
  readonly ipBlock: { readonly cidr: string; readonly except: readonly string[] } | null;
}

export interface PortExplanation {
  /** `spec.ingress[0].ports[0]`. */
  readonly field: string;
  /** After defaulting: TCP when the entry gave none. */
  readonly protocol: string;
  /** True when the entry had no protocol and the API server set TCP. */
  readonly protocolDefaulted: boolean;
  /** A number, a container port name, or null for every port of the protocol. */
  readonly port: number | string | null;
  readonly endPort: number | null;
  /** "TCP 5432", "TCP ports 30000-32767", "every UDP port", "the selected pods' TCP container port named http". */
  readonly text: string;
}

export interface DefaultingChange {
  /** The patch operation, as the mutating webhook returns it. */
  readonly op: string;
  /** JSON pointer of the patch: `/spec/ingress/0/ports/0/protocol`. */
  readonly path: string;
  /** The same place in API-server notation: `spec.ingress[0].ports[0].protocol`. */
  readonly field: string;
  readonly value: unknown;
  readonly text: string;
}
