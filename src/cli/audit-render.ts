/**
 * Output of `netpol-guard audit` besides HTML: text (summary, then findings per namespace,
 * coloured only on a terminal), JSON (the AuditReport, documented in docs/cli.md), and SARIF
 * 2.1.0 (the same log `check` writes, with logical locations: there is no file to point at).
 */
import type { AuditFinding, AuditReport } from '../audit/types.js';
import { AUDIT_RULES } from '../audit/rules/index.js';
import { ALL_RULES } from '../rules/index.js';
import { type Style, sarifLog } from './check-render.js';
import { catalogueEntries } from './catalogue-render.js';

export function renderAuditJson(report: AuditReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

function pct(n: number, total: number): string {
  return total === 0 ? '-' : `${Math.round((100 * n) / total)}%`;
}

function subjectText(f: AuditFinding): string {
  const s = f.subject;
  if (s.kind === 'Namespace') return `Namespace ${s.name}`;
  return `${s.kind} ${s.namespace !== undefined ? `${s.namespace}/` : ''}${s.name}`;
}

function findingLine(f: AuditFinding, s: Style): string {
  const label = f.effect === 'deny' ? s.red('deny ') : f.effect === 'warn' ? s.yellow('warn ') : s.dim(f.effect.padEnd(5));
  const exempt = f.exemption ? s.dim(` (${f.exemption})`) : '';
  return `    ${label} [${f.rule}] ${f.field}: ${f.message}; ${f.fix}${exempt}`;
}

export function renderAuditText(report: AuditReport, s: Style): string {
  const out: string[] = [];
  const sum = report.summary;
  out.push(s.bold(`Audit of ${report.source}${report.scope.length ? ` (namespaces: ${report.scope.join(', ')})` : ''}`));
  out.push(
    `  ${sum.namespaces} namespaces, ${sum.pods} pods (${sum.hostNetworkPods} on the host network), ${sum.workloads} workloads, ${sum.networkPolicies} NetworkPolicies, ${sum.clusterNetworkPolicies} ClusterNetworkPolicies`,
  );
  for (const dir of ['ingress', 'egress'] as const) {
    const c = sum[dir];
    out.push(`  ${dir.padEnd(7)} isolated: ${c.isolated} pods (${pct(c.isolated, c.isolated + c.notIsolated)}), not isolated: ${c.notIsolated}`);
  }
  const counts = Object.entries(sum.findings.byRule).filter(([, n]) => n > 0).map(([rule, n]) => `${rule} ${n}`);
  out.push(`  findings: ${sum.findings.total} (${sum.findings.deny} deny, ${sum.findings.warn} warn, ${sum.findings.exempt} exempt)${counts.length ? `: ${counts.join(', ')}` : ''}`);
  const groups = new Map<string, AuditFinding[]>();
  for (const f of report.findings) {
    const key = f.namespace ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const [ns, findings] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    out.push('', s.bold(ns === '' ? 'Cluster-wide' : `Namespace ${ns}`));
    let last = '';
    for (const f of findings) {
      const subject = subjectText(f);
      if (subject !== last) out.push(`  ${subject}`);
      last = subject;
      out.push(findingLine(f, s));
    }
  }
  if (report.notJudged.length > 0) {
    out.push('', s.bold('Not judged'));
    for (const n of report.notJudged) out.push(`  ${s.yellow(n.what)}: ${n.reason}`);
  }
  return out.join('\n') + '\n';
}

export function renderAuditSarif(report: AuditReport): string {
  const results = report.findings
    .filter((f) => f.effect !== 'exempt')
    .map((f) => ({
      ruleId: f.rule,
      level: f.effect === 'deny' ? 'error' : f.effect === 'warn' ? 'warning' : 'note',
      message: { text: `${subjectText(f)}: ${f.field}: ${f.message}; ${f.fix}` },
      locations: [
        {
          logicalLocations: [
            { fullyQualifiedName: `${f.subject.kind}/${f.subject.namespace !== undefined ? `${f.subject.namespace}/` : ''}${f.subject.name}`, name: f.subject.name, kind: 'resource' },
          ],
        },
      ],
      ...(f.related.length ? { properties: { related: f.related } } : {}),
    }));
  return sarifLog(catalogueEntries([...ALL_RULES, ...AUDIT_RULES]), results);
}

/** 1 when a finding's effect is deny, else 0; 2 (input errors) is the caller's. */
export function auditExitCode(report: AuditReport, strict: boolean): number {
  if (report.summary.findings.deny > 0) return 1;
  if (strict && report.summary.findings.warn > 0) return 1;
  return 0;
}
