/**
 * The embedded default org policy, used when no --policy file is given: every rule of the
 * catalogue at its default action and parameters, written out from the rules themselves. The
 * chart's values.yaml carries the same `rules:` entries (`npm run sync:chart-schema` writes them
 * there; a test keeps the two in step). `netpol-guard policy` prints this text as a starting
 * point for your own; docs/policy.md gives the reason for each default.
 */
import yaml from 'js-yaml';
import { type CatalogueRule, POLICY_CATALOGUE, isAuditRule } from './catalogue.js';

/** YAML flow style on one line; `off` comes out quoted, so YAML 1.1 readers (helm) keep it a string. */
function flow(value: unknown): string {
  return yaml.dump(value, { flowLevel: 0, lineWidth: -1 }).trimEnd();
}

/**
 * The `rules:` entries of a policy with every rule at its default, each under its title, the
 * cluster-aware ones under a note; `indent` is the entries' indentation.
 */
export function defaultRuleEntries(rules: readonly CatalogueRule[], indent: string): string {
  const lines: string[] = [];
  let clusterNote = false;
  let auditNote = false;
  let impactNote = false;
  for (const rule of rules) {
    if (isAuditRule(rule)) {
      if (!auditNote) {
        lines.push(
          `${indent}# Audit rules: \`netpol-guard audit\` runs them over the cluster's policies as a whole;`,
          `${indent}# admission never does.`,
        );
        auditNote = true;
      }
    } else if (rule.impact && !impactNote) {
      lines.push(
        `${indent}# Impact rules: what the change does to traffic between the cluster's pods (flows cut, pods`,
        `${indent}# opened). Warn by default (docs/policy.md says why); to stop large cuts, set`,
        `${indent}# impact-cuts-existing-flows to deny with a threshold.`,
      );
      impactNote = true;
    } else if (rule.cluster === 'needs' && !clusterNote) {
      lines.push(
        `${indent}# Cluster-aware rules: they judge against the live cluster (the webhook's informers, or the`,
        `${indent}# CLI's --cluster-state) and are skipped, visibly, without it.`,
      );
      clusterNote = true;
    }
    lines.push(`${indent}# ${rule.title}`);
    const params = rule.params.parse({}) as Record<string, unknown>;
    if (Object.keys(params).length === 0) {
      lines.push(`${indent}${rule.id}: {action: ${flow(rule.defaultAction)}}`);
    } else {
      lines.push(`${indent}${rule.id}:`, `${indent}  action: ${flow(rule.defaultAction)}`, `${indent}  params: ${flow(params)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const BUILTIN_POLICY_YAML = `# netpol-guard org policy (the built-in default).
apiVersion: netpol-guard.io/v1alpha1
kind: OrgPolicy
# enforce: each rule's action applies. warn: every deny becomes a warning. audit: allow
# everything; findings only reach audit annotations, logs and metrics.
mode: enforce
rules:
${defaultRuleEntries(POLICY_CATALOGUE, '  ')}exemptions:
  - namespaces: [kube-system]
    reason: cluster components manage their own policies
objectExemptions:
  # When on, a policy may exempt itself with the annotations netpol-guard.io/exempt (rule ids)
  # and netpol-guard.io/exempt-reason; every use is recorded in the audit annotations.
  enabled: false
  allowedRules: []
`;
