/**
 * Output of `netpol-guard check`: text (grouped by file and object, coloured only on a
 * terminal), JSON (the CheckReport, documented in docs/cli.md), and SARIF 2.1.0 for
 * code-scanning tools.
 */
import { type CatalogueEntry, catalogueEntries } from './catalogue-render.js';
import type { AnyRule } from '../rules/types.js';
import { VERSION } from '../version.js';
import type { CheckReport, CheckResult } from './check-report.js';

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const ansi = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
export const COLOR: Style = { red: ansi('31'), yellow: ansi('33'), green: ansi('32'), dim: ansi('2'), bold: ansi('1') };
export const PLAIN: Style = { red: (s) => s, yellow: (s) => s, green: (s) => s, dim: (s) => s, bold: (s) => s };

function verdictText(r: CheckResult, s: Style): string {
  switch (r.verdict) {
    case 'allowed':
      return r.warnings.length > 0 ? s.yellow('allowed with warnings') : s.green('allowed');
    case 'malformed':
      return s.red('rejected: cannot be decoded (HTTP 400)');
    case 'invalid':
      return s.red('rejected: invalid (HTTP 422)');
    case 'forbidden':
      return s.red('denied by org policy (HTTP 403)');
    default:
      return s.red(`denied (${r.verdict})`);
  }
}

export function renderText(report: CheckReport, s: Style): string {
  const out: string[] = [];
  const byFile = new Map<string, CheckResult[]>();
  for (const r of report.results) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  for (const e of report.errors) if (!byFile.has(e.file)) byFile.set(e.file, []);
  for (const [file, results] of byFile) {
    out.push(s.bold(file));
    for (const e of report.errors.filter((x) => x.file === file)) out.push(`  ${s.red('error')} ${e.line ? `line ${e.line}: ` : ''}${e.code}: ${e.message}`);
    for (const r of results) {
      out.push(`  NetworkPolicy ${r.namespace}/${r.name || '(no name)'} ${s.dim(`(line ${r.line})`)}: ${verdictText(r, s)}`);
      if (r.namespaceAssumed) out.push(`    ${s.dim(`note: no namespace in the object; "${r.namespace}" assumed (set metadata.namespace, or pass --namespace)`)}`);
      for (const d of r.decodeIssues) out.push(`    ${s.red('error')}   line ${d.line}: ${d.message}`);
      for (const v of r.validationErrors) out.push(`    ${s.red('invalid')} line ${v.line}: ${v.text}`);
      for (const f of r.findings) {
        const label = f.effect === 'deny' ? s.red('deny ') : f.effect === 'warn' ? s.yellow('warn ') : s.dim(f.effect.padEnd(5));
        const exempt = f.exemption ? s.dim(` (${f.exemption})`) : '';
        out.push(`    ${label}   line ${f.line}: [${f.rule}] ${f.field}: ${f.message}; ${f.fix}${exempt}`);
      }
      for (const w of r.nonFindingWarnings) out.push(`    ${s.yellow('warn ')}   ${w}`);
      for (const k of r.skippedRules.filter((k) => k.code !== 'cluster-off' && k.code !== 'impact-off')) out.push(`    ${s.dim(`skipped [${k.rule}]: ${k.reason}`)}`);
    }
  }
  const m = report.summary;
  const withoutCluster = new Set(report.results.flatMap((r) => r.skippedRules.filter((k) => k.code === 'cluster-off').map((k) => k.rule)));
  if (withoutCluster.size > 0) {
    out.push('', s.dim(`${withoutCluster.size} cluster-aware rule${withoutCluster.size === 1 ? ' was' : 's were'} not run: pass --cluster-state to judge against cluster manifests`));
  }
  const parts = [
    `${m.networkPolicies} NetworkPolic${m.networkPolicies === 1 ? 'y' : 'ies'} checked in ${m.files} file${m.files === 1 ? '' : 's'}: ${m.denied} denied, ${m.allowed} allowed (${m.withWarnings} with warnings)`,
  ];
  if (m.skipped) parts.push(`${m.skipped} other document${m.skipped === 1 ? '' : 's'} skipped`);
  if (m.inputErrors) parts.push(`${m.inputErrors} input error${m.inputErrors === 1 ? '' : 's'}`);
  const summary = parts.join(', ');
  out.push('', m.denied || m.inputErrors ? s.red(summary) : m.withWarnings ? s.yellow(summary) : s.green(summary));
  return out.join('\n') + '\n';
}

/** The JSON contract (docs/cli.md): each result without what only the text output needs. */
export function renderJson(report: CheckReport): string {
  const results = report.results.map(({ nonFindingWarnings: _textOnly, ...result }) => result);
  return JSON.stringify({ version: 1, ...report, results }, null, 2) + '\n';
}

/** The pseudo-rules for problems that do not come from the org policy. */
const BUILTIN_SARIF_RULES = [
  { id: 'api-validation', name: 'Rejected by Kubernetes API validation', help: 'The API server rejects this object (422 Invalid); fix the field as the message says.' },
  { id: 'decode', name: 'Not a decodable NetworkPolicy', help: 'Wrong types, unknown fields (kubectl strict field validation) or the wrong kind; the API server answers 400.' },
  { id: 'input', name: 'Unreadable input', help: 'The file cannot be read or is not valid YAML.' },
];

export function renderSarif(report: CheckReport, rules: readonly AnyRule[]): string {
  const catalogue = catalogueEntries(rules);
  const location = (file: string, line: number) => ({
    physicalLocation: { artifactLocation: { uri: file.replace(/\\/g, '/') }, region: { startLine: Math.max(1, line) } },
  });
  const results: unknown[] = [];
  for (const e of report.errors) results.push({ ruleId: 'input', level: 'error', message: { text: e.message }, locations: [location(e.file, e.line ?? 1)] });
  for (const r of report.results) {
    const where = `NetworkPolicy ${r.namespace}/${r.name}`;
    for (const d of r.decodeIssues) results.push({ ruleId: 'decode', level: 'error', message: { text: `${where}: ${d.message}` }, locations: [location(r.file, d.line)] });
    for (const v of r.validationErrors) results.push({ ruleId: 'api-validation', level: 'error', message: { text: `${where}: ${v.text}` }, locations: [location(r.file, v.line)] });
    for (const f of r.findings) {
      if (f.effect === 'exempt') continue;
      results.push({
        ruleId: f.rule,
        level: f.effect === 'deny' ? 'error' : f.effect === 'warn' ? 'warning' : 'note',
        message: { text: `${where}: ${f.field}: ${f.message}; ${f.fix}` },
        locations: [location(r.file, f.line)],
      });
    }
  }
  return sarifLog(catalogue, results);
}

/** A SARIF 2.1.0 log of netpol-guard's results, with the rule catalogue as the tool's rules (check and audit share it). */
export function sarifLog(catalogue: readonly CatalogueEntry[], results: readonly unknown[]): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol-guard',
            version: VERSION,
            informationUri: 'https://github.com/netpol-guard/netpol-guard',
            rules: [
              ...BUILTIN_SARIF_RULES.map((r) => ({ id: r.id, name: r.name, shortDescription: { text: r.name }, help: { text: r.help } })),
              ...catalogue.map((e) => ({
                id: e.id,
                name: e.title,
                shortDescription: { text: e.title },
                fullDescription: { text: e.description },
                help: { text: e.remediation },
                defaultConfiguration: { level: e.defaultAction === 'deny' ? 'error' : e.defaultAction === 'warn' ? 'warning' : 'none' },
              })),
            ],
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
