/**
 * Kubernetes' own NetworkPolicy cases, translated one for one, each checked for the verdict, the
 * exact set of (type, field) pairs and the rendered message:
 *
 * - pkg/apis/networking/validation/validation_test.go: TestValidateNetworkPolicy (17 success,
 *   30 error cases; upstream only asserts valid/invalid, the errors expected here follow
 *   validation.go) and TestValidateNetworkPolicyUpdate (2 success, 1 error);
 * - pkg/registry/networking/networkpolicy/declarative_validation_test.go (create and update of
 *   an ipBlock with an empty cidr) and strategy_test.go (TestNetworkPolicyStrategy), run through
 *   the whole admission path;
 * - staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation_test.go:
 *   TestLabelSelectorMatchExpression, through spec.podSelector;
 * - staging/src/k8s.io/apimachinery/pkg/util/validation/ip_test.go: TestIsValidCIDR with
 *   strict legacy-field validation and with the value present in the old object (ratcheting),
 *   and TestGetWarningsForCIDR;
 * - pkg/apis/networking/v1/defaults_test.go: TestSetDefaultNetworkPolicy, plus
 *   SetDefaults_NetworkPolicyPort from defaults.go.
 */
import t from 'tap';
import type { ErrorList } from '../../src/k8s/field.js';
import { FieldPath } from '../../src/k8s/field.js';
import type { IPBlock, NetworkPolicy, NetworkPolicyPort } from '../../src/k8s/types.js';
import { admitNetworkPolicy } from '../../src/netpol/admit.js';
import { cidrWarnings } from '../../src/netpol/cidr.js';
import { defaultNetworkPolicy } from '../../src/netpol/defaults.js';
import {
  type NetworkPolicyValidationOptions,
  validateNetworkPolicy,
  validateNetworkPolicyUpdate,
  validationOptionsFor,
} from '../../src/netpol/validate.js';

// ---------------------------------------------------------------------------------------------
// Rendering: "<type> <field>: <message>", compared as sorted lists (the set of errors, with
// repeats kept, since upstream keeps them in the ErrorList).

const render = (errs: ErrorList): string[] => errs.map((e) => `${e.type} ${e.toString()}`).sort();

const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const QUALIFIED_NAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const PORT_RANGE = 'must be between 1 and 65535, inclusive';

const inv = (field: string, value: string, detail: string) => `FieldValueInvalid ${field}: Invalid value: ${value}: ${detail}`;
const req = (field: string, detail = '') => `FieldValueRequired ${field}: Required value${detail ? `: ${detail}` : ''}`;
const forb = (field: string, detail: string) => `FieldValueForbidden ${field}: Forbidden: ${detail}`;
const unsup = (field: string, value: string, supported: string) =>
  `FieldValueNotSupported ${field}: Unsupported value: ${value}: supported values: ${supported}`;

// ---------------------------------------------------------------------------------------------
// The upstream builders: makeValidNetworkPolicy, makeNetworkPolicyCustom, makePort and the
// tweaks of TestValidateNetworkPolicy, with the same (sometimes surprising) semantics: e.g.
// setIngressEmptyPorts replaces the whole ingress list.

type Tweak = (np: NetworkPolicy) => void;

function makeValidNetworkPolicy(): NetworkPolicy {
  return { metadata: { name: 'foo', namespace: 'bar' }, spec: { podSelector: { matchLabels: { a: 'b' } } } };
}

function makeNetworkPolicyCustom(...tweaks: Tweak[]): NetworkPolicy {
  const np = makeValidNetworkPolicy();
  for (const tw of tweaks) tw(np);
  return np;
}

/** makePort: port 0 / "" / "0" and endPort 0 mean "not set". */
function makePort(proto: string | undefined, port: number | string, endPort: number): NetworkPolicyPort {
  const r: NetworkPolicyPort = {};
  if (proto !== undefined) r.protocol = proto;
  if (port !== 0 && port !== '' && port !== '0') r.port = port;
  if (endPort !== 0) r.endPort = endPort;
  return r;
}

const TCP = 'TCP';
const UDP = 'UDP';
const SCTP = 'SCTP';
const ICMP = 'ICMP';

const spec = (np: NetworkPolicy) => np.spec!;
const ingress0 = (np: NetworkPolicy) => spec(np).ingress![0]!;
const egress0 = (np: NetworkPolicy) => spec(np).egress![0]!;

const setIngressEmptyFirstElement: Tweak = (np) => void (spec(np).ingress = [{}]);
const setIngressFromEmptyFirstElement: Tweak = (np) => {
  if (spec(np).ingress === undefined) setIngressEmptyFirstElement(np);
  ingress0(np).from = [{}];
};
const setIngressFromIfEmpty: Tweak = (np) => {
  if (spec(np).ingress === undefined) setIngressEmptyFirstElement(np);
  if (ingress0(np).from === undefined) setIngressFromEmptyFirstElement(np);
};
const setIngressEmptyPorts: Tweak = (np) => void (spec(np).ingress = [{ ports: [{}] }]);
const setIngressPorts =
  (...ports: NetworkPolicyPort[]): Tweak =>
  (np) => {
    if (spec(np).ingress === undefined) setIngressEmptyFirstElement(np);
    ingress0(np).ports = ports.map((p) => ({ ...p }));
  };
const setIngressFromPodSelector =
  (k: string, v: string): Tweak =>
  (np) => {
    setIngressFromIfEmpty(np);
    ingress0(np).from![0]!.podSelector = { matchLabels: { [k]: v } };
  };
const setIngressFromNamespaceSelector: Tweak = (np) => {
  setIngressFromIfEmpty(np);
  ingress0(np).from![0]!.namespaceSelector = { matchLabels: { c: 'd' } };
};
const IPV4: IPBlock = { cidr: '192.168.0.0/16', except: ['192.168.3.0/24', '192.168.4.0/24'] };
const IPV6: IPBlock = { cidr: 'fd00:192:168::/48', except: ['fd00:192:168:3::/64', 'fd00:192:168:4::/64'] };
const setIngressFromIPBlockIPV4: Tweak = (np) => {
  setIngressFromIfEmpty(np);
  ingress0(np).from![0]!.ipBlock = structuredClone(IPV4);
};
const setIngressFromIPBlockIPV6: Tweak = (np) => {
  setIngressFromIfEmpty(np);
  ingress0(np).from![0]!.ipBlock = structuredClone(IPV6);
};
const setEgressEmptyFirstElement: Tweak = (np) => void (spec(np).egress = [{}]);
const setEgressToEmptyFirstElement: Tweak = (np) => {
  if (spec(np).egress === undefined) setEgressEmptyFirstElement(np);
  egress0(np).to = [{}];
};
const setEgressToIfEmpty: Tweak = (np) => {
  if (spec(np).egress === undefined) setEgressEmptyFirstElement(np);
  if (egress0(np).to === undefined) setEgressToEmptyFirstElement(np);
};
const setEgressToNamespaceSelector: Tweak = (np) => {
  setEgressToIfEmpty(np);
  egress0(np).to![0]!.namespaceSelector = { matchLabels: { c: 'd' } };
};
const setEgressToPodSelector: Tweak = (np) => {
  setEgressToIfEmpty(np);
  egress0(np).to![0]!.podSelector = { matchLabels: { c: 'd' } };
};
const setEgressToIPBlockIPV4: Tweak = (np) => {
  setEgressToIfEmpty(np);
  egress0(np).to![0]!.ipBlock = structuredClone(IPV4);
};
const setEgressToIPBlockIPV6: Tweak = (np) => {
  setEgressToIfEmpty(np);
  egress0(np).to![0]!.ipBlock = structuredClone(IPV6);
};
const setEgressPorts =
  (...ports: NetworkPolicyPort[]): Tweak =>
  (np) => {
    if (spec(np).egress === undefined) setEgressEmptyFirstElement(np);
    egress0(np).ports = ports.map((p) => ({ ...p }));
  };
const setPolicyTypesEgress: Tweak = (np) => void (spec(np).policyTypes = ['Egress']);
const setPolicyTypesIngressEgress: Tweak = (np) => void (spec(np).policyTypes = ['Ingress', 'Egress']);

const invalidSelector = { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' };

/** Upstream runs TestValidateNetworkPolicy with AllowInvalidLabelValueInSelector: true. */
const TEST_OPTS: NetworkPolicyValidationOptions = { allowInvalidLabelValueInSelector: true, allowCIDRsEvenIfInvalid: [] };

let validationCases = 0;
let updateCases = 0;
let defaultingCases = 0;

// ---------------------------------------------------------------------------------------------

t.test('TestValidateNetworkPolicy: success cases', async (t) => {
  const successCases: NetworkPolicy[] = [
    makeNetworkPolicyCustom(setIngressEmptyFirstElement),
    makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, setIngressEmptyPorts),
    makeNetworkPolicyCustom(
      setIngressPorts(
        makePort(undefined, 80, 0),
        makePort(TCP, 0, 0),
        makePort(TCP, 443, 0),
        makePort(UDP, 'dns', 0),
        makePort(SCTP, 7777, 0),
      ),
    ),
    makeNetworkPolicyCustom(setIngressFromPodSelector('c', 'd')),
    makeNetworkPolicyCustom(setIngressFromNamespaceSelector),
    makeNetworkPolicyCustom(setIngressFromPodSelector('e', 'f'), setIngressFromNamespaceSelector),
    makeNetworkPolicyCustom(setEgressToNamespaceSelector, setIngressFromIPBlockIPV4),
    makeNetworkPolicyCustom(setIngressFromIPBlockIPV4),
    makeNetworkPolicyCustom(setEgressToIPBlockIPV4, setPolicyTypesEgress),
    makeNetworkPolicyCustom(setEgressToIPBlockIPV4, setPolicyTypesIngressEgress),
    makeNetworkPolicyCustom(
      setEgressPorts(
        makePort(undefined, 80, 0),
        makePort(TCP, 0, 0),
        makePort(TCP, 443, 0),
        makePort(UDP, 'dns', 0),
        makePort(SCTP, 7777, 0),
      ),
    ),
    makeNetworkPolicyCustom(setEgressToNamespaceSelector, setIngressFromIPBlockIPV6),
    makeNetworkPolicyCustom(setIngressFromIPBlockIPV6),
    makeNetworkPolicyCustom(setEgressToIPBlockIPV6, setPolicyTypesEgress),
    makeNetworkPolicyCustom(setEgressToIPBlockIPV6, setPolicyTypesIngressEgress),
    makeNetworkPolicyCustom(setEgressPorts(makePort(undefined, 32000, 32768), makePort(UDP, 'dns', 0))),
    makeNetworkPolicyCustom(
      setEgressToNamespaceSelector,
      setEgressPorts(makePort(undefined, 30000, 32768), makePort(undefined, 32000, 32768)),
      setIngressFromPodSelector('e', 'f'),
      setIngressPorts(makePort(TCP, 32768, 32768)),
    ),
  ];
  successCases.forEach((np, k) => {
    validationCases++;
    t.same(render(validateNetworkPolicy(np, TEST_OPTS)), [], `success case ${k}`);
    // And the same verdict with the options the API server uses on create.
    t.same(render(validateNetworkPolicy(np, validationOptionsFor(undefined))), [], `success case ${k}, create options`);
  });
  t.equal(successCases.length, 17);
});

t.test('TestValidateNetworkPolicy: error cases', async (t) => {
  const ing = 'spec.ingress[0]';
  const egr = 'spec.egress[0]';
  const errorCases: Record<string, [NetworkPolicy, string[]]> = {
    'namespaceSelector and ipBlock': [
      makeNetworkPolicyCustom(setIngressFromNamespaceSelector, setIngressFromIPBlockIPV4),
      [forb(`${ing}.from[0]`, 'may not specify both ipBlock and another peer')],
    ],
    'podSelector and ipBlock': [
      makeNetworkPolicyCustom(setEgressToPodSelector, setEgressToIPBlockIPV4),
      [forb(`${egr}.to[0]`, 'may not specify both ipBlock and another peer')],
    ],
    'missing from and to type': [
      makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, setEgressToEmptyFirstElement),
      [req(`${ing}.from[0]`, 'must specify a peer'), req(`${egr}.to[0]`, 'must specify a peer')],
    ],
    'invalid spec.podSelector': [
      makeNetworkPolicyCustom(setIngressFromNamespaceSelector, (np) => {
        np.spec = { podSelector: { matchLabels: invalidSelector } };
      }),
      [inv('spec.podSelector.matchLabels', '"NoUppercaseOrSpecialCharsLike=Equals"', QUALIFIED_NAME)],
    ],
    'invalid ingress.ports.protocol': [
      makeNetworkPolicyCustom(setIngressPorts(makePort(ICMP, 80, 0))),
      [unsup(`${ing}.ports[0].protocol`, '"ICMP"', '"TCP", "UDP", "SCTP"')],
    ],
    'invalid ingress.ports.port (int)': [
      makeNetworkPolicyCustom(setIngressPorts(makePort(TCP, 123456789, 0))),
      [inv(`${ing}.ports[0].port`, '123456789', PORT_RANGE)],
    ],
    'invalid ingress.ports.port (str)': [
      makeNetworkPolicyCustom(setIngressPorts(makePort(TCP, '!@#$', 0))),
      [
        inv(`${ing}.ports[0].port`, '"!@#$"', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
        inv(`${ing}.ports[0].port`, '"!@#$"', 'must contain at least one letter (a-z)'),
      ],
    ],
    'invalid ingress.from.podSelector': [
      makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, (np) => {
        ingress0(np).from![0]!.podSelector = { matchLabels: invalidSelector };
      }),
      [inv(`${ing}.from[0].podSelector.matchLabels`, '"NoUppercaseOrSpecialCharsLike=Equals"', QUALIFIED_NAME)],
    ],
    'invalid egress.to.podSelector': [
      makeNetworkPolicyCustom(setEgressToEmptyFirstElement, (np) => {
        egress0(np).to![0]!.podSelector = { matchLabels: invalidSelector };
      }),
      [inv(`${egr}.to[0].podSelector.matchLabels`, '"NoUppercaseOrSpecialCharsLike=Equals"', QUALIFIED_NAME)],
    ],
    'invalid egress.ports.protocol': [
      makeNetworkPolicyCustom(setEgressPorts(makePort(ICMP, 80, 0))),
      [unsup(`${egr}.ports[0].protocol`, '"ICMP"', '"TCP", "UDP", "SCTP"')],
    ],
    'invalid egress.ports.port (int)': [
      makeNetworkPolicyCustom(setEgressPorts(makePort(TCP, 123456789, 0))),
      [inv(`${egr}.ports[0].port`, '123456789', PORT_RANGE)],
    ],
    'invalid egress.ports.port (str)': [
      makeNetworkPolicyCustom(setEgressPorts(makePort(TCP, '!@#$', 0))),
      [
        inv(`${egr}.ports[0].port`, '"!@#$"', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'),
        inv(`${egr}.ports[0].port`, '"!@#$"', 'must contain at least one letter (a-z)'),
      ],
    ],
    'invalid ingress.from.namespaceSelector': [
      makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, (np) => {
        ingress0(np).from![0]!.namespaceSelector = { matchLabels: invalidSelector };
      }),
      [inv(`${ing}.from[0].namespaceSelector.matchLabels`, '"NoUppercaseOrSpecialCharsLike=Equals"', QUALIFIED_NAME)],
    ],
    'missing cidr field': [
      makeNetworkPolicyCustom(setIngressFromIPBlockIPV4, (np) => void (ingress0(np).from![0]!.ipBlock!.cidr = '')),
      [req(`${ing}.from[0].ipBlock.cidr`)],
    ],
    'invalid cidr format': [
      makeNetworkPolicyCustom(setIngressFromIPBlockIPV4, (np) => void (ingress0(np).from![0]!.ipBlock!.cidr = '192.168.5.6')),
      [inv(`${ing}.from[0].ipBlock.cidr`, '"192.168.5.6"', INVALID_CIDR)],
    ],
    'invalid ipv6 cidr format': [
      makeNetworkPolicyCustom(setIngressFromIPBlockIPV6, (np) => void (ingress0(np).from![0]!.ipBlock!.cidr = 'fd00:192:168::')),
      [inv(`${ing}.from[0].ipBlock.cidr`, '"fd00:192:168::"', INVALID_CIDR)],
    ],
    'except field is an empty string': [
      makeNetworkPolicyCustom(setIngressFromIPBlockIPV4, (np) => void (ingress0(np).from![0]!.ipBlock!.except = [''])),
      [inv(`${ing}.from[0].ipBlock.except[0]`, '""', INVALID_CIDR)],
    ],
    'except field is an space string': [
      makeNetworkPolicyCustom(setIngressFromIPBlockIPV4, (np) => void (ingress0(np).from![0]!.ipBlock!.except = [' '])),
      [inv(`${ing}.from[0].ipBlock.except[0]`, '" "', INVALID_CIDR)],
    ],
    'except field is an invalid ip': [
      makeNetworkPolicyCustom(setIngressFromIPBlockIPV4, (np) => void (ingress0(np).from![0]!.ipBlock!.except = ['300.300.300.300'])),
      [inv(`${ing}.from[0].ipBlock.except[0]`, '"300.300.300.300"', INVALID_CIDR)],
    ],
    'except IP is outside of CIDR range': [
      makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, (np) => {
        ingress0(np).from![0]!.ipBlock = { cidr: '192.168.8.0/24', except: ['192.168.9.1/32'] };
      }),
      [inv(`${ing}.from[0].ipBlock.except[0]`, '"192.168.9.1/32"', 'must be a strict subset of `cidr`')],
    ],
    'except IP is not strictly within CIDR range': [
      makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, (np) => {
        ingress0(np).from![0]!.ipBlock = { cidr: '192.168.0.0/24', except: ['192.168.0.0/24'] };
      }),
      [inv(`${ing}.from[0].ipBlock.except[0]`, '"192.168.0.0/24"', 'must be a strict subset of `cidr`')],
    ],
    'except IPv6 is outside of CIDR range': [
      makeNetworkPolicyCustom(setIngressFromEmptyFirstElement, (np) => {
        ingress0(np).from![0]!.ipBlock = { cidr: 'fd00:192:168:1::/64', except: ['fd00:192:168:2::/64'] };
      }),
      [inv(`${ing}.from[0].ipBlock.except[0]`, '"fd00:192:168:2::/64"', 'must be a strict subset of `cidr`')],
    ],
    'invalid policyTypes': [
      makeNetworkPolicyCustom(setEgressToIPBlockIPV4, (np) => void (spec(np).policyTypes = ['foo', 'bar'])),
      [
        unsup('spec.policyTypes[0]', '"foo"', '"Ingress", "Egress"'),
        unsup('spec.policyTypes[1]', '"bar"', '"Ingress", "Egress"'),
      ],
    ],
    'too many policyTypes': [
      makeNetworkPolicyCustom(setEgressToIPBlockIPV4, (np) => void (spec(np).policyTypes = ['foo', 'bar', 'baz'])),
      [inv('spec.policyTypes', '["foo","bar","baz"]', 'may not specify more than two policyTypes')],
    ],
    'multiple ports defined, one port range is invalid': [
      makeNetworkPolicyCustom(
        setEgressToNamespaceSelector,
        setEgressPorts(makePort(UDP, 35000, 32768), makePort(undefined, 32000, 32768)),
      ),
      [inv(`${egr}.ports[0].endPort`, '32768', 'must be greater than or equal to `port`')],
    ],
    'endPort defined with named/string port': [
      makeNetworkPolicyCustom(
        setEgressToNamespaceSelector,
        setEgressPorts(makePort(UDP, 'dns', 32768), makePort(undefined, 32000, 32768)),
      ),
      [inv(`${egr}.ports[0].endPort`, '32768', 'may not be specified when `port` is non-numeric')],
    ],
    'endPort defined without port defined': [
      makeNetworkPolicyCustom(setEgressToNamespaceSelector, setEgressPorts(makePort(TCP, 0, 32768))),
      [inv(`${egr}.ports[0].endPort`, '32768', 'may not be specified when `port` is not specified')],
    ],
    'port is greater than endPort': [
      makeNetworkPolicyCustom(setEgressToNamespaceSelector, setEgressPorts(makePort(SCTP, 35000, 32768))),
      [inv(`${egr}.ports[0].endPort`, '32768', 'must be greater than or equal to `port`')],
    ],
    'multiple invalid port ranges defined': [
      makeNetworkPolicyCustom(
        setEgressToNamespaceSelector,
        setEgressPorts(makePort(UDP, 35000, 32768), makePort(TCP, 0, 32768), makePort(TCP, 'https', 32768)),
      ),
      [
        inv(`${egr}.ports[0].endPort`, '32768', 'must be greater than or equal to `port`'),
        inv(`${egr}.ports[1].endPort`, '32768', 'may not be specified when `port` is not specified'),
        inv(`${egr}.ports[2].endPort`, '32768', 'may not be specified when `port` is non-numeric'),
      ],
    ],
    'invalid endport range defined': [
      makeNetworkPolicyCustom(setEgressToNamespaceSelector, setEgressPorts(makePort(TCP, 30000, 65537))),
      [inv(`${egr}.ports[0].endPort`, '65537', PORT_RANGE)],
    ],
  };
  for (const [name, [np, want]] of Object.entries(errorCases)) {
    validationCases++;
    t.same(render(validateNetworkPolicy(np, TEST_OPTS)), [...want].sort(), name);
    t.same(render(validateNetworkPolicy(np, validationOptionsFor(undefined))), [...want].sort(), `${name}, create options`);
  }
  t.equal(Object.keys(errorCases).length, 30);
});

// meta/v1/validation TestLabelSelectorMatchExpression, as spec.podSelector of a NetworkPolicy
// (ValidateLabelSelector with AllowInvalidLabelValueInSelector false, as on create).

t.test('TestLabelSelectorMatchExpression (spec.podSelector)', async (t) => {
  const at = 'spec.podSelector.matchExpressions[0]';
  const LABEL_VALUE =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
  const cases: [string, { key: string; operator: string; values: string[] }, string[]][] = [
    ['Valid LabelSelector', { key: 'key', operator: 'In', values: ['value'] }, []],
    ["MatchExpression's key name isn't valid", { key: '-key', operator: 'In', values: ['value'] }, [inv(`${at}.key`, '"-key"', QUALIFIED_NAME)]],
    ["MatchExpression's operator isn't valid", { key: 'key', operator: 'abc', values: ['value'] }, [inv(`${at}.operator`, '"abc"', 'not a valid selector operator')]],
    ["MatchExpression's value name isn't valid", { key: 'key', operator: 'In', values: ['-value'] }, [inv(`${at}.values[0]`, '"-value"', LABEL_VALUE)]],
  ];
  for (const [name, expr, want] of cases) {
    validationCases++;
    const np = makeNetworkPolicyCustom((p) => void (spec(p).podSelector = { matchExpressions: [expr] }));
    t.same(render(validateNetworkPolicy(np, validationOptionsFor(undefined))), want, name);
  }
});

// ---------------------------------------------------------------------------------------------

t.test('TestValidateNetworkPolicyUpdate', async (t) => {
  const withRV = (np: NetworkPolicy): NetworkPolicy => ({ ...np, metadata: { ...np.metadata, resourceVersion: '1' } });
  /** Upstream passes NetworkPolicyValidationOptions{false}. */
  const update = (newNp: NetworkPolicy, oldNp: NetworkPolicy): string[] =>
    render(validateNetworkPolicyUpdate(withRV(newNp), withRV(oldNp), { allowInvalidLabelValueInSelector: false, allowCIDRsEvenIfInvalid: [] }));
  const meta = { name: 'foo', namespace: 'bar' };
  const successCases: Record<string, [NetworkPolicy, NetworkPolicy]> = {
    'no change': [
      { metadata: meta, spec: { podSelector: { matchLabels: { a: 'b' } }, ingress: [] } },
      { metadata: meta, spec: { podSelector: { matchLabels: { a: 'b' } }, ingress: [] } },
    ],
    'change spec': [
      { metadata: meta, spec: { podSelector: {}, ingress: [] } },
      { metadata: meta, spec: { podSelector: { matchLabels: { a: 'b' } }, ingress: [] } },
    ],
  };
  for (const [name, [oldNp, newNp]] of Object.entries(successCases)) {
    updateCases++;
    t.same(update(newNp, oldNp), [], name);
  }
  updateCases++;
  t.same(
    update({ metadata: { name: 'baz', namespace: 'bar' }, spec: { podSelector: {}, ingress: [] } }, { metadata: meta, spec: { podSelector: {}, ingress: [] } }),
    [inv('metadata.name', '"baz"', 'field is immutable')],
    'change name',
  );
});

// ---------------------------------------------------------------------------------------------
// The registry tests run the strategy as the API server does; here that is admitNetworkPolicy
// (decode, default, prepare, validate).

const admitErrors = (operation: 'CREATE' | 'UPDATE', object: unknown, oldObject?: unknown): string[] => {
  const v = admitNetworkPolicy({ operation, object, oldObject, warnings: false });
  if (v.decodeIssues.length > 0) return v.decodeIssues.map((i) => `decode ${i.field}: ${i.message}`);
  return render(v.fieldErrors);
};

function mkValidNetworkPolicy(ruleType: 'ingress' | 'egress', cidr = '192.168.1.0/24'): NetworkPolicy {
  const np: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'valid-network-policy', namespace: 'default', resourceVersion: '1' },
    spec: { podSelector: {} },
  };
  if (ruleType === 'ingress') np.spec!.ingress = [{ from: [{ ipBlock: { cidr } }] }];
  else np.spec!.egress = [{ to: [{ ipBlock: { cidr } }] }];
  return np;
}

t.test('TestDeclarativeValidateIPBlockCIDR (create)', async (t) => {
  validationCases += 3;
  t.same(admitErrors('CREATE', mkValidNetworkPolicy('ingress')), [], 'valid ingress rule with CIDR');
  t.same(admitErrors('CREATE', mkValidNetworkPolicy('ingress', '')), [req('spec.ingress[0].from[0].ipBlock.cidr')], 'ingress rule rejects empty CIDR in ipBlock');
  t.same(admitErrors('CREATE', mkValidNetworkPolicy('egress', '')), [req('spec.egress[0].to[0].ipBlock.cidr')], 'egress rule rejects empty CIDR in ipBlock');
});

t.test('TestDeclarativeValidateIPBlockCIDRUpdate', async (t) => {
  updateCases += 2;
  t.same(
    admitErrors('UPDATE', mkValidNetworkPolicy('ingress', ''), mkValidNetworkPolicy('ingress')),
    [req('spec.ingress[0].from[0].ipBlock.cidr')],
    'update ingress rule rejects empty CIDR in ipBlock (one error, not two)',
  );
  t.same(
    admitErrors('UPDATE', mkValidNetworkPolicy('egress', ''), mkValidNetworkPolicy('egress')),
    [req('spec.egress[0].to[0].ipBlock.cidr')],
    'update egress rule rejects empty CIDR in ipBlock (one error, not two)',
  );
});

t.test('TestNetworkPolicyStrategy', async (t) => {
  const oldNp = {
    metadata: { name: 'valid-policy', namespace: 'test-namespace' },
    spec: { podSelector: {}, ingress: [{ from: [], ports: [] }] },
  };
  const newNp = {
    metadata: { name: 'valid-policy-2', namespace: 'test-namespace', resourceVersion: '4' },
    spec: { podSelector: {}, egress: [{ ports: [], to: [] }] },
  };
  validationCases += 2;
  updateCases += 1;
  t.same(admitErrors('CREATE', oldNp), [], 'old policy is valid');
  t.same(admitErrors('CREATE', newNp), [], 'new policy is valid');
  // The stored object went through PrepareForCreate (generation 1).
  const stored = { ...oldNp, metadata: { ...oldNp.metadata, generation: 1 } };
  t.same(admitErrors('UPDATE', newNp, stored), [inv('metadata.name', '"valid-policy-2"', 'field is immutable')], 'renaming is an error');
});

// ---------------------------------------------------------------------------------------------
// ip_test.go TestIsValidCIDR through ipBlock.cidr: strict legacy-field validation (the
// StrictIPCIDRValidation default in v1.36), and the same values accepted when the old object
// already had them (validOldCIDRs / AllowCIDRsEvenIfInvalid).

const CIDR_CASES: [name: string, value: string, legacyStrictErr: string][] = [
  ['ipv4', '1.0.0.0/8', ''],
  ['ipv4, all IPs', '0.0.0.0/0', ''],
  ['ipv4, single IP', '1.1.1.1/32', ''],
  ['ipv6', '2001:4860:4860::/48', ''],
  ['ipv6, all IPs', '::/0', ''],
  ['ipv6, single IP', '::1/128', ''],
  ['ipv6, extra 0s (non-canonical)', '2a00:79e0:2:0::/64', ''],
  ['ipv6, capital letters (non-canonical)', '2001:DB8::/64', ''],
  ['ipv4 with leading 0s', '1.1.01.0/24', 'must not have leading 0s in IP or prefix length'],
  ['ipv4-in-ipv6 with ipv4-sized prefix', '::ffff:1.1.1.0/24', 'must not have an IPv4-mapped IPv6 address'],
  ['ipv4-in-ipv6 with ipv6-sized prefix', '::ffff:1.1.1.0/120', 'must not have an IPv4-mapped IPv6 address'],
  ['ipv4 ifaddr', '1.2.3.4/24', 'must not have bits set beyond the prefix length'],
  ['ipv6 ifaddr', '2001:db8::1/64', 'must not have bits set beyond the prefix length'],
  ['prefix length with leading 0s', '192.168.0.0/016', 'must not have leading 0s in IP or prefix length'],
  ['empty string', '', INVALID_CIDR],
  ['junk', 'aaaaaaa', INVALID_CIDR],
  ['IP address', '1.2.3.4', INVALID_CIDR],
  ['partial URL', '192.168.0.1/healthz', INVALID_CIDR],
  ['partial URL 2', '192.168.0.1/0/99', INVALID_CIDR],
  ['negative prefix length', '192.168.0.0/-16', INVALID_CIDR],
  ['prefix length with sign', '192.168.0.0/+16', INVALID_CIDR],
];

t.test('TestIsValidCIDR: strict legacy-field validation of ipBlock.cidr and except', async (t) => {
  const path = 'spec.egress[0].to[0].ipBlock';
  for (const [name, value, err] of CIDR_CASES) {
    validationCases++;
    const np = makeNetworkPolicyCustom((p) => void (spec(p).egress = [{ to: [{ ipBlock: { cidr: value } }] }]));
    // ValidateIPBlock reports an empty cidr as Required before any parsing.
    const want = value === '' ? [req(`${path}.cidr`)] : err === '' ? [] : [inv(`${path}.cidr`, JSON.stringify(value), err)];
    t.same(render(validateNetworkPolicy(np, validationOptionsFor(undefined))), want, `cidr: ${name}`);

    // As an except of ::/0 or 0.0.0.0/0 nothing but the value itself can be wrong, except for
    // the strict-subset rule, which only values that parse can break.
    const family = value.includes(':') ? '::/0' : '0.0.0.0/0';
    const npExcept = makeNetworkPolicyCustom((p) => void (spec(p).egress = [{ to: [{ ipBlock: { cidr: family, except: [value] } }] }]));
    const got = render(validateNetworkPolicy(npExcept, validationOptionsFor(undefined))).filter((e) => !e.includes('strict subset'));
    t.same(got, err === '' ? [] : [inv(`${path}.except[0]`, JSON.stringify(value), err)], `except: ${name}`);
  }
});

t.test('TestIsValidCIDR: values of the old object are accepted again (validOldCIDRs)', async (t) => {
  // Upstream: IsValidCIDRForLegacyField(path, value, true, badCIDRs) returns no error for every
  // case, including the ones that do not parse at all; ValidateIPBlock then skips what does
  // not parse ("implies validation would have failed").
  const path = 'spec.egress[0].to[0].ipBlock';
  const withRV = (np: NetworkPolicy): NetworkPolicy => ({ ...np, metadata: { ...np.metadata, resourceVersion: '1' } });
  const policy = (cidr: string, except?: string[]) =>
    withRV(makeNetworkPolicyCustom((p) => void (spec(p).egress = [{ to: [{ ipBlock: except ? { cidr, except } : { cidr } }] }])));
  const update = (newNp: NetworkPolicy, oldNp: NetworkPolicy) => render(validateNetworkPolicyUpdate(newNp, oldNp, validationOptionsFor(oldNp)));
  for (const [name, value] of CIDR_CASES) {
    updateCases++;
    const want = value === '' ? [req(`${path}.cidr`)] : [];
    t.same(update(policy(value), policy(value)), want, `cidr kept: ${name}`);
    const family = value.includes(':') ? '::/0' : '0.0.0.0/0';
    const oldExcept = policy(family, [value]);
    const kept = update(policy(family, [value]), oldExcept).filter((e) => !e.includes('strict subset'));
    t.same(kept, [], `except kept: ${name}`);
    // Moved from except to cidr: still a value of the old object.
    t.same(update(policy(value), oldExcept), want, `moved from except to cidr: ${name}`);
  }
  // A value the old object did not have is validated strictly.
  t.same(
    update(policy('10.0.0.1/8'), policy('10.0.0.2/8')),
    [inv(`${path}.cidr`, '"10.0.0.1/8"', 'must not have bits set beyond the prefix length')],
    'a new bad value is rejected',
  );
});

t.test('TestGetWarningsForCIDR', async (t) => {
  const path = FieldPath.root('spec').child('loadBalancerSourceRanges').index(0);
  const p = 'spec.loadBalancerSourceRanges[0]';
  const cases: [string, string, string[]][] = [
    ['IPv4 No failures', '192.12.2.0/24', []],
    ['IPv6 No failures', '2001:db8::/64', []],
    ['IPv4 with leading zeros', '192.012.2.0/24', [`${p}: non-standard CIDR value "192.012.2.0/24" will be considered invalid in a future Kubernetes release: use "192.12.2.0/24"`]],
    ['leading zeros in prefix length', '192.12.2.0/024', [`${p}: non-standard CIDR value "192.12.2.0/024" will be considered invalid in a future Kubernetes release: use "192.12.2.0/24"`]],
    ['IPv4-mapped IPv6', '::ffff:192.12.2.0/120', [`${p}: non-standard CIDR value "::ffff:192.12.2.0/120" will be considered invalid in a future Kubernetes release: use "192.12.2.0/24"`]],
    ['bits after prefix length', '192.12.2.8/24', [`${p}: CIDR value "192.12.2.8/24" is ambiguous in this context (should be "192.12.2.0/24" or "192.12.2.8/32"?)`]],
    [
      'multiple problems',
      '192.012.2.8/24',
      [
        `${p}: CIDR value "192.012.2.8/24" is ambiguous in this context (should be "192.12.2.0/24" or "192.12.2.8/32"?)`,
        `${p}: non-standard CIDR value "192.012.2.8/24" will be considered invalid in a future Kubernetes release: use "192.12.2.0/24"`,
      ],
    ],
    ['IPv6 non-canonical format', '2001:db8:0:0::/64', [`${p}: IPv6 CIDR value "2001:db8:0:0::/64" should be in RFC 5952 canonical format ("2001:db8::/64")`]],
  ];
  for (const [name, cidr, want] of cases) t.same(cidrWarnings(path, cidr), want, name);
});

// ---------------------------------------------------------------------------------------------
// pkg/apis/networking/v1/defaults_test.go TestSetDefaultNetworkPolicy, and defaults.go.

t.test('TestSetDefaultNetworkPolicy', async (t) => {
  const ab = { matchLabels: { a: 'b' } };
  const cd = { matchLabels: { c: 'd' } };
  const defaulted = (s: object) => (defaultNetworkPolicy({ spec: s }).object as { spec: unknown }).spec;
  const cases: [string, object, object][] = [
    ['Empty NetworkPolicy should be set to PolicyTypes Ingress', { podSelector: ab }, { podSelector: ab, policyTypes: ['Ingress'] }],
    ['Empty Ingress NetworkPolicy should be set to PolicyTypes Ingress', { podSelector: ab, ingress: [] }, { podSelector: ab, ingress: [], policyTypes: ['Ingress'] }],
    [
      'Defined Ingress and Egress should be set to Ingress,Egress',
      { podSelector: ab, ingress: [{ from: [{ podSelector: cd, namespaceSelector: cd }] }], egress: [{ to: [{ namespaceSelector: cd }] }] },
      {
        podSelector: ab,
        ingress: [{ from: [{ podSelector: cd, namespaceSelector: cd }] }],
        egress: [{ to: [{ namespaceSelector: cd }] }],
        policyTypes: ['Ingress', 'Egress'],
      },
    ],
    [
      'Egress only with unset PolicyTypes should be set to Ingress, Egress',
      { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }] },
      { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }], policyTypes: ['Ingress', 'Egress'] },
    ],
    [
      'Egress only with PolicyTypes set to Egress should be set to only Egress',
      { podSelector: ab, egress: [{ to: [{ namespaceSelector: { matchLabels: { Egress: 'only' } } }] }], policyTypes: ['Egress'] },
      { podSelector: ab, egress: [{ to: [{ namespaceSelector: { matchLabels: { Egress: 'only' } } }] }], policyTypes: ['Egress'] },
    ],
  ];
  for (const [name, input, want] of cases) {
    defaultingCases++;
    t.same(defaulted(input), want, name);
  }
  // SetDefaults_NetworkPolicyPort: every port entry without a protocol gets TCP, ingress and
  // egress alike; an explicit protocol (even an invalid one) is kept.
  defaultingCases++;
  t.same(
    defaulted({ podSelector: ab, ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 53 }, {}] }], egress: [{ ports: [{ port: 'dns' }, { protocol: 'ICMP' }] }] }),
    {
      podSelector: ab,
      ingress: [{ ports: [{ port: 80, protocol: 'TCP' }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP' }] }],
      egress: [{ ports: [{ port: 'dns', protocol: 'TCP' }, { protocol: 'ICMP' }] }],
      policyTypes: ['Ingress', 'Egress'],
    },
    'SetDefaults_NetworkPolicyPort',
  );
  defaultingCases++;
  t.same(defaulted({ egress: [], policyTypes: [] }), { egress: [], policyTypes: ['Ingress'] }, 'len(policyTypes) == 0 and len(egress) == 0');
});

t.test('case count', async (t) => {
  t.comment(`validation: ${validationCases}, update: ${updateCases}, defaulting: ${defaultingCases}`);
  t.ok(validationCases > 0 && updateCases > 0 && defaultingCases > 0);
});
