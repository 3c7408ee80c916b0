/** Label selectors in words: "pods labelled app=web and tier!=db". */
import type { LabelSelector, LabelSelectorRequirement } from '../../k8s/types.js';
import type { NamespaceExplanation, RequirementExplanation, Selection, SelectorExplanation } from './types.js';

function labelValue(key: string, value: string): string {
  return `${key}=${value === '' ? '""' : value}`;
}

function requirementOf(r: LabelSelectorRequirement): RequirementExplanation {
  const values = r.values ?? [];
  let text: string;
  switch (r.operator) {
    case 'In':
      text = values.length === 0 ? `${r.key} in an empty set (matches nothing)` : values.map((v) => labelValue(r.key, v)).join(' or ');
      break;
    case 'NotIn':
      text = values.map((v) => `${r.key}!=${v === '' ? '""' : v}`).join(' and ');
      break;
    case 'Exists':
      text = `with a label ${r.key} (any value)`;
      break;
    case 'DoesNotExist':
      text = `without a label ${r.key}`;
      break;
    default:
      text = `${r.key} ${r.operator} (${values.join(', ')})`;
  }
  return { key: r.key, operator: r.operator, values, text };
}

/** The qualifier that follows "pods" or "namespaces". */
export function explainSelector(selector: LabelSelector): SelectorExplanation {
  const requirements: RequirementExplanation[] = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value], text: labelValue(key, value) })),
    ...(selector.matchExpressions ?? []).map(requirementOf),
  ];
  if (requirements.length === 0) return { matchesAll: true, requirements, text: '' };
  const several = requirements.length > 1;
  const labelled: string[] = [];
  const others: string[] = [];
  for (const r of requirements) {
    if (r.operator === 'Exists' || r.operator === 'DoesNotExist') others.push(r.text);
    else labelled.push(several && r.values.length > 1 ? `(${r.text})` : r.text);
  }
  const clauses = [...(labelled.length > 0 ? [`labelled ${labelled.join(' and ')}`] : []), ...others];
  const text = clauses.length <= 2 ? clauses.join(' and ') : `${clauses.slice(0, -1).join(', ')}, and ${clauses[clauses.length - 1]}`;
  // "without a label canary in namespace x" would read as a label in a namespace: close the clause.
  return { matchesAll: false, requirements, text: others.length > 0 ? `${text},` : text };
}

export function selectionOf(selector: LabelSelector | undefined, ns: NamespaceExplanation): Selection {
  const s = explainSelector(selector ?? {});
  const where = ns.name === null ? "kubectl's current namespace" : `namespace ${ns.name}`;
  return { selector: s, text: s.matchesAll ? `every pod in ${where}` : `pods ${s.text} in ${where}` };
}
