/**
 * `explain`: golden text and JSON for the seed documents' own examples (run with
 * UPDATE_GOLDEN=1 to rewrite them after an intended wording change), then targeted assertions
 * on the readings that matter: AND vs OR peers, inferred policyTypes, defaulting, denials.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { renderExplanationJson, renderExplanationText, renderExplanationsText } from '../../src/cli/explain-render.js';
import { type Explanation, explainNetworkPolicy } from '../../src/netpol/explain/index.js';
import { lineOf, loadYamlDocuments } from '../../src/yaml/locate.js';
import { validPolicyArb } from '../helpers/arbitraries.js';
import { CD, makeNetworkPolicy, port, withEgressPorts, withIngressPorts, withPodSelector } from '../helpers/netpol.js';

const seedDir = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
const explainDir = fileURLToPath(new URL('../fixtures/explain/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

/** Seed fixtures with golden output; every one parses, several hold the seeds' typos. */
const SEED_FIXTURES = [
  '000-prometheus-k8s.yaml',
  '002-allow-myapp-ingress.yaml',
  '002-allow-tomcat-egress.yaml',
  '002-deny-all-traffic.yaml',
  '002-myapp-nginx-policies.yaml',
  '003-allow-all-ingress.yaml',
  '003-allow-all-ingress-egress.yaml',
  '003-balance-egress-dns-all-namespaces.yaml',
  '003-deny-all-egress.yaml',
  '003-deny-all-ingress.yaml',
  '003-egress-any-except-pod-cidr.yaml',
  '003-metadata-namespace-fragment.yaml',
  '003-named-port.yaml',
  '003-postgres-any-namespace-pod.yaml',
  '003-postgres-namespace-and-pod.yaml',
  '003-postgres-two-peers.yaml',
  '004-allow-all-egress.yaml',
  '004-default-deny-all.yaml',
  '004-test-network-policy.yaml',
];

/** Cases the seeds lack: `egress: []`, selector expressions and port ranges, an undecodable object. */
const OWN_FIXTURES = ['egress-empty-list.yaml', 'expressions-and-ranges.yaml', 'undecodable.yaml'];

interface Loaded {
  readonly explanations: Explanation[];
  readonly text: string;
  readonly json: string;
}

function load(path: string): Loaded {
  const docs = loadYamlDocuments(readFileSync(path, 'utf8'), path);
  const explanations = docs.map((d) => explainNetworkPolicy(d.value));
  const lineOpts = docs.map((d) => ({ lineOf: (field: string) => lineOf(d, field) }));
  return {
    explanations,
    text: renderExplanationsText(explanations, lineOpts),
    json: renderExplanationJson(explanations.length === 1 ? (explanations[0] as Explanation) : explanations),
  };
}

const seed = (file: string): Explanation => load(seedDir + file).explanations[0] as Explanation;
const own = (file: string): Explanation => load(`${explainDir}inputs/${file}`).explanations[0] as Explanation;
const doc = (file: string): unknown => loadYamlDocuments(readFileSync(seedDir + file, 'utf8'))[0]?.value;

function compareGolden(t: Test, name: string, actual: string): void {
  const goldenPath = explainDir + name;
  if (update) {
    writeFileSync(goldenPath, actual);
    t.pass(`wrote ${name}`);
    return;
  }
  if (!existsSync(goldenPath)) {
    t.fail(`missing golden file test/fixtures/explain/${name}; run with UPDATE_GOLDEN=1`);
    return;
  }
  t.equal(actual, readFileSync(goldenPath, 'utf8'), name);
}

t.test('golden: the seeds\' own examples', async (t) => {
  for (const file of SEED_FIXTURES) {
    const base = file.replace(/\.yaml$/, '');
    const out = load(seedDir + file);
    compareGolden(t, `${base}.txt`, out.text);
    compareGolden(t, `${base}.json`, out.json);
  }
});

t.test('golden: cases the seeds lack', async (t) => {
  for (const file of OWN_FIXTURES) {
    const base = file.replace(/\.yaml$/, '');
    const out = load(`${explainDir}inputs/${file}`);
    compareGolden(t, `${base}.txt`, out.text);
    compareGolden(t, `${base}.json`, out.json);
  }
});

t.test('AND: both selectors in one item are one peer, read in one sentence', async (t) => {
  const e = seed('003-postgres-namespace-and-pod.yaml');
  const rule = e.ingress?.rules[0];
  t.equal(rule?.peers.length, 1, 'one peer');
  const peer = rule?.peers[0];
  t.equal(peer?.kind, 'pods-in-namespaces');
  t.equal(peer?.text, 'pods labelled app=admin in namespaces labelled namespace=default');
  t.match(peer?.reading, /ANDed/);
  t.notMatch(rule?.text, /any of/, 'not presented as a choice');
  const sentence = rule?.text.split('. ')[0] ?? '';
  t.match(sentence, /pods labelled app=admin in namespaces labelled namespace=default/, 'one sentence for the one peer');
  const text = renderExplanationText(e);
  const line = text.split('\n').find((l) => l.includes('Rule 1'));
  t.match(line, /from pods labelled app=admin in namespaces labelled namespace=default, on every port and protocol\./);
});

t.test('OR: two items are two peers, each enough on its own', async (t) => {
  const e = seed('003-postgres-two-peers.yaml');
  const rule = e.ingress?.rules[0];
  t.equal(rule?.peers.length, 2, 'two peers');
  t.same(
    rule?.peers.map((p) => [p.kind, p.text]),
    [
      ['pods', "pods labelled app=indexer in this policy's own namespace (default)"],
      ['pods', "pods labelled app=admin in this policy's own namespace (default)"],
    ],
  );
  t.match(rule?.reading, /ORed/);
  t.match(rule?.peersText, /any of these 2 sources/);
  const bullets = renderExplanationText(e).split('\n').filter((l) => /^\s+- pods labelled/.test(l));
  t.equal(bullets.length, 2, 'one bullet per peer');
});

t.test('OR with a namespaceSelector-only item and a podSelector-only item points at the AND form', async (t) => {
  const rule = seed('004-test-network-policy.yaml').ingress?.rules[0];
  t.same(rule?.peers.map((p) => p.kind), ['ip-block', 'namespaces', 'pods']);
  t.equal(rule?.peers[1]?.text, 'every pod in namespaces labelled project=myproject');
  t.match(rule?.reading, /put both selectors in one item/);
  t.match(rule?.reading, /The ports apply to every source/);
});

t.test('inferred policyTypes are flagged as inferred', async (t) => {
  const e = seed('004-allow-all-egress.yaml');
  t.equal(e.ingress?.policyTypes, 'inferred');
  t.equal(e.egress?.policyTypes, 'inferred');
  t.equal(e.ingress?.isolated, true, 'Ingress is always inferred');
  t.match(e.ingress?.reason, /always infers Ingress.*policyTypes: \[Egress\]/);
  t.equal(e.ingress?.consequence, 'All ingress to these pods is denied.');
  t.match(e.egress?.reason, /inferred Egress because the policy has egress rules/);
  t.equal(e.egress?.allowsEverything, true);
  t.ok(e.defaulting.some((d) => d.field === 'spec.policyTypes' && JSON.stringify(d.value) === '["Ingress","Egress"]'));
  t.match(renderExplanationText(e), /isolated \[policyTypes inferred\]/);
  const written = seed('003-postgres-namespace-and-pod.yaml');
  t.equal(written.ingress?.policyTypes, 'explicit');
  t.notMatch(renderExplanationText(written), /inferred/);
});

t.test('egress: [] without policyTypes isolates nothing, and says so', async (t) => {
  const e = own('egress-empty-list.yaml');
  t.equal(e.egress?.isolated, false);
  t.equal(e.egress?.policyTypes, 'inferred');
  t.match(e.egress?.reason, /`egress: \[\]`.*isolates nothing/);
  t.equal(e.egress?.consequence, 'This policy does not restrict egress from these pods.');
  t.match(e.defaulting.find((d) => d.field === 'spec.policyTypes')?.text, /not Egress, because `egress: \[\]` holds no rules/);
});

t.test('defaulting lists the added protocol', async (t) => {
  const e = seed('003-named-port.yaml');
  t.same(
    e.defaulting.map((d) => [d.op, d.field, d.value]),
    [['add', 'spec.ingress[0].ports[0].protocol', 'TCP']],
  );
  t.match(e.defaulting[0]?.text, /protocol TCP added to spec\.ingress\[0\]\.ports\[0\] \(port my-http\)/);
  const p = e.ingress?.rules[0]?.ports[0];
  t.equal(p?.protocolDefaulted, true);
  t.equal(p?.text, "the selected pods' TCP container port named my-http");
  t.ok(e.notes.some((n) => n.startsWith('A named port is looked up on each pod')));
  t.same(seed('003-postgres-two-peers.yaml').defaulting, [], 'nothing to add');
  const dns53 = explainNetworkPolicy(makeNetworkPolicy(withEgressPorts(port(undefined, 53))));
  t.match(dns53.defaulting.find((d) => d.field.endsWith('protocol'))?.text, /DNS lookups start over UDP/);
});

t.test('ipBlock with except, and every-IPv4 blocks', async (t) => {
  const e = seed('002-allow-myapp-ingress.yaml');
  t.equal(e.ingress?.rules[0]?.peers[0]?.text, 'addresses in 10.244.0.0/16 except 10.244.3.0/24');
  t.equal(e.ingress?.rules[0]?.portsText, 'on TCP 80');
  const any = seed('003-egress-any-except-pod-cidr.yaml');
  t.equal(any.egress?.rules[0]?.peers[0]?.text, 'addresses in 0.0.0.0/0 (every IPv4 address) except 10.16.0.0/14');
  t.ok(any.notes.some((n) => n.startsWith('except only narrows')));
});

t.test('what is denied', async (t) => {
  const denyIngress = seed('003-deny-all-ingress.yaml');
  t.equal(denyIngress.ingress?.consequence, 'All ingress to these pods is denied.');
  t.equal(denyIngress.selects?.text, 'every pod in namespace default');
  t.match(seed('003-deny-all-egress.yaml').egress?.consequence, /^All egress from these pods is denied, DNS lookups included/);
  t.match(seed('004-test-network-policy.yaml').egress?.consequence, /^All other egress from these pods is denied, DNS lookups included/);
  t.match(seed('003-balance-egress-dns-all-namespaces.yaml').egress?.consequence, /DNS over TCP/);
  t.equal(own('expressions-and-ranges.yaml').egress?.consequence, 'All other egress from these pods is denied.', 'DNS allowed');
  const allowAll = seed('003-allow-all-ingress.yaml');
  t.equal(allowAll.ingress?.allowsEverything, true);
  t.match(allowAll.ingress?.rules[0]?.text, /every source, including addresses outside the cluster, on every port and protocol/);
  t.match(allowAll.ingress?.consequence, /^Nothing is denied/);
  t.ok(allowAll.notes.some((n) => n.startsWith('Policies are additive')));
});

t.test('selectors and ports in words', async (t) => {
  const e = own('expressions-and-ranges.yaml');
  t.equal(e.selects?.selector.text, 'labelled app=api and tier!=db and (env=prod or env=staging) and without a label canary,');
  t.equal(e.selects?.text, "pods labelled app=api and tier!=db and (env=prod or env=staging) and without a label canary, in kubectl's current namespace");
  const rule2 = e.egress?.rules[1];
  t.equal(rule2?.peers[0]?.text, 'every pod in namespaces with a label team (any value)');
  t.same(rule2?.ports.map((p) => p.text), ['TCP ports 30000-32767', 'every UDP port']);
  const dns = e.egress?.rules[0]?.peers[0];
  t.equal(dns?.text, 'pods labelled k8s-app=kube-dns in namespaces labelled kubernetes.io/metadata.name=kube-system');
  const anyNs = seed('003-postgres-any-namespace-pod.yaml').ingress?.rules[0]?.peers[0];
  t.equal(anyNs?.text, 'pods labelled app=admin in every namespace');
  t.match(anyNs?.reading, /anyone who can create a pod labelled app=admin in any namespace/);
  const podsAll = explainNetworkPolicy(makeNetworkPolicy(withPodSelector({}), withIngressPorts(port('TCP', 443))));
  t.equal(podsAll.selects?.text, 'every pod in namespace bar');
  t.equal(podsAll.ingress?.rules[0]?.text, 'Rule 1 allows connections from every source, including addresses outside the cluster, on TCP 443.');
  const emptyFrom = explainNetworkPolicy(makeNetworkPolicy((np) => void (np.spec = { podSelector: CD, ingress: [{ from: [], ports: [] }] })));
  t.match(emptyFrom.ingress?.rules[0]?.reading, /`from: \[\]` is an empty list, which means every source/);
  t.match(emptyFrom.ingress?.rules[0]?.reading, /`ports: \[\]` is an empty list, which means every port/);
});

t.test('namespace: from the object, assumed, or kubectl\'s current one', async (t) => {
  const allowAll = doc('004-allow-all-egress.yaml');
  t.same(explainNetworkPolicy(allowAll).namespace, {
    name: null,
    source: 'current',
    text: "kubectl's current namespace (the object names no namespace)",
  });
  const assumed = explainNetworkPolicy(allowAll, { namespace: 'dev' });
  t.equal(assumed.namespace.source, 'assumed');
  t.match(assumed.namespace.text, /namespace dev \(assumed/);
  t.equal(assumed.selects?.text, 'every pod in namespace dev');
  t.same(explainNetworkPolicy(allowAll).problems, [], 'no "namespace required" error when kubectl will fill it in');
  const mismatch = explainNetworkPolicy(doc('003-deny-all-ingress.yaml'), { namespace: 'dev' });
  t.equal(mismatch.namespace.name, 'default');
  t.same(mismatch.problems.map((p) => p.kind), ['namespace-mismatch']);
});

t.test('problems: typos, wrong kinds, undecodable objects', async (t) => {
  const typo = seed('002-deny-all-traffic.yaml');
  t.equal(typo.decoded, true, 'explained without the unknown field');
  t.same(typo.problems.map((p) => [p.kind, p.field]), [['unknown-field', 'spec.Ingress']]);
  t.match(typo.problems[0]?.consequence, /did you mean "ingress"/);
  t.match(seed('002-allow-tomcat-egress.yaml').problems[0]?.consequence, /no matches for kind/);
  const broken = own('undecodable.yaml');
  t.equal(broken.decoded, false);
  t.equal(broken.ingress, null);
  t.match(broken.problems[0]?.message, /spec\.ingress\[0\]\.ports: expected a list/);
  t.match(renderExplanationText(broken), /cannot be explained/);
  const invalid = explainNetworkPolicy(makeNetworkPolicy(withIngressPorts(port('TCP', 100, 80))));
  t.same(invalid.problems.map((p) => p.kind), ['invalid']);
  t.match(invalid.summary, /would not accept it/);
});

t.test('never throws; the result is plain JSON and renders', async (t) => {
  for (const value of [undefined, null, 0, 'x', [], {}, { spec: [] }, { spec: { podSelector: 'x' } }, { kind: 'Pod' }]) {
    const e = explainNetworkPolicy(value);
    t.doesNotThrow(() => renderExplanationText(e), JSON.stringify(value) ?? 'undefined');
  }
  const roundTrips = (e: Explanation): boolean => JSON.stringify(JSON.parse(JSON.stringify(e))) === JSON.stringify(e);
  fc.assert(
    fc.property(fc.oneof(validPolicyArb, fc.anything()), (value) => {
      const e = explainNetworkPolicy(value);
      renderExplanationText(e);
      return roundTrips(e) && (e.decoded ? e.ingress !== null && e.egress !== null : e.problems.length > 0);
    }),
    { seed: 20261124, numRuns: 500 },
  );
  const e = seed('004-test-network-policy.yaml');
  t.same(JSON.parse(renderExplanationJson(e)), e, '-o json is the Explanation itself');
});
