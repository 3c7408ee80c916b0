/**
 * simulate's small languages: `--port 80`, `80/UDP`, `serve-80-tcp`, `dns/UDP`; and endpoint
 * selectors for --from/--to: `NS/NAME` (one pod), `NS/*` (every pod of a namespace),
 * `cidr:203.0.113.0/24` or `cidr:192.0.2.1` (an address outside the pods), or a label selector
 * on pods in kubectl's syntax (`app=web,tier!=db,env in (a,b),!legacy`), optionally after `NS/`.
 */
import type { Probe } from '../connectivity/index.js';
import type { Protocol } from '../connectivity/index.js';
import { addressRange } from '../connectivity/blocks.js';
import { NpgError } from '../errors.js';
import type { LabelSelector, LabelSelectorRequirement } from '../k8s/types.js';

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function parsePort(text: string): Probe {
  const [portText = '', protoText, extra] = text.split('/');
  if (extra !== undefined) throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: expected PORT or PORT/PROTOCOL`);
  const protocol = (protoText ?? 'TCP').toUpperCase() as Protocol;
  if (!PROTOCOLS.includes(protocol)) throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: protocol must be TCP, UDP or SCTP`);
  if (/^\d+$/.test(portText)) {
    const port = Number(portText);
    if (port < 1 || port > 65535) throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: a port number is 1-65535`);
    return { port, protocol };
  }
  if (portText.length > 15 || !PORT_NAME.test(portText) || !/[a-z]/.test(portText)) {
    throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: expected a number 1-65535 or a container port name (lowercase letters, digits and '-', at most 15 characters)`);
  }
  return { port: portText, protocol };
}

export type EndpointSelector =
  | { readonly kind: 'pod'; readonly key: string }
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'labels'; readonly namespace?: string; readonly selector: LabelSelector }
  | { readonly kind: 'external'; readonly address: string };

function fail(flag: string, text: string, why: string): never {
  throw new NpgError('NPG_OPTION_INVALID', `${flag} ${JSON.stringify(text)}: ${why}`);
}

/** Splits on commas outside parentheses. */
function terms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/** kubectl's label selector syntax, to a LabelSelector (matched by the one selector matcher). */
export function parseLabelSelector(text: string, flag: string): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const term of terms(text)) {
    let m: RegExpMatchArray | null;
    if (term === '') fail(flag, text, 'empty selector term');
    if ((m = term.match(/^([^\s=!(),]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const values = (m[3] as string).split(',').map((v) => v.trim());
      matchExpressions.push({ key: m[1] as string, operator: m[2] === 'in' ? 'In' : 'NotIn', values });
    } else if ((m = term.match(/^([^\s=!(),]+)\s*!=\s*([^\s=!(),]*)$/))) {
      matchExpressions.push({ key: m[1] as string, operator: 'NotIn', values: [m[2] as string] });
    } else if ((m = term.match(/^([^\s=!(),]+)\s*==?\s*([^\s=!(),]*)$/))) {
      matchLabels[m[1] as string] = m[2] as string;
    } else if ((m = term.match(/^!([^\s=!(),]+)$/))) {
      matchExpressions.push({ key: m[1] as string, operator: 'DoesNotExist' });
    } else if ((m = term.match(/^([^\s=!(),]+)$/))) {
      matchExpressions.push({ key: m[1] as string, operator: 'Exists' });
    } else {
      fail(flag, text, `cannot read the selector term ${JSON.stringify(term)}`);
    }
  }
  return { ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}), ...(matchExpressions.length > 0 ? { matchExpressions } : {}) };
}

export function parseEndpointSelector(text: string, flag: string): EndpointSelector {
  if (text.startsWith('cidr:')) {
    const address = text.slice(5);
    if (!addressRange(address)) fail(flag, text, 'not an IP address or CIDR');
    return { kind: 'external', address };
  }
  const slash = text.indexOf('/');
  if (slash > 0) {
    const namespace = text.slice(0, slash);
    const rest = text.slice(slash + 1);
    if (rest === '*' || rest === '') return { kind: 'namespace', namespace };
    if (/[=!()\s,]/.test(rest)) return { kind: 'labels', namespace, selector: parseLabelSelector(rest, flag) };
    return { kind: 'pod', key: `${namespace}/${rest}` };
  }
  if (/[=!]/.test(text) || / in | notin /.test(text)) return { kind: 'labels', selector: parseLabelSelector(text, flag) };
  return fail(flag, text, 'expected NAMESPACE/POD, NAMESPACE/*, a label selector (app=web) or cidr:ADDRESS');
}
