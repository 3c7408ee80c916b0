/** Rules and directions: what each rule allows, why a direction is isolated, and what is denied. */
import type { NetworkPolicy } from '../../k8s/types.js';
import { allowsDns } from '../dns.js';
import { type Direction, type RuleAt, isolates, rulesOf } from '../walk.js';
import { peerOf, portOf } from './peers.js';
import type { DirectionExplanation, NamespaceExplanation, RuleExplanation } from './types.js';

const DNS_PORT_NAMES = ['dns', 'dns-tcp'];

function ruleOf(rule: RuleAt, submittedRule: RuleAt | undefined, ns: NamespaceExplanation): RuleExplanation {
  const field = rule.path.toString();
  const peerList = rule.peers ?? [];
  const portList = rule.ports ?? [];
  const peers = peerList.map((p, j) => peerOf(p, rule.path.child(rule.peersField).index(j).toString(), ns));
  const ports = portList.map((p, j) => portOf(p, submittedRule?.ports?.[j], rule.path.child('ports').index(j).toString(), rule.direction));
  const everyPeer = peers.length === 0;
  const everyPort = ports.length === 0;
  const ingress = rule.direction === 'ingress';
  const noun = ingress ? 'source' : 'destination';
  const prep = ingress ? 'from' : 'to';
  const peersText = everyPeer
    ? `${prep} every ${noun}, including addresses outside the cluster`
    : peers.length === 1
      ? `${prep} ${peers[0]?.text}`
      : `${prep} any of these ${peers.length} ${noun}s`;
  const portsText = everyPort ? 'on every port and protocol' : `on ${ports.map((p) => p.text).join(' or ')}`;
  const readings: string[] = [];
  if (peers.length > 1) readings.push(`The items are ORed: matching any one of them is enough.`);
  if (peers.length > 1 && !everyPort) readings.push(`The ports apply to every ${noun} of the rule.`);
  const nsOnly = peers.some((p) => p.kind === 'namespaces');
  const podOnly = peers.some((p) => p.kind === 'pods');
  if (nsOnly && podOnly) {
    readings.push(
      'A namespaceSelector item and a podSelector item written as two list items are separate (OR); to allow only those pods inside those namespaces, put both selectors in one item.',
    );
  }
  if (rule.peers?.length === 0) readings.push(`\`${rule.peersField}: []\` is an empty list, which means every ${noun}.`);
  if (rule.ports?.length === 0) readings.push('`ports: []` is an empty list, which means every port.');
  const number = rule.index + 1;
  let text = `Rule ${number} allows connections ${peersText}, ${portsText}`;
  if (peers.length > 1) text += `: ${peers.map((p, i) => `(${i + 1}) ${p.text}`).join('; ')}`;
  return { field, number, everyPeer, peers, everyPort, ports, peersText, portsText, reading: readings.join(' '), text: `${text}.` };
}

function typesWritten(sub: NetworkPolicy): boolean {
  return (sub.spec?.policyTypes?.length ?? 0) > 0;
}

function reasonOf(np: NetworkPolicy, sub: NetworkPolicy, direction: Direction, isolated: boolean): string {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  if (typesWritten(sub)) return isolated ? `policyTypes lists ${type}.` : `policyTypes does not list ${type}.`;
  const omitted = sub.spec?.policyTypes === undefined ? 'policyTypes was omitted' : 'policyTypes was empty';
  if (direction === 'ingress') {
    const egressOnly = (np.spec?.ingress?.length ?? 0) === 0 && (np.spec?.egress?.length ?? 0) > 0;
    const hint = egressOnly
      ? ' This policy has no ingress rules, so it denies all ingress to these pods; if only egress was meant, write policyTypes: [Egress].'
      : '';
    return `${omitted}, and the API server always infers Ingress.${hint}`;
  }
  if (isolated) return `${omitted}, and the API server inferred Egress because the policy has egress rules.`;
  if (sub.spec?.egress !== undefined) {
    return `${omitted}, and \`egress: []\` is an empty list: Egress is inferred only when egress rules exist, so it isolates nothing. To deny all egress, write policyTypes: [Ingress, Egress].`;
  }
  return `${omitted}, and the policy has no egress rules, so Egress was not inferred.`;
}

export function directionOf(np: NetworkPolicy, sub: NetworkPolicy, direction: Direction, ns: NamespaceExplanation): DirectionExplanation {
  const isolated = isolates(np, direction);
  const subRules = rulesOf(sub, direction);
  const rules = rulesOf(np, direction).map((r, i) => ruleOf(r, subRules[i], ns));
  const allowAll = rules.find((r) => r.everyPeer && r.everyPort);
  const base = {
    direction,
    isolated,
    policyTypes: typesWritten(sub) ? ('explicit' as const) : ('inferred' as const),
    reason: reasonOf(np, sub, direction, isolated),
    rules,
    allowsEverything: isolated && allowAll !== undefined,
  };
  const to = direction === 'ingress' ? 'ingress to these pods' : 'egress from these pods';
  if (!isolated) {
    const unused = rules.length > 0 ? ` Its ${rules.length} ${direction} rule${rules.length === 1 ? ' has' : 's have'} no effect.` : '';
    return { ...base, consequence: `This policy does not restrict ${to}.${unused}` };
  }
  if (allowAll) {
    return {
      ...base,
      consequence: `Nothing is denied: rule ${allowAll.number} allows every ${direction === 'ingress' ? 'source' : 'destination'} on every port, so all ${to} is allowed, whatever other policies that select these pods say.`,
    };
  }
  const prefix = rules.length === 0 ? `All ${to} is denied` : `All other ${to} is denied`;
  if (direction === 'ingress') return { ...base, consequence: `${prefix}.` };
  const namespace = ns.name ?? '';
  const udp = allowsDns(np, 'UDP', DNS_PORT_NAMES, namespace);
  const tcp = allowsDns(np, 'TCP', DNS_PORT_NAMES, namespace);
  let dns = '';
  if (!udp && !tcp) dns = rules.length === 0 ? ', DNS lookups included' : ', DNS lookups included: no rule allows port 53 to where the cluster DNS runs';
  else if (!udp || !tcp) dns = `, including DNS over ${udp ? 'TCP' : 'UDP'}: port 53 is allowed over ${udp ? 'UDP' : 'TCP'} only`;
  return { ...base, consequence: `${prefix}${dns}.` };
}
