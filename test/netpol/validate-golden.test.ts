/**
 * The exact wording of every NetworkPolicy validation message, pinned once. These strings are
 * what `kubectl` shows; they must stay byte-for-byte the API server's.
 */
import t from 'tap';
import { invalidStatus, NETWORK_POLICY_GROUP_KIND } from '../../src/k8s/status.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import { validateNetworkPolicy, validateNetworkPolicyUpdate, validationOptionsFor } from '../../src/netpol/validate.js';
import {
  CD,
  INVALID_SELECTOR,
  IPV4_BLOCK,
  fromIPBlock,
  fromNamespaceSelector,
  makeNetworkPolicy,
  port,
  toIPBlock,
  withEgressPorts,
  withIngressEmptyPeer,
  withIngressPorts,
  withPodSelector,
  withPolicyTypes,
} from '../helpers/netpol.js';

const messages = (np: NetworkPolicy): string[] => validateNetworkPolicy(np, validationOptionsFor(undefined)).map(String);

const DNS_SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const QUALIFIED_NAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const golden: [string, NetworkPolicy, string[]][] = [
  [
    'endPort below port',
    makeNetworkPolicy(withIngressPorts(port('TCP', 100, 80))),
    ['spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`'],
  ],
  [
    'endPort 0: both errors',
    makeNetworkPolicy(withIngressPorts(port('TCP', 80, 0))),
    [
      'spec.ingress[0].ports[0].endPort: Invalid value: 0: must be greater than or equal to `port`',
      'spec.ingress[0].ports[0].endPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
  ],
  [
    'protocol',
    makeNetworkPolicy(withIngressPorts(port('ICMP', 80))),
    ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"'],
  ],
  [
    'protocol with HTML characters is rendered as JSON, like a Go named string',
    makeNetworkPolicy(withIngressPorts(port('<tcp>', 80))),
    ['spec.ingress[0].ports[0].protocol: Unsupported value: "\\u003ctcp\\u003e": supported values: "TCP", "UDP", "SCTP"'],
  ],
  [
    'port number',
    makeNetworkPolicy(withIngressPorts(port('TCP', 123456789))),
    ['spec.ingress[0].ports[0].port: Invalid value: 123456789: must be between 1 and 65535, inclusive'],
  ],
  [
    'port name',
    makeNetworkPolicy(withIngressPorts(port('TCP', '!@#$'))),
    [
      'spec.ingress[0].ports[0].port: Invalid value: "!@#$": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].ports[0].port: Invalid value: "!@#$": must contain at least one letter (a-z)',
    ],
  ],
  [
    'port "80" as a string',
    makeNetworkPolicy(withIngressPorts(port('TCP', '80'))),
    ['spec.ingress[0].ports[0].port: Invalid value: "80": must contain at least one letter (a-z)'],
  ],
  [
    'port name hyphens and length',
    makeNetworkPolicy(withIngressPorts(port('TCP', '-a--very-long-name-'))),
    [
      'spec.ingress[0].ports[0].port: Invalid value: "-a--very-long-name-": must be no more than 15 characters',
      'spec.ingress[0].ports[0].port: Invalid value: "-a--very-long-name-": must not contain consecutive hyphens',
      'spec.ingress[0].ports[0].port: Invalid value: "-a--very-long-name-": must not begin or end with a hyphen',
    ],
  ],
  [
    'endPort with a named port',
    makeNetworkPolicy(withEgressPorts(port('UDP', 'dns', 32768))),
    ['spec.egress[0].ports[0].endPort: Invalid value: 32768: may not be specified when `port` is non-numeric'],
  ],
  [
    'endPort without port',
    makeNetworkPolicy(withEgressPorts(port('TCP', undefined, 32768))),
    ['spec.egress[0].ports[0].endPort: Invalid value: 32768: may not be specified when `port` is not specified'],
  ],
  ['empty peer', makeNetworkPolicy(withIngressEmptyPeer), ['spec.ingress[0].from[0]: Required value: must specify a peer']],
  [
    'ipBlock with a selector',
    makeNetworkPolicy(fromNamespaceSelector(CD), fromIPBlock(IPV4_BLOCK)),
    ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer'],
  ],
  ['empty cidr', makeNetworkPolicy(fromIPBlock({ cidr: '', except: ['x'] })), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']],
  [
    'cidr without prefix',
    makeNetworkPolicy(fromIPBlock({ cidr: '192.168.5.6', except: ['x'] })),
    ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "192.168.5.6": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  ],
  [
    'except outside',
    makeNetworkPolicy(fromIPBlock({ cidr: '192.168.8.0/24', except: ['192.168.9.1/32'] })),
    ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.9.1/32": must be a strict subset of `cidr`'],
  ],
  [
    'host bits',
    makeNetworkPolicy(toIPBlock({ cidr: '10.0.0.1/8' })),
    ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length'],
  ],
  [
    'too many policyTypes',
    makeNetworkPolicy(withPolicyTypes('foo', 'bar', 'baz')),
    ['spec.policyTypes: Invalid value: ["foo","bar","baz"]: may not specify more than two policyTypes'],
  ],
  [
    'unknown policyType',
    makeNetworkPolicy(withPolicyTypes('ingress')),
    ['spec.policyTypes[0]: Unsupported value: "ingress": supported values: "Ingress", "Egress"'],
  ],
  [
    'selector key',
    makeNetworkPolicy(withPodSelector(INVALID_SELECTOR)),
    [`spec.podSelector.matchLabels: Invalid value: "NoUppercaseOrSpecialCharsLike=Equals": ${QUALIFIED_NAME}`],
  ],
  [
    'selector operators',
    makeNetworkPolicy(
      withPodSelector({
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Equals', values: ['x'] },
        ],
      }),
    ),
    [
      "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.podSelector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.podSelector.matchExpressions[2].operator: Invalid value: "Equals": not a valid selector operator',
    ],
  ],
  [
    'metadata name',
    makeNetworkPolicy((np) => void (np.metadata!.name = 'Foo')),
    [`metadata.name: Invalid value: "Foo": ${DNS_SUBDOMAIN}`],
  ],
  // Too long: two wordings upstream (v1.36). util/validation.MaxLenError says "characters"
  // (IsDNS1123Subdomain for names, IsDNS1123Label for namespaces, IsValidPortName above);
  // content.MaxLenError says "bytes" (content.IsLabelKey's name and prefix parts, content.IsLabelValue).
  // Both count bytes (Go's len).
  [
    'metadata name too long: util/validation, characters',
    makeNetworkPolicy((np) => void (np.metadata!.name = 'a'.repeat(254))),
    [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`],
  ],
  [
    'metadata name of 127 two-byte characters: counted in bytes, worded in characters',
    makeNetworkPolicy((np) => void (np.metadata!.name = 'é'.repeat(127))),
    [`metadata.name: Invalid value: "${'é'.repeat(127)}": must be no more than 253 characters`, `metadata.name: Invalid value: "${'é'.repeat(127)}": ${DNS_SUBDOMAIN}`],
  ],
  [
    'metadata namespace too long: util/validation, characters',
    makeNetworkPolicy((np) => void (np.metadata!.namespace = 'n'.repeat(64))),
    [`metadata.namespace: Invalid value: "${'n'.repeat(64)}": must be no more than 63 characters`],
  ],
  [
    'port name too long: util/validation, characters',
    makeNetworkPolicy(withIngressPorts(port('TCP', 'abcdefghijklmnop'))),
    ['spec.ingress[0].ports[0].port: Invalid value: "abcdefghijklmnop": must be no more than 15 characters'],
  ],
  [
    'selector key name part too long: content, bytes',
    makeNetworkPolicy(withPodSelector({ matchLabels: { ['k'.repeat(64)]: 'v' } })),
    [`spec.podSelector.matchLabels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`],
  ],
  [
    'selector key prefix part too long: content, bytes',
    makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: `${'p'.repeat(254)}/k`, operator: 'Exists' }] })),
    [`spec.podSelector.matchExpressions[0].key: Invalid value: "${'p'.repeat(254)}/k": prefix part must be no more than 253 bytes`],
  ],
  [
    'selector value too long: content, bytes',
    makeNetworkPolicy(fromNamespaceSelector({ matchLabels: { k: 'v'.repeat(64) } })),
    [`spec.ingress[0].from[0].namespaceSelector.matchLabels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`],
  ],
  [
    'selector expression value too long: content, bytes',
    makeNetworkPolicy(withPodSelector({ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'.repeat(64)] }] })),
    [`spec.podSelector.matchExpressions[0].values[0]: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`],
  ],
  [
    'metadata label key and value too long: content, bytes',
    makeNetworkPolicy((np) => void (np.metadata!.labels = { ['k'.repeat(64)]: 'v'.repeat(64) })),
    [
      `metadata.labels: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`,
      `metadata.labels: Invalid value: "${'v'.repeat(64)}": must be no more than 63 bytes`,
    ],
  ],
  [
    'metadata annotation key too long: content, bytes',
    makeNetworkPolicy((np) => void (np.metadata!.annotations = { ['k'.repeat(64)]: 'v' })),
    [`metadata.annotations: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`],
  ],
  [
    'metadata missing',
    { spec: {} },
    ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value'],
  ],
];

for (const [name, np, want] of golden) t.same(messages(np), want, name);

t.test('update messages', async (t) => {
  const old = makeNetworkPolicy((np) => void (np.metadata!.resourceVersion = '1'));
  const renamed = makeNetworkPolicy((np) => {
    np.metadata!.resourceVersion = '1';
    np.metadata!.name = 'baz';
  });
  t.same(validateNetworkPolicyUpdate(renamed, old, validationOptionsFor(old)).map(String), [
    'metadata.name: Invalid value: "baz": field is immutable',
  ]);
  const noRV = makeNetworkPolicy();
  t.same(validateNetworkPolicyUpdate(noRV, old, validationOptionsFor(old)).map(String), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
  ]);
});

t.test('the 422 Status', async (t) => {
  const errs = validateNetworkPolicy(makeNetworkPolicy(withIngressPorts(port('ICMP', 0))), validationOptionsFor(undefined));
  t.same(invalidStatus(NETWORK_POLICY_GROUP_KIND, 'foo', errs), {
    status: 'Failure',
    message:
      'NetworkPolicy.networking.k8s.io "foo" is invalid: [spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP", spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive]',
    reason: 'Invalid',
    details: {
      group: 'networking.k8s.io',
      kind: 'NetworkPolicy',
      name: 'foo',
      causes: [
        { reason: 'FieldValueNotSupported', message: 'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"', field: 'spec.ingress[0].ports[0].protocol' },
        { reason: 'FieldValueInvalid', message: 'Invalid value: 0: must be between 1 and 65535, inclusive', field: 'spec.ingress[0].ports[0].port' },
      ],
    },
    code: 422,
  });
  const one = invalidStatus(NETWORK_POLICY_GROUP_KIND, 'foo', errs.slice(1));
  t.equal(one.message, 'NetworkPolicy.networking.k8s.io "foo" is invalid: spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'one error: no brackets');
});
