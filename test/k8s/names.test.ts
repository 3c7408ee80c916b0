// Cases from upstream content/dns_test.go, content/kube_test.go, util/validation/validation_test.go
// (TestIsDNS1123Label, TestIsDNS1123Subdomain, TestIsDNS1035Label, TestIsQualifiedName,
// TestIsValidLabelValue, TestIsValidPortNum, TestIsValidPortName) and api/validation generic.go.
import t from 'tap';
import {
  emptyError,
  goBytes,
  goLen,
  inclusiveRangeError,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  contentMaxLenError,
  maxLenError,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  prefixEach,
  regexError,
  validateNamespaceName,
} from '../../src/k8s/names.js';

const LABEL_RE = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const SUBDOMAIN_RE = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" +
  LABEL_RE +
  "')";
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" +
  SUBDOMAIN_RE +
  "')";
const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const KEY_NAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

t.test('message helpers', async (t) => {
  t.equal(maxLenError(63), 'must be no more than 63 characters', 'util/validation.MaxLenError');
  t.equal(contentMaxLenError(63), 'must be no more than 63 bytes', 'content.MaxLenError');
  t.equal(emptyError(), 'must be non-empty');
  t.equal(inclusiveRangeError(1, 65535), 'must be between 1 and 65535, inclusive');
  t.equal(regexError('bad', 'x+'), "bad (regex used for validation is 'x+')");
  t.equal(regexError('bad', 'x+', 'x'), "bad (e.g. 'x', regex used for validation is 'x+')");
  // Upstream appends "', " after each example and " or " before the next: two spaces.
  t.equal(regexError('bad', 'x+', 'x', 'xx', 'xxx'), "bad (e.g. 'x',  or 'xx',  or 'xxx', regex used for validation is 'x+')");
  const msgs = ['a', 'b'];
  t.same(prefixEach(msgs, 'p '), ['p a', 'p b']);
});

t.test('goLen and goBytes count UTF-8 bytes', async (t) => {
  t.equal(goLen('abc'), 3);
  t.equal(goLen('é'), 2);
  t.equal(goLen('€'), 3);
  t.equal(goLen('😀'), 4);
  t.equal(goLen('\ud800'), 3, 'a lone surrogate becomes U+FFFD');
  t.equal(goBytes('é'), '\u00c3\u00a9');
  t.equal(goBytes('😀').length, 4);
});

t.test('TestIsDNS1123Label', async (t) => {
  const good = ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2', 'a'.repeat(63)];
  for (const v of good) t.same(isDNS1123Label(v), [], `valid: ${v}`);
  const bad = [
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2', 'a'.repeat(64),
  ];
  for (const v of bad) t.not(isDNS1123Label(v).length, 0, `invalid: ${JSON.stringify(v)}`);
  t.same(isDNS1123Label('a.b'), ['must not contain dots']);
  t.same(isDNS1123Label('A'), [DNS1123_LABEL_MSG]);
  t.same(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  t.same(isDNS1123Label('A'.repeat(64)), ['must be no more than 63 characters', DNS1123_LABEL_MSG]);
  t.same(isDNS1123Label('é'), [DNS1123_LABEL_MSG]);
  t.same(isDNS1123Label('a'.repeat(62) + 'é'), ['must be no more than 63 characters', DNS1123_LABEL_MSG], '64 bytes, 63 chars');
});

t.test('TestIsDNS1123Subdomain', async (t) => {
  const good = [
    'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '012', '1a', '1-a', '1--a--b--2',
    'a.a', 'ab.a', 'abc.a', 'a1.a', 'a-1.a', 'a--1--2--b.a', 'a.1', 'ab.1', 'abc.1', 'a1.1', 'a-1.1', 'a--1--2--b.1',
    '0.a', '01.a', '012.a', '1a.a', '1-a.a', '1--a--b--2', '0.1', '01.1', '012.1', '1a.1', '1-a.1', '1--a--b--2.1',
    'a.b.c.d.e', 'aa.bb.cc.dd.ee', '1.2.3.4.5', '11.22.33.44.55', 'a'.repeat(253),
  ];
  for (const v of good) t.same(isDNS1123Subdomain(v), [], `valid: ${v}`);
  const bad = [
    '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1', '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2',
    '.', 'a.', '.a', 'a..b', '1.', '.1', '1..2', ' ', 'a ', ' a', 'a b', '1 ', ' 1', '1 2',
    'A.a', 'aB.a', 'ab.A', 'A1.a', 'a1.A', 'A.1', 'aB.1', 'A1.1', '1A.1', '0.A', '01.A', '012.A', '1A.a', '1a.A',
    'A.B.C.D.E', 'AA.BB.CC.DD.EE', 'a.B.c.d.e', 'aa.bB.cc.dd.ee', 'a@b', 'a,b', 'a_b', 'a;b', 'a:b', 'a%b', 'a?b', 'a$b',
    'a'.repeat(254),
  ];
  for (const v of bad) t.not(isDNS1123Subdomain(v).length, 0, `invalid: ${JSON.stringify(v)}`);
  t.same(isDNS1123Subdomain('A'), [DNS1123_SUBDOMAIN_MSG]);
  t.same(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  t.same(isDNS1123Subdomain('-'.repeat(254)), ['must be no more than 253 characters', DNS1123_SUBDOMAIN_MSG]);
});

t.test('TestIsDNS1035Label', async (t) => {
  for (const v of ['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', 'a'.repeat(63)]) t.same(isDNS1035Label(v), [], v);
  const bad = [
    '0', '01', '012', '1a', '1-a', '1--a--b--2', '', 'A', 'ABC', 'aBc', 'A1', 'A-1', '1-A', '-', 'a-', '-a', '1-', '-1',
    '_', 'a_', '_a', 'a_b', '1_', '_1', '1_2', '.', 'a.', '.a', 'a.b', '1.', '.1', '1.2', ' ', 'a ', ' a', 'a b', '1 ',
    ' 1', '1 2', 'a'.repeat(64),
  ];
  for (const v of bad) t.not(isDNS1035Label(v).length, 0, `invalid: ${JSON.stringify(v)}`);
  t.same(isDNS1035Label('1a'), [DNS1035_LABEL_MSG]);
  t.same(isDNS1035Label('a'.repeat(64)), ['must be no more than 63 characters']);
});

t.test('TestIsValidPortNum', async (t) => {
  for (const v of [1, 2, 1000, 16384, 32768, 65535]) t.same(isValidPortNum(v), [], String(v));
  for (const v of [0, -1, 65536, 100000]) t.same(isValidPortNum(v), ['must be between 1 and 65535, inclusive'], String(v));
});

t.test('TestIsValidPortName', async (t) => {
  for (const v of ['telnet', 're-mail-ck', 'pop3', 'a', 'a-1', '1-a', 'a-1-b-2-c', '1-a-2-b-3']) {
    t.same(isValidPortName(v), [], v);
  }
  const bad = ['longerthan15characters', '', 'a'.repeat(16), '12345', '1-2-3-4', '-begin', 'end-', 'two--hyphens', 'whois++'];
  for (const v of bad) t.not(isValidPortName(v).length, 0, `invalid: ${JSON.stringify(v)}`);
  t.same(isValidPortName('a'.repeat(16)), ['must be no more than 15 characters']);
  t.same(isValidPortName('whois++'), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
  t.same(isValidPortName('12345'), ['must contain at least one letter (a-z)']);
  t.same(isValidPortName('two--hyphens'), ['must not contain consecutive hyphens']);
  t.same(isValidPortName('-begin'), ['must not begin or end with a hyphen']);
  t.same(isValidPortName(''), [
    'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'must contain at least one letter (a-z)',
  ]);
  t.same(isValidPortName('-'.repeat(16)), [
    'must be no more than 15 characters',
    'must contain at least one letter (a-z)',
    'must not contain consecutive hyphens',
    'must not begin or end with a hyphen',
  ]);
});

t.test('TestIsQualifiedName', async (t) => {
  const good = [
    'simple', 'now-with-dashes', '1-starts-with-num', '1234', 'simple/simple', 'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes', 'now.with.dots/simple', 'now-with.dashes-and.dots/simple', '1-num.2-num/3-num',
    '1234/5678', '1.2.3.4/5678', 'Uppercase_Is_OK_123', 'example.com/Uppercase_Is_OK_123', 'requests.storage-foo',
    'a'.repeat(63), 'a'.repeat(253) + '/' + 'b'.repeat(63),
  ];
  for (const v of good) t.same(isQualifiedName(v), [], v);
  const bad = [
    'nospecialchars%^=@', 'cantendwithadash-', '-cantstartwithadash-', 'only/one/slash', 'Example.com/abc',
    'example_com/abc', 'example.com/', '/simple', 'a'.repeat(64), 'a'.repeat(254) + '/abc',
  ];
  for (const v of bad) t.not(isQualifiedName(v).length, 0, `invalid: ${v.slice(0, 40)}`);

  t.same(isQualifiedName('cantendwithadash-'), ['name part ' + KEY_NAME_MSG]);
  t.same(isQualifiedName('only/one/slash'), [
    'a valid label key ' + KEY_NAME_MSG + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
  ]);
  t.same(isQualifiedName('/simple'), ['prefix part must be non-empty']);
  t.same(isQualifiedName('example.com/'), ['name part must be non-empty', 'name part ' + KEY_NAME_MSG]);
  t.same(isQualifiedName(''), ['name part must be non-empty', 'name part ' + KEY_NAME_MSG]);
  t.same(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 bytes']);
  t.same(isQualifiedName('Example.com/abc'), ['prefix part ' + DNS1123_SUBDOMAIN_MSG]);
  t.same(isQualifiedName('a'.repeat(254) + '/abc'), ['prefix part must be no more than 253 bytes']);
  t.same(isQualifiedName('é'), ['name part ' + KEY_NAME_MSG]);
});

t.test('TestIsValidLabelValue', async (t) => {
  for (const v of ['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), '']) {
    t.same(isValidLabelValue(v), [], JSON.stringify(v));
  }
  const bad = [
    'nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash',
    'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.', 'a'.repeat(64),
  ];
  for (const v of bad) t.not(isValidLabelValue(v).length, 0, `invalid: ${v}`);
  t.same(isValidLabelValue('-starts-with-dash'), [LABEL_VALUE_MSG]);
  t.same(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 bytes']);
  t.same(isValidLabelValue('-'.repeat(64)), ['must be no more than 63 bytes', LABEL_VALUE_MSG]);
});

t.test('name functions and maskTrailingDash', async (t) => {
  // TestValidateObjectMetaTrimsTrailingDash: "foo-" is a valid generateName.
  t.same(nameIsDNSSubdomain('foo-', true), []);
  t.same(nameIsDNSSubdomain('foo-', false), [DNS1123_SUBDOMAIN_MSG]);
  t.same(nameIsDNSSubdomain('a-', true), []);
  t.same(nameIsDNSSubdomain('-', true), [DNS1123_SUBDOMAIN_MSG], 'a single dash is not masked');
  t.same(nameIsDNSSubdomain('foo--', true), [], 'only the last dash is masked, and the byte before it dropped');
  // Masking drops two bytes and appends one, so a 254-byte generateName passes the 253 limit.
  t.same(nameIsDNSSubdomain('a'.repeat(253) + '-', true), []);
  t.same(nameIsDNSSubdomain('a'.repeat(254) + '-', true), ['must be no more than 253 characters']);
  // A multi-byte character before the dash is cut in half and stays invalid.
  t.same(nameIsDNSSubdomain('é-', true), [DNS1123_SUBDOMAIN_MSG]);
  t.same(nameIsDNSLabel('foo-', true), []);
  t.same(nameIsDNSLabel('a.b', false), ['must not contain dots']);
  t.same(nameIsDNS1035Label('a-', true), []);
  t.same(nameIsDNS1035Label('1-', true), [], 'the byte before the dash is dropped with it');
  t.same(nameIsDNS1035Label('1a-', true), [DNS1035_LABEL_MSG]);
  t.equal(validateNamespaceName, nameIsDNSLabel);
});
