/**
 * `netpol-guard explain` output: an Explanation as a few short paragraphs of plain text (no
 * colour codes; the command adds colour on terminals), or as JSON (`-o json`), which is the
 * Explanation itself.
 */
import type { ClusterExplanation, DirectionExplanation, Explanation, RuleExplanation } from '../netpol/explain/index.js';

export interface RenderTextOptions {
  /** The source line of a field (`spec.ingress[0]`), when the object came from a file. */
  readonly lineOf?: (field: string) => number | undefined;
}

const INDENT = '  ';

function where(field: string, opts: RenderTextOptions): string {
  const line = opts.lineOf?.(field);
  return line === undefined ? field : `${field}, line ${line}`;
}

function heading(e: Explanation): string {
  const name = e.name ?? '(unnamed)';
  return `NetworkPolicy ${name} in ${e.namespace.text}`;
}

function ruleLines(rule: RuleExplanation, opts: RenderTextOptions): string[] {
  const at = `Rule ${rule.number} (${where(rule.field, opts)})`;
  if (rule.peers.length <= 1) {
    const reading = [rule.peers[0]?.reading ?? '', rule.reading].filter(Boolean).join(' ');
    return [`${INDENT}${at} allows connections ${rule.peersText}, ${rule.portsText}.`, ...readingLines(reading, 2)];
  }
  const lines = [`${INDENT}${at} allows connections ${rule.peersText}, ${rule.portsText}:`];
  for (const peer of rule.peers) {
    lines.push(`${INDENT.repeat(2)}- ${peer.text}`);
    if (peer.reading) lines.push(`${INDENT.repeat(3)}${peer.reading}`);
  }
  lines.push(...readingLines(rule.reading, 2));
  return lines;
}

function readingLines(reading: string, depth: number): string[] {
  return reading ? [`${INDENT.repeat(depth)}${reading}`] : [];
}

function directionParagraph(d: DirectionExplanation, opts: RenderTextOptions): string[] {
  const title = d.direction === 'ingress' ? 'Ingress (connections to the selected pods)' : 'Egress (connections from the selected pods)';
  const state = d.isolated ? 'isolated' : 'not isolated';
  const inferred = d.policyTypes === 'inferred' ? ' [policyTypes inferred]' : '';
  const lines = [`${title}: ${state}${inferred}. ${d.reason}`];
  if (d.isolated || d.rules.length > 0) {
    for (const rule of d.rules) lines.push(...ruleLines(rule, opts));
  }
  lines.push(`${INDENT}${d.consequence}`);
  return lines;
}

function clusterParagraph(c: ClusterExplanation, e: Explanation): string[] {
  const lines = [`In the cluster (${c.source}):`];
  const s = c.selects;
  const shown = s.pods.slice(0, 5);
  const more = s.count - shown.length;
  lines.push(
    s.count === 0
      ? `${INDENT}Selects no pod today${c.selects.namespaceExists ? '' : ` (namespace ${e.namespace.name ?? 'default'} does not exist)`}.`
      : `${INDENT}Selects ${s.count} pod${s.count === 1 ? '' : 's'}: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}.`,
  );
  if (s.hostNetwork.length > 0) lines.push(`${INDENT}On the host network, so not isolated by any policy: ${s.hostNetwork.join(', ')}.`);
  for (const [direction, rules] of [['Ingress', c.ingress], ['Egress', c.egress]] as const) {
    rules.forEach((rule, i) => {
      if (rule.peers.length === 0) return;
      lines.push(`${INDENT}${direction} rule ${i + 1}:`);
      for (const peer of rule.peers) lines.push(`${INDENT.repeat(2)}- ${peer.field.slice(peer.field.lastIndexOf('.') + 1)}: ${peer.text}`);
    });
  }
  return lines;
}

/** The explanation as text, ending in a newline. Never throws. */
export function renderExplanationText(e: Explanation, opts: RenderTextOptions = {}): string {
  const paragraphs: string[][] = [[heading(e)]];
  if (e.problems.length > 0) {
    const lines = [e.decoded ? 'Problems:' : 'This object cannot be explained: it does not decode as a NetworkPolicy.'];
    for (const p of e.problems) {
      lines.push(`${INDENT}- ${p.message}${p.field && opts.lineOf?.(p.field) !== undefined ? ` (line ${opts.lineOf(p.field)})` : ''}`);
      lines.push(`${INDENT.repeat(2)}${p.consequence}`);
    }
    paragraphs.push(lines);
  }
  if (e.decoded && e.selects && e.ingress && e.egress) {
    paragraphs.push([e.summary]);
    paragraphs.push(directionParagraph(e.ingress, opts));
    paragraphs.push(directionParagraph(e.egress, opts));
    paragraphs.push(
      e.defaulting.length === 0
        ? ['Defaulting: the API server adds nothing.']
        : ['Defaulting by the API server:', ...e.defaulting.map((d) => `${INDENT}- ${d.text}`)],
    );
    if (e.notes.length > 0) paragraphs.push(['Notes:', ...e.notes.map((n) => `${INDENT}- ${n}`)]);
    if (e.cluster) paragraphs.push(clusterParagraph(e.cluster, e));
  }
  return `${paragraphs.map((p) => p.join('\n')).join('\n\n')}\n`;
}

/** Several explanations (a multi-document file), separated as YAML documents are. */
export function renderExplanationsText(explanations: readonly Explanation[], opts: readonly RenderTextOptions[] = []): string {
  return explanations.map((e, i) => renderExplanationText(e, opts[i] ?? {})).join('---\n');
}

/** `-o json`: one Explanation as an object, several as a list; two-space indented, ending in a newline. */
export function renderExplanationJson(explanations: Explanation | readonly Explanation[]): string {
  return `${JSON.stringify(explanations, null, 2)}\n`;
}
