/**
 * impact's --port values, parsed without spawning the CLI: numbers, protocols, names, and the
 * mistakes that get a usage error.
 */
import t from 'tap';
import { parsePortOption, runImpact } from '../../src/cli/impact.js';

t.test('--port values', async (t) => {
  t.same(parsePortOption('80'), { port: 80, protocol: 'TCP' });
  t.same(parsePortOption('53/udp'), { port: 53, protocol: 'UDP' });
  t.same(parsePortOption('serve-80-sctp/SCTP'), { port: 'serve-80-sctp', protocol: 'SCTP' });
  t.throws(() => parsePortOption('70000'), /--port "70000": a port number is 1-65535/);
  t.throws(() => parsePortOption('0'), /a port number is 1-65535/);
  t.throws(() => parsePortOption('80/ICMP'), /expected PORT or PORT\/PROTOCOL with TCP, UDP or SCTP/);
  t.throws(() => parsePortOption('80/TCP/x'), /expected PORT or PORT\/PROTOCOL/);
  t.throws(() => parsePortOption('Not_A_Name'), /not a port number or a container port name/);
});

t.test('-o takes a format of the table, checked before any input is read', async (t) => {
  await t.rejects(runImpact(['-o', 'yaml', 'missing.yaml']), { code: 'NPG_OPTION_INVALID', message: '-o must be text or json, got "yaml"' });
});
