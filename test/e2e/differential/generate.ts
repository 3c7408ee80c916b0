/**
 * NetworkPolicies for the differential test, from a fixed seed: valid ones, and valid ones with
 * one or two mutations that make them invalid (or only look like it). Each mutation is named by
 * its category, so a divergence says what kind of input caused it. Same seed, same corpus.
 */

/** mulberry32: a small, well-distributed 32-bit generator; enough for test inputs. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;

export interface GeneratedPolicy {
  /** Where it is sent: the namespace in the request path. */
  readonly namespace: string;
  readonly object: Json;
  /** The mutations applied, as `category:what` (empty for a valid policy). */
  readonly mutations: readonly string[];
}

class Picker {
  constructor(readonly random: () => number) {}
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  one<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)] as T;
  }
}

const NAMESPACES = ['default', 'shop', 'team-a', 'kube-system', 'n'.repeat(63), 'x1'];
const LABEL_KEYS = ['app', 'tier', 'team', 'kubernetes.io/metadata.name', 'example.com/role', 'a.b-c_d', 'K8s.Io_X'];
const LABEL_VALUES = ['web', 'db', 'api', '', 'v1.2_3', 'A-b', 'x'.repeat(63)];
const PORT_NAMES = ['http', 'https', 'dns', 'metrics', 'grpc-web', 'a1', 'abcdefghijklmno'];
const V4_BLOCKS: readonly [string, string[]][] = [
  ['10.0.0.0/8', ['10.1.0.0/16', '10.2.3.0/24']],
  ['192.168.0.0/16', ['192.168.3.0/24']],
  ['0.0.0.0/0', ['169.254.169.254/32']],
  ['172.16.0.0/12', []],
  ['203.0.113.7/32', []],
];
const V6_BLOCKS: readonly [string, string[]][] = [
  ['fd00::/8', ['fd00:1::/32']],
  ['2001:db8::/32', []],
  ['::/0', ['fe80::/10']],
];

function labels(p: Picker, max: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = p.int(0, max); i > 0; i--) out[p.one(LABEL_KEYS)] = p.one(LABEL_VALUES);
  return out;
}

function selector(p: Picker): Json {
  const s: Json = {};
  if (p.chance(0.7)) s.matchLabels = labels(p, 2);
  if (p.chance(0.35)) {
    s.matchExpressions = Array.from({ length: p.int(1, 2) }, () => {
      const operator = p.one(['In', 'NotIn', 'Exists', 'DoesNotExist']);
      const e: Json = { key: p.one(LABEL_KEYS), operator };
      if (operator === 'In' || operator === 'NotIn') e.values = Array.from({ length: p.int(1, 3) }, () => p.one(LABEL_VALUES));
      return e;
    });
  }
  return s;
}

function ipBlock(p: Picker): Json {
  const [cidr, except] = p.one(p.chance(0.75) ? V4_BLOCKS : V6_BLOCKS);
  const block: Json = { cidr };
  if (except.length && p.chance(0.6)) block.except = [...except];
  return block;
}

function peer(p: Picker): Json {
  switch (p.int(0, 3)) {
    case 0:
      return { podSelector: selector(p) };
    case 1:
      return { namespaceSelector: selector(p) };
    case 2:
      return { namespaceSelector: selector(p), podSelector: selector(p) };
    default:
      return { ipBlock: ipBlock(p) };
  }
}

function port(p: Picker): Json {
  const out: Json = {};
  if (p.chance(0.7)) out.protocol = p.one(['TCP', 'UDP', 'SCTP']);
  if (p.chance(0.85)) {
    if (p.chance(0.7)) {
      const n = p.int(1, 65535);
      out.port = n;
      if (p.chance(0.15)) out.endPort = Math.min(65535, n + p.int(0, 1000));
    } else {
      out.port = p.one(PORT_NAMES);
    }
  }
  return out;
}

function rule(p: Picker, peersKey: 'from' | 'to'): Json {
  const r: Json = {};
  if (p.chance(0.8)) r[peersKey] = Array.from({ length: p.int(0, 3) }, () => peer(p));
  if (p.chance(0.7)) r.ports = Array.from({ length: p.int(0, 3) }, () => port(p));
  return r;
}

let serial = 0;

function validPolicy(p: Picker): { namespace: string; object: Json } {
  const namespace = p.one(NAMESPACES);
  const metadata: Json = { name: p.one(['web', 'db.allow', 'deny-all', 'a', 'np']) + '-' + serial++, namespace };
  if (p.chance(0.3)) metadata.labels = labels(p, 3);
  if (p.chance(0.15)) metadata.annotations = { 'example.com/owner': 'team-a', note: 'free text: anything goes' };
  const spec: Json = { podSelector: selector(p) };
  if (p.chance(0.7)) spec.ingress = Array.from({ length: p.int(0, 3) }, () => rule(p, 'from'));
  if (p.chance(0.5)) spec.egress = Array.from({ length: p.int(0, 2) }, () => rule(p, 'to'));
  if (p.chance(0.6)) spec.policyTypes = p.one([['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress']]);
  return { namespace, object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec } };
}

// ---------------------------------------------------------------------------------------------
// Mutations. Each takes the policy (a fresh copy) and returns what it did, or undefined when it
// does not apply to this policy (then another is tried).

type Mutation = (p: Picker, np: Json, where: { namespace: string }) => string | undefined;

const meta = (np: Json) => np.metadata as Json;
const spec = (np: Json) => np.spec as Json;

function allRules(np: Json): { rule: Json; peersKey: 'from' | 'to' }[] {
  return [
    ...((spec(np).ingress as Json[] | undefined) ?? []).map((rule) => ({ rule, peersKey: 'from' as const })),
    ...((spec(np).egress as Json[] | undefined) ?? []).map((rule) => ({ rule, peersKey: 'to' as const })),
  ];
}

/** A rule of the policy, made if there is none. */
function someRule(p: Picker, np: Json): { rule: Json; peersKey: 'from' | 'to' } {
  const rules = allRules(np);
  if (rules.length) return p.one(rules);
  const rule: Json = {};
  spec(np).ingress = [rule];
  return { rule, peersKey: 'from' };
}

function somePort(p: Picker, np: Json): Json {
  const { rule } = someRule(p, np);
  const ports = ((rule.ports as Json[] | undefined) ??= []);
  if (!ports.length) ports.push({ protocol: 'TCP', port: 80 });
  return p.one(ports);
}

function somePeer(p: Picker, np: Json): Json {
  const { rule, peersKey } = someRule(p, np);
  const peers = ((rule[peersKey] as Json[] | undefined) ??= []);
  if (!peers.length) peers.push({ podSelector: {} });
  return p.one(peers);
}

function someIPBlock(p: Picker, np: Json): Json {
  const target = somePeer(p, np);
  for (const k of Object.keys(target)) delete target[k];
  target.ipBlock = ipBlock(p);
  return target.ipBlock as Json;
}

function someSelector(p: Picker, np: Json): Json {
  if (p.chance(0.4)) return spec(np).podSelector as Json;
  const target = somePeer(p, np);
  if (target.ipBlock) {
    delete target.ipBlock;
    target.podSelector = {};
  }
  const key = target.namespaceSelector && (!target.podSelector || p.chance(0.5)) ? 'namespaceSelector' : 'podSelector';
  return ((target[key] as Json | undefined) ??= {});
}

const NAME_MUTATIONS: Mutation[] = [
  (p, np) => ((meta(np).name = 'Web'), 'names:uppercase'),
  (p, np) => ((meta(np).name = 'web_1'), 'names:underscore'),
  (p, np) => ((meta(np).name = 'a'.repeat(254)), 'names:254 bytes'),
  (p, np) => ((meta(np).name = 'a'.repeat(253)), 'names:253 bytes (valid)'),
  (p, np) => ((meta(np).name = 'é'.repeat(127)), 'names:127 two-byte characters'),
  (p, np) => ((meta(np).name = 'web-'), 'names:trailing dash'),
  (p, np) => ((meta(np).name = '.web'), 'names:leading dot'),
  (p, np) => ((meta(np).name = 'a..b'), 'names:double dot'),
  (p, np) => ((meta(np).name = 'web.db.x'), 'names:dots (valid)'),
  (p, np) => ((meta(np).name = 'a%b'), 'names:percent'),
  (p, np) => {
    delete meta(np).name;
    meta(np).generateName = p.one(['web-', 'Web-', 'a'.repeat(260), 'ok.']);
    return `names:generateName ${String(meta(np).generateName).slice(0, 8)}`;
  },
];

const NAMESPACE_MUTATIONS: Mutation[] = [
  (p, np, w) => ((w.namespace = meta(np).namespace = 'Shop'), 'namespaces:uppercase'),
  (p, np, w) => ((w.namespace = meta(np).namespace = 'n'.repeat(64)), 'namespaces:64 bytes'),
  (p, np, w) => ((w.namespace = meta(np).namespace = 'a.b'), 'namespaces:dot'),
  (p, np, w) => ((w.namespace = meta(np).namespace = 'team_a'), 'namespaces:underscore'),
  (p, np, w) => ((w.namespace = meta(np).namespace = '-team'), 'namespaces:leading dash'),
  (p, np, w) => ((w.namespace = meta(np).namespace = '1team'), 'namespaces:leading digit (valid)'),
  (p, np) => (delete meta(np).namespace, 'namespaces:from the request (valid)'),
];

const BAD_KEYS = ['-a', 'a/b/c', 'Example.com/a', '/a', 'a/', 'k'.repeat(64), `${'p'.repeat(254)}/k`, 'a b', 'é', 'kubernetes.io/'];
const BAD_VALUES = ['v'.repeat(64), '-v', 'v-', 'a b', 'é', 'a/b'];

const LABEL_MUTATIONS: Mutation[] = [
  (p, np) => ((meta(np).labels = { ...(meta(np).labels as Json | undefined), [p.one(BAD_KEYS)]: 'x' }), 'labels:key'),
  (p, np) => ((meta(np).labels = { ...(meta(np).labels as Json | undefined), app: p.one(BAD_VALUES) }), 'labels:value'),
  (p, np) => ((meta(np).annotations = { [p.one(BAD_KEYS)]: 'x' }), 'labels:annotation key'),
  (p, np) => ((meta(np).annotations = { 'Example.COM/Key': 'x', a_b: 'y' }), 'labels:annotation key case (valid)'),
];

const SELECTOR_MUTATIONS: Mutation[] = [
  (p, np) => ((someSelector(p, np).matchLabels = { [p.one(BAD_KEYS)]: 'x' }), 'selectors:matchLabels key'),
  (p, np) => ((someSelector(p, np).matchLabels = { app: p.one(BAD_VALUES) }), 'selectors:matchLabels value'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: 'app', operator: p.one(['Equals', 'in', 'exists', '', 'Gt']), values: ['1'] }]), 'selectors:operator'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: 'app', operator: p.one(['In', 'NotIn']) }]), 'selectors:In without values'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: 'app', operator: p.one(['In', 'NotIn']), values: [] }]), 'selectors:In with no values'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: 'app', operator: p.one(['Exists', 'DoesNotExist']), values: ['x'] }]), 'selectors:Exists with values'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: p.one(BAD_KEYS), operator: 'Exists' }]), 'selectors:expression key'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: 'app', operator: 'In', values: ['ok', p.one(BAD_VALUES)] }]), 'selectors:expression value'),
  (p, np) => ((someSelector(p, np).matchExpressions = [{ key: 'app', operator: 'In', values: ['a', 'a'] }]), 'selectors:repeated value (valid)'),
];

const PORT_MUTATIONS: Mutation[] = [
  (p, np) => ((somePort(p, np).port = p.one([0, 65536, -1, 100000])), 'ports:number out of range'),
  (p, np) => {
    const port = somePort(p, np);
    port.port = p.int(2, 65535);
    port.endPort = p.one([1, 0, (port.port as number) - 1, 65536]);
    return 'ports:endPort below port or out of range';
  },
  (p, np) => {
    const port = somePort(p, np);
    port.port = p.one(PORT_NAMES);
    port.endPort = 8080;
    return 'ports:endPort with a named port';
  },
  (p, np) => {
    const port = somePort(p, np);
    delete port.port;
    port.endPort = 8080;
    return 'ports:endPort without port';
  },
  (p, np) => {
    const port = somePort(p, np);
    port.port = 80;
    port.endPort = 80;
    return 'ports:endPort equal to port (valid)';
  },
];

const NAMED_PORT_MUTATIONS: Mutation[] = [
  (p, np) => ((somePort(p, np).port = p.one(['Http', 'a--b', '-a', 'a-', 'abcdefghijklmnop', '123', 'http_x', '', 'é', 'a'.repeat(40)])), 'named ports:invalid'),
  (p, np) => ((somePort(p, np).port = p.one(['a-b-c', 'x', 'abcdefghijklmno', '8080a'])), 'named ports:edge (valid)'),
];

const PROTOCOL_MUTATIONS: Mutation[] = [
  (p, np) => ((somePort(p, np).protocol = p.one(['tcp', 'ICMP', '', 'udp', 'SCTP ', 'HTTP'])), 'protocols:unsupported'),
];

const PEER_MUTATIONS: Mutation[] = [
  (p, np) => {
    const target = somePeer(p, np);
    for (const k of Object.keys(target)) delete target[k];
    return 'peers:empty peer';
  },
  (p, np) => {
    const target = somePeer(p, np);
    target.ipBlock = ipBlock(p);
    if (!target.podSelector && !target.namespaceSelector) target[p.one(['podSelector', 'namespaceSelector'])] = {};
    return 'peers:ipBlock with a selector';
  },
  (p, np) => {
    const target = somePeer(p, np);
    for (const k of Object.keys(target)) delete target[k];
    Object.assign(target, { ipBlock: ipBlock(p), podSelector: selector(p), namespaceSelector: selector(p) });
    return 'peers:ipBlock with both selectors';
  },
];

const IPBLOCK_MUTATIONS: Mutation[] = [
  (p, np) => ((someIPBlock(p, np).cidr = p.one(['', '10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'not-a-cidr', '10.0.0.0/-1', '1.2.3.4/ 8', '10.0.0.0/08'])), 'ipBlocks:cidr invalid'),
  (p, np) => ((someIPBlock(p, np).cidr = p.one(['10.0.0.1/8', '192.168.1.1/16', 'fd00::1/64'])), 'ipBlocks:cidr with host bits'),
  (p, np) => ((someIPBlock(p, np).cidr = p.one(['010.0.0.0/8', '10.000.0.0/16'])), 'ipBlocks:cidr leading zeros'),
  (p, np) => ((someIPBlock(p, np).cidr = p.one(['::ffff:10.0.0.0/104', '::ffff:192.168.0.0/120'])), 'ipBlocks:cidr IPv4-mapped IPv6'),
  (p, np) => {
    const b = someIPBlock(p, np);
    b.cidr = '10.0.0.0/16';
    b.except = [p.one(['10.1.0.0/24', '10.0.0.0/16', '10.0.0.0/8', '192.168.0.0/24', 'fd00::/64', 'bad', '', '10.0.0.0/33'])];
    return 'ipBlocks:except not a strict subset or invalid';
  },
  (p, np) => {
    const b = someIPBlock(p, np);
    b.cidr = '10.0.0.0/8';
    b.except = [p.one(['10.1.0.1/16', '010.1.0.0/16', '::ffff:10.1.0.0/112'])];
    return 'ipBlocks:except legacy form';
  },
  (p, np) => {
    const b = someIPBlock(p, np);
    b.cidr = '10.0.0.0/8';
    b.except = ['10.1.0.0/16', '10.1.0.0/16', '10.2.0.0/16'];
    return 'ipBlocks:except repeated (valid)';
  },
];

const POLICY_TYPE_MUTATIONS: Mutation[] = [
  (p, np) => ((spec(np).policyTypes = [p.one(['ingress', 'Foo', '', 'EGRESS'])]), 'policyTypes:unknown'),
  (p, np) => ((spec(np).policyTypes = ['Ingress', 'Egress', p.one(['Ingress', 'Foo'])]), 'policyTypes:three'),
  (p, np) => ((spec(np).policyTypes = ['Ingress', 'Ingress']), 'policyTypes:repeated (valid)'),
  (p, np) => ((spec(np).policyTypes = []), 'policyTypes:empty list (valid)'),
];

export const MUTATION_CATEGORIES: Readonly<Record<string, readonly Mutation[]>> = {
  names: NAME_MUTATIONS,
  namespaces: NAMESPACE_MUTATIONS,
  labels: LABEL_MUTATIONS,
  selectors: SELECTOR_MUTATIONS,
  ports: PORT_MUTATIONS,
  'named ports': NAMED_PORT_MUTATIONS,
  protocols: PROTOCOL_MUTATIONS,
  peers: PEER_MUTATIONS,
  ipBlocks: IPBLOCK_MUTATIONS,
  policyTypes: POLICY_TYPE_MUTATIONS,
};

/**
 * `count` policies from `seed`: about a quarter left valid, the rest with one mutation (one in
 * five with a second, from another category), every category in turn.
 */
export function generatePolicies(seed: number, count: number): GeneratedPolicy[] {
  const p = new Picker(seededRandom(seed));
  serial = 0;
  const categories = Object.keys(MUTATION_CATEGORIES);
  const out: GeneratedPolicy[] = [];
  for (let i = 0; i < count; i++) {
    const base = validPolicy(p);
    const where = { namespace: base.namespace };
    const mutations: string[] = [];
    if (i % 4 !== 0) {
      const first = categories[i % categories.length] as string;
      const picked = p.chance(0.2) ? [first, p.one(categories.filter((c) => c !== first))] : [first];
      for (const category of picked) mutations.push((p.one(MUTATION_CATEGORIES[category] as Mutation[]))(p, base.object, where) ?? '');
    }
    out.push({ namespace: where.namespace, object: base.object, mutations });
  }
  return out;
}
