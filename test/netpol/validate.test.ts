/**
 * NetworkPolicy validation, translated from Kubernetes' own TestValidateNetworkPolicy and
 * TestValidateNetworkPolicyUpdate, plus cases for every rule. Each case asserts the exact set of
 * (type, field) pairs; wording is pinned in validate-golden.test.ts.
 */
import t from 'tap';
import type { ErrorList } from '../../src/k8s/field.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import { validateNetworkPolicy, validateNetworkPolicyUpdate, validationOptionsFor } from '../../src/netpol/validate.js';
import {
  CD,
  INVALID_SELECTOR,
  IPV4_BLOCK,
  IPV6_BLOCK,
  fromIPBlock,
  fromNamespaceSelector,
  fromPodSelector,
  makeNetworkPolicy,
  port,
  toIPBlock,
  toNamespaceSelector,
  toPodSelector,
  withEgressEmptyPeer,
  withEgressPorts,
  withIngressEmptyPeer,
  withIngressEmptyRule,
  withIngressPorts,
  withPodSelector,
  withPolicyTypes,
} from '../helpers/netpol.js';

const pairs = (errs: ErrorList): string[] => errs.map((e) => `${e.type} ${e.field}`).sort();

function validate(np: NetworkPolicy): ErrorList {
  return validateNetworkPolicy(np, validationOptionsFor(undefined));
}

t.test('upstream success cases', async (t) => {
  const cases: Record<string, NetworkPolicy> = {
    'empty ingress rule': makeNetworkPolicy(withIngressEmptyRule),
    'empty peer list and one empty port': makeNetworkPolicy((np) => {
      np.spec!.ingress = [{ from: [], ports: [{}] }];
    }),
    'ports of every kind': makeNetworkPolicy(
      withIngressPorts(port(undefined, 80), port('TCP'), port('TCP', 443), port('UDP', 'dns'), port('SCTP', 7777)),
    ),
    'ingress from podSelector': makeNetworkPolicy(fromPodSelector(CD)),
    'ingress from namespaceSelector': makeNetworkPolicy(fromNamespaceSelector(CD)),
    'ingress from both selectors in one peer': makeNetworkPolicy(fromPodSelector({ matchLabels: { e: 'f' } }), fromNamespaceSelector(CD)),
    'egress to namespace, ingress from IPv4 block': makeNetworkPolicy(toNamespaceSelector(CD), fromIPBlock(IPV4_BLOCK)),
    'ingress from IPv4 block': makeNetworkPolicy(fromIPBlock(IPV4_BLOCK)),
    'egress to IPv4 block, policyTypes Egress': makeNetworkPolicy(toIPBlock(IPV4_BLOCK), withPolicyTypes('Egress')),
    'egress to IPv4 block, policyTypes both': makeNetworkPolicy(toIPBlock(IPV4_BLOCK), withPolicyTypes('Ingress', 'Egress')),
    'egress ports of every kind': makeNetworkPolicy(
      withEgressPorts(port(undefined, 80), port('TCP'), port('TCP', 443), port('UDP', 'dns'), port('SCTP', 7777)),
    ),
    'egress to namespace, ingress from IPv6 block': makeNetworkPolicy(toNamespaceSelector(CD), fromIPBlock(IPV6_BLOCK)),
    'ingress from IPv6 block': makeNetworkPolicy(fromIPBlock(IPV6_BLOCK)),
    'egress to IPv6 block, policyTypes Egress': makeNetworkPolicy(toIPBlock(IPV6_BLOCK), withPolicyTypes('Egress')),
    'egress to IPv6 block, policyTypes both': makeNetworkPolicy(toIPBlock(IPV6_BLOCK), withPolicyTypes('Ingress', 'Egress')),
    'port range and named port': makeNetworkPolicy(withEgressPorts(port(undefined, 32000, 32768), port('UDP', 'dns'))),
    'several port ranges': makeNetworkPolicy(
      toNamespaceSelector(CD),
      withEgressPorts(port(undefined, 30000, 32768), port(undefined, 32000, 32768)),
      fromPodSelector({ matchLabels: { e: 'f' } }),
      withIngressPorts(port('TCP', 32768, 32768)),
    ),
    'empty selectors count as set': makeNetworkPolicy(fromPodSelector({}), fromNamespaceSelector({})),
    'no spec at all': { metadata: { name: 'foo', namespace: 'bar' } },
    'selector expressions': makeNetworkPolicy(
      withPodSelector({
        matchExpressions: [
          { key: 'app', operator: 'In', values: ['a', 'b'] },
          { key: 'tier', operator: 'NotIn', values: ['db'] },
          { key: 'example.com/owner', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      }),
    ),
  };
  for (const [name, np] of Object.entries(cases)) t.same(pairs(validate(np)), [], name);
});

t.test('upstream error cases', async (t) => {
  const inv = 'FieldValueInvalid';
  const cases: Record<string, [NetworkPolicy, string[]]> = {
    'namespaceSelector and ipBlock': [
      makeNetworkPolicy(fromNamespaceSelector(CD), fromIPBlock(IPV4_BLOCK)),
      ['FieldValueForbidden spec.ingress[0].from[0]'],
    ],
    'podSelector and ipBlock': [
      makeNetworkPolicy(toPodSelector(CD), toIPBlock(IPV4_BLOCK)),
      ['FieldValueForbidden spec.egress[0].to[0]'],
    ],
    'missing from and to type': [
      makeNetworkPolicy(withIngressEmptyPeer, withEgressEmptyPeer),
      ['FieldValueRequired spec.egress[0].to[0]', 'FieldValueRequired spec.ingress[0].from[0]'],
    ],
    'invalid spec.podSelector': [
      { metadata: { name: 'foo', namespace: 'bar' }, spec: { podSelector: INVALID_SELECTOR } },
      [`${inv} spec.podSelector.matchLabels`],
    ],
    'invalid ingress.ports.protocol': [
      makeNetworkPolicy(withIngressPorts(port('ICMP', 80))),
      ['FieldValueNotSupported spec.ingress[0].ports[0].protocol'],
    ],
    'invalid ingress.ports.port (int)': [
      makeNetworkPolicy(withIngressPorts(port('TCP', 123456789))),
      [`${inv} spec.ingress[0].ports[0].port`],
    ],
    'invalid ingress.ports.port (str)': [
      makeNetworkPolicy(withIngressPorts(port('TCP', '!@#$'))),
      [`${inv} spec.ingress[0].ports[0].port`, `${inv} spec.ingress[0].ports[0].port`],
    ],
    'invalid ingress.from.podSelector': [
      makeNetworkPolicy(fromPodSelector(INVALID_SELECTOR)),
      [`${inv} spec.ingress[0].from[0].podSelector.matchLabels`],
    ],
    'invalid egress.to.podSelector': [
      makeNetworkPolicy(toPodSelector(INVALID_SELECTOR)),
      [`${inv} spec.egress[0].to[0].podSelector.matchLabels`],
    ],
    'invalid egress.ports.protocol': [
      makeNetworkPolicy(withEgressPorts(port('ICMP', 80))),
      ['FieldValueNotSupported spec.egress[0].ports[0].protocol'],
    ],
    'invalid egress.ports.port (int)': [
      makeNetworkPolicy(withEgressPorts(port('TCP', 123456789))),
      [`${inv} spec.egress[0].ports[0].port`],
    ],
    'invalid egress.ports.port (str)': [
      makeNetworkPolicy(withEgressPorts(port('TCP', '!@#$'))),
      [`${inv} spec.egress[0].ports[0].port`, `${inv} spec.egress[0].ports[0].port`],
    ],
    'invalid ingress.from.namespaceSelector': [
      makeNetworkPolicy(fromNamespaceSelector(INVALID_SELECTOR)),
      [`${inv} spec.ingress[0].from[0].namespaceSelector.matchLabels`],
    ],
    'missing cidr field': [
      makeNetworkPolicy(fromIPBlock({ ...IPV4_BLOCK, cidr: '' })),
      ['FieldValueRequired spec.ingress[0].from[0].ipBlock.cidr'],
    ],
    'invalid cidr format': [
      makeNetworkPolicy(fromIPBlock({ ...IPV4_BLOCK, cidr: '192.168.5.6' })),
      [`${inv} spec.ingress[0].from[0].ipBlock.cidr`],
    ],
    'invalid ipv6 cidr format': [
      makeNetworkPolicy(fromIPBlock({ ...IPV6_BLOCK, cidr: 'fd00:192:168::' })),
      [`${inv} spec.ingress[0].from[0].ipBlock.cidr`],
    ],
    'except field is an empty string': [
      makeNetworkPolicy(fromIPBlock({ cidr: IPV4_BLOCK.cidr, except: [''] })),
      [`${inv} spec.ingress[0].from[0].ipBlock.except[0]`],
    ],
    'except field is a space': [
      makeNetworkPolicy(fromIPBlock({ cidr: IPV4_BLOCK.cidr, except: [' '] })),
      [`${inv} spec.ingress[0].from[0].ipBlock.except[0]`],
    ],
    'except field is an invalid ip': [
      makeNetworkPolicy(fromIPBlock({ cidr: IPV4_BLOCK.cidr, except: ['300.300.300.300'] })),
      [`${inv} spec.ingress[0].from[0].ipBlock.except[0]`],
    ],
    'except IP is outside of CIDR range': [
      makeNetworkPolicy(fromIPBlock({ cidr: '192.168.8.0/24', except: ['192.168.9.1/32'] })),
      [`${inv} spec.ingress[0].from[0].ipBlock.except[0]`],
    ],
    'except IP is not strictly within CIDR range': [
      makeNetworkPolicy(fromIPBlock({ cidr: '192.168.0.0/24', except: ['192.168.0.0/24'] })),
      [`${inv} spec.ingress[0].from[0].ipBlock.except[0]`],
    ],
    'except IPv6 is outside of CIDR range': [
      makeNetworkPolicy(fromIPBlock({ cidr: 'fd00:192:168:1::/64', except: ['fd00:192:168:2::/64'] })),
      [`${inv} spec.ingress[0].from[0].ipBlock.except[0]`],
    ],
    'invalid policyTypes': [
      makeNetworkPolicy(toIPBlock(IPV4_BLOCK), withPolicyTypes('foo', 'bar')),
      ['FieldValueNotSupported spec.policyTypes[0]', 'FieldValueNotSupported spec.policyTypes[1]'],
    ],
    'too many policyTypes': [
      makeNetworkPolicy(toIPBlock(IPV4_BLOCK), withPolicyTypes('foo', 'bar', 'baz')),
      [`${inv} spec.policyTypes`],
    ],
    'multiple ports defined, one port range is invalid': [
      makeNetworkPolicy(toNamespaceSelector(CD), withEgressPorts(port('UDP', 35000, 32768), port(undefined, 32000, 32768))),
      [`${inv} spec.egress[0].ports[0].endPort`],
    ],
    'endPort defined with named/string port': [
      makeNetworkPolicy(toNamespaceSelector(CD), withEgressPorts(port('UDP', 'dns', 32768), port(undefined, 32000, 32768))),
      [`${inv} spec.egress[0].ports[0].endPort`],
    ],
    'endPort defined without port defined': [
      makeNetworkPolicy(toNamespaceSelector(CD), withEgressPorts(port('TCP', undefined, 32768))),
      [`${inv} spec.egress[0].ports[0].endPort`],
    ],
    'port is greater than endPort': [
      makeNetworkPolicy(toNamespaceSelector(CD), withEgressPorts(port('SCTP', 35000, 32768))),
      [`${inv} spec.egress[0].ports[0].endPort`],
    ],
    'multiple invalid port ranges defined': [
      makeNetworkPolicy(
        toNamespaceSelector(CD),
        withEgressPorts(port('UDP', 35000, 32768), port('TCP', undefined, 32768), port('TCP', 'https', 32768)),
      ),
      [`${inv} spec.egress[0].ports[0].endPort`, `${inv} spec.egress[0].ports[1].endPort`, `${inv} spec.egress[0].ports[2].endPort`],
    ],
    'invalid endport range defined': [
      makeNetworkPolicy(toNamespaceSelector(CD), withEgressPorts(port('TCP', 30000, 65537))),
      [`${inv} spec.egress[0].ports[0].endPort`],
    ],
  };
  for (const [name, [np, want]] of Object.entries(cases)) t.same(pairs(validate(np)), [...want].sort(), name);
});

t.test('ports', async (t) => {
  const at = 'spec.ingress[0].ports[0]';
  const check = (p: Parameters<typeof port>, want: string[], name: string) =>
    t.same(pairs(validate(makeNetworkPolicy(withIngressPorts(port(...p))))), want.sort(), name);
  check(['TCP', 1], [], 'lowest port');
  check(['TCP', 65535], [], 'highest port');
  check(['TCP', 0], [`FieldValueInvalid ${at}.port`], 'port 0');
  check(['TCP', 65536], [`FieldValueInvalid ${at}.port`], 'port 65536');
  check(['TCP', -1], [`FieldValueInvalid ${at}.port`], 'negative port');
  check(['TCP', '80'], [`FieldValueInvalid ${at}.port`], 'a number as a string is a name without a letter');
  check(['TCP', 'http'], [], 'a named port');
  check(['TCP', 'a-very-long-port-name'], [`FieldValueInvalid ${at}.port`], 'names are at most 15 characters');
  check(['TCP', 'Http'], [`FieldValueInvalid ${at}.port`], 'names are lower case');
  check(['TCP', 'my--port'], [`FieldValueInvalid ${at}.port`], 'no double hyphen');
  check(['TCP', '-web'], [`FieldValueInvalid ${at}.port`], 'no leading hyphen');
  check(['tcp', 80], [`FieldValueNotSupported ${at}.protocol`], 'protocol is case sensitive');
  check(['', 80], [`FieldValueNotSupported ${at}.protocol`], 'empty protocol');
  check(['SCTP', 80], [], 'SCTP');
  check(['TCP', 80, 80], [], 'a one-port range');
  check(['TCP', 80, 0], [`FieldValueInvalid ${at}.endPort`, `FieldValueInvalid ${at}.endPort`], 'endPort 0: below port and out of range');
  check(['TCP', 0, 0], [`FieldValueInvalid ${at}.port`, `FieldValueInvalid ${at}.endPort`], 'both zero');
});

t.test('peers and selectors', async (t) => {
  t.same(pairs(validate(makeNetworkPolicy(fromIPBlock(IPV4_BLOCK), fromPodSelector({})))), ['FieldValueForbidden spec.ingress[0].from[0]'], 'an empty selector counts as set');
  t.same(
    pairs(validate(makeNetworkPolicy(fromIPBlock(IPV4_BLOCK), fromPodSelector({}), fromNamespaceSelector({})))),
    ['FieldValueForbidden spec.ingress[0].from[0]'],
    'one Forbidden however many selectors',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] })))),
    ['FieldValueRequired spec.podSelector.matchExpressions[0].values'],
    'In needs values',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] })))),
    ['FieldValueRequired spec.podSelector.matchExpressions[0].values'],
    'NotIn needs values',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })))),
    ['FieldValueForbidden spec.podSelector.matchExpressions[0].values'],
    'Exists must not have values',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist', values: ['x'] }] })))),
    ['FieldValueForbidden spec.podSelector.matchExpressions[0].values'],
    'DoesNotExist must not have values',
  );
  t.equal(
    validate(makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] })))
      .filter((e) => e.field === 'spec.podSelector.matchExpressions[0].operator').length,
    1,
    'unknown operators are rejected',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['not valid!'] }] })))),
    ['FieldValueInvalid spec.podSelector.matchExpressions[0].values[0]'],
    'selector values must be label values',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchLabels: { app: 'x'.repeat(64) } })))),
    ['FieldValueInvalid spec.podSelector.matchLabels'],
    'label values are at most 63 characters',
  );
  t.same(
    pairs(validate(makeNetworkPolicy(withPodSelector({ matchLabels: { 'Example.com/app': 'x' } })))),
    ['FieldValueInvalid spec.podSelector.matchLabels'],
    'label key prefixes are lower-case DNS subdomains',
  );
});

t.test('strict CIDR validation', async (t) => {
  const cidr = 'spec.egress[0].to[0].ipBlock.cidr';
  const check = (value: string, want: string[], name: string) =>
    t.same(pairs(validate(makeNetworkPolicy(toIPBlock({ cidr: value })))), want, name);
  check('10.0.0.0/8', [], 'canonical IPv4');
  check('0.0.0.0/0', [], 'everything IPv4');
  check('::/0', [], 'everything IPv6');
  check('2001:db8::/32', [], 'canonical IPv6');
  check('2001:DB8::/32', [], 'upper-case IPv6 is valid (only warned about)');
  check('10.0.0.1/32', [], 'a single address');
  check('10.1.2.3/8', [`FieldValueInvalid ${cidr}`], 'host bits set');
  check('010.0.0.0/8', [`FieldValueInvalid ${cidr}`], 'leading zero in an octet');
  check('10.0.0.0/08', [`FieldValueInvalid ${cidr}`], 'leading zero in the prefix length');
  check('::ffff:10.0.0.0/104', [`FieldValueInvalid ${cidr}`], 'IPv4-mapped IPv6');
  check('10.0.0.0/33', [`FieldValueInvalid ${cidr}`], 'prefix too long');
  check('10.0.0.0', [`FieldValueInvalid ${cidr}`], 'no prefix');
  check('10.0.0.0/8 ', [`FieldValueInvalid ${cidr}`], 'trailing space');
  check('fe80::1%eth0/64', [`FieldValueInvalid ${cidr}`], 'a zone');
  check('2001:db8::0001/128', [], 'four hex digits with leading zeros are fine');
  check('2001:db8::00001/128', [`FieldValueInvalid ${cidr}`], 'five hex digits: accepted by the lenient parser only');
});

t.test('update ratcheting', async (t) => {
  const withRV = (np: NetworkPolicy): NetworkPolicy => ({ ...np, metadata: { ...np.metadata, resourceVersion: '1' } });
  const update = (oldNp: NetworkPolicy, newNp: NetworkPolicy) =>
    pairs(validateNetworkPolicyUpdate(withRV(newNp), withRV(oldNp), validationOptionsFor(withRV(oldNp))));

  t.same(update(makeNetworkPolicy(), makeNetworkPolicy()), [], 'no change');
  t.same(update(makeNetworkPolicy(withPodSelector({})), makeNetworkPolicy()), [], 'change spec');
  t.same(
    update(makeNetworkPolicy(), makeNetworkPolicy((np) => void (np.metadata!.name = 'baz'))),
    ['FieldValueInvalid metadata.name'],
    'change name',
  );
  const legacy = makeNetworkPolicy(toIPBlock({ cidr: '10.1.2.3/8', except: ['010.1.0.0/16'] }));
  t.same(update(legacy, legacy), [], 'an invalid CIDR already stored is accepted again');
  t.same(
    update(legacy, makeNetworkPolicy(fromIPBlock({ cidr: '010.1.0.0/16' }), toIPBlock({ cidr: '10.1.2.3/8' }))),
    [],
    'anywhere in the policy',
  );
  t.same(
    update(legacy, makeNetworkPolicy(toIPBlock({ cidr: '10.1.2.4/8' }))),
    ['FieldValueInvalid spec.egress[0].to[0].ipBlock.cidr'],
    'a new invalid CIDR is rejected',
  );
  const badSelector = makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['bad value'] }] }));
  t.same(update(badSelector, badSelector), [], 'invalid selector values are tolerated when the old podSelector had them');
  t.same(
    update(makeNetworkPolicy(), badSelector),
    ['FieldValueInvalid spec.podSelector.matchExpressions[0].values[0]'],
    'but not introduced into a valid policy',
  );
  const longName = makeNetworkPolicy((np) => void (np.metadata!.name = 'Not_A_DNS_Name'));
  t.same(update(longName, longName), [], 'the name is not validated again on update');
});
