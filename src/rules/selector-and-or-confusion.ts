import { showSelector } from '../netpol/walk.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

export const selectorAndOrConfusion = defineRule({
  id: 'selector-and-or-confusion',
  title: 'namespaceSelector and podSelector in separate items (OR, not AND)',
  description:
    'Two list items, `- namespaceSelector: ...` and `- podSelector: ...`, are ORed: every pod of the selected namespaces, or the selected pods of this namespace. Written as one item with both keys they are ANDed: only the selected pods inside the selected namespaces. The two readings differ by one dash, and the OR is usually much wider than intended.',
  remediation: 'if you meant the selected pods inside the selected namespaces, put both selectors in one item',
  defaultAction: 'warn',
  seeds: ['001', '003'],
  check(np, { walks }) {
    const out: RuleFinding[] = [];
    for (const rule of walks.rules()) {
      const peers = rule.peers ?? [];
      const nsOnly = peers.findIndex((p) => p.namespaceSelector !== undefined && p.podSelector === undefined && p.ipBlock === undefined);
      const podOnly = peers.findIndex((p) => p.podSelector !== undefined && p.namespaceSelector === undefined && p.ipBlock === undefined);
      if (nsOnly < 0 || podOnly < 0) continue;
      const ns = showSelector(peers[nsOnly]?.namespaceSelector);
      const pods = showSelector(peers[podOnly]?.podSelector);
      const list = rule.path.child(rule.peersField).toString();
      out.push({
        field: list,
        message: `[${nsOnly}] namespaceSelector and [${podOnly}] podSelector are separate items, so either one admits (OR)`,
        fix: `for only pods ${pods} in namespaces ${ns}, put both selectors in one item`,
      });
    }
    return out;
  },
});
