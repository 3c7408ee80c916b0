/**
 * `netpol-guard audit -o html`: one self-contained page (styles, data and script inline; nothing
 * fetched, so it works opened from disk and in a mail attachment): the summary, findings per
 * namespace, and the workload reachability matrix as a heatmap with the reasons of each cell,
 * filterable by namespace. The report's data is embedded once, compactly (strings shared through
 * tables), and the page is drawn from it by the script, which keeps big clusters' reports small.
 */
import type { AuditReport } from '../audit/types.js';
import { VERSION } from '../version.js';

/** Index of each distinct string: the page refers to strings by number. */
class StringTable {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

const STATE_CODE: Record<string, string> = { allowed: 'a', denied: 'd', partly: 'p', 'no-ports': 'n', self: 's' };

/** The data the page's script reads (see PAGE_SCRIPT): compact arrays, strings by number. */
export function pageData(report: AuditReport): unknown {
  const s = new StringTable();
  const rules = new Map<string, number>();
  const ruleList: { id: string; title: string; fix: string }[] = [];
  const ruleId = (id: string, title: string, fix: string) => {
    let i = rules.get(id);
    if (i === undefined) {
      i = ruleList.length;
      rules.set(id, i);
      ruleList.push({ id, title, fix });
    }
    return i;
  };
  const findings = report.findings.map((f) => [
    ruleId(f.rule, f.title, f.fix),
    f.effect,
    f.namespace ?? '',
    f.subject.kind,
    s.id(f.subject.name),
    s.id(f.field),
    s.id(f.message),
    f.fix === ruleList[rules.get(f.rule)!]!.fix ? -1 : s.id(f.fix),
    f.exemption ? s.id(f.exemption) : -1,
  ]);
  const details = new StringTable();
  const m = report.matrix;
  const cells = m.cells.map((c) => STATE_CODE[c.state] ?? 'n').join('');
  const ports = m.cells.map((c) =>
    c.ports.map((p) => details.id(JSON.stringify([p.port, p.protocol, STATE_CODE[p.state], s.id(p.egress), s.id(p.ingress), p.policies.map((x) => s.id(x))]))),
  );
  return {
    version: VERSION,
    source: report.source,
    scope: report.scope,
    summary: report.summary,
    namespaces: report.namespaces,
    notJudged: report.notJudged,
    rules: ruleList,
    strings: s.list,
    findings,
    matrix: { workloads: m.workloads.map((w) => [w.namespace, w.name, w.pods]), total: m.totalWorkloads, cells, ports, details: details.list.map((d) => JSON.parse(d)) },
  };
}

/** JSON inside a <script> element: nothing in it may close the element or break the parser. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderAuditHtml(report: AuditReport): string {
  const title = `netpol-guard audit — ${report.source}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
  <div class="brand">netpol-guard <span>audit</span></div>
  <div class="meta" id="meta"></div>
</header>
<main>
  <section class="filter">
    <label for="ns-filter">Namespaces</label>
    <input id="ns-filter" type="search" placeholder="filter: shop, web… (comma separated, * wildcard)" autocomplete="off">
    <div id="ns-chips" class="chips"></div>
  </section>
  <section id="summary" class="cards"></section>
  <section class="panel">
    <h2>Reachability between workloads</h2>
    <p class="hint" id="matrix-note"></p>
    <div class="legend"><span class="sw a"></span>allowed <span class="sw p"></span>partly <span class="sw d"></span>denied <span class="sw n"></span>no declared port <span class="sw s"></span>itself</div>
    <div class="matrix-wrap"><div id="matrix"></div><aside id="cell-info" class="cell-info"><p class="hint">Hover or click a cell: the ports of the destination, what decided on each side, and the policies involved.</p></aside></div>
  </section>
  <section class="panel">
    <h2>Findings by namespace</h2>
    <div id="findings"></div>
  </section>
  <section class="panel" id="not-judged-panel" hidden>
    <h2>Not judged</h2>
    <ul id="not-judged"></ul>
  </section>
</main>
<script id="audit-data" type="application/json">${scriptJson(pageData(report))}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

const PAGE_STYLE = `
:root{--bg:#f5f6f8;--fg:#1d2330;--muted:#667085;--card:#fff;--line:#e4e7ec;--a:#2f9e66;--d:#d64545;--p:#f0a73a;--n:#d0d5dd;--s:#eef0f3;--accent:#3656d6}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;background:var(--bg);color:var(--fg)}
header{display:flex;align-items:baseline;gap:24px;padding:14px 28px;background:#1d2330;color:#fff}
.brand{font-weight:700;font-size:18px;letter-spacing:.2px}.brand span{font-weight:400;color:#9fb0ff}
.meta{color:#c7cfdd;font-size:13px}
main{max-width:1400px;margin:0 auto;padding:18px 28px 40px}
h2{font-size:16px;margin:0 0 10px}
.filter{display:flex;flex-wrap:wrap;align-items:center;gap:10px;margin-bottom:14px}
.filter label{font-weight:600}
.filter input{flex:0 1 420px;padding:7px 10px;border:1px solid var(--line);border-radius:8px;font:inherit;background:#fff}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{border:1px solid var(--line);background:#fff;border-radius:999px;padding:3px 10px;font-size:12px;cursor:pointer;color:var(--fg)}
.chip.on{background:var(--accent);border-color:var(--accent);color:#fff}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px;margin-bottom:16px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:12px 14px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.4px}
.card .v{font-size:24px;font-weight:700;margin-top:2px}
.card .sub{color:var(--muted);font-size:12px}
.bar{height:8px;border-radius:4px;background:var(--d);overflow:hidden;margin-top:8px}.bar i{display:block;height:100%;background:var(--a)}
.card.rules{grid-column:span 2}
.rule-row{display:flex;justify-content:space-between;font-size:12px;padding:1px 0}.rule-row b{font-weight:600}
.panel{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 18px;margin-bottom:16px}
.hint{color:var(--muted);font-size:12px;margin:0 0 8px}
.legend{display:flex;gap:14px;align-items:center;font-size:12px;color:var(--muted);margin-bottom:10px}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:-8px;vertical-align:-2px}
.sw.a,.c.a{background:var(--a)}.sw.d,.c.d{background:var(--d)}.sw.p,.c.p{background:var(--p)}.sw.n,.c.n{background:var(--n)}.sw.s,.c.s{background:var(--s)}
.matrix-wrap{display:flex;gap:16px;align-items:flex-start}
#matrix{overflow:auto;max-height:78vh;max-width:100%;flex:1 1 auto}
#matrix table{border-collapse:separate;border-spacing:2px}
#matrix th{font-weight:500;font-size:11px;color:var(--fg);white-space:nowrap}
#matrix thead th{height:150px;vertical-align:bottom;padding:0}
#matrix thead th div{transform:rotate(-60deg);transform-origin:left bottom;width:16px;margin-left:12px;white-space:nowrap}
#matrix tbody th{text-align:right;padding-right:6px}
#matrix th .ns,.f-subject .ns{color:var(--muted)}
.c{width:18px;height:18px;border-radius:3px;cursor:pointer}
.c:hover,.c.sel{outline:2px solid #1d2330;outline-offset:0}
.cell-info{flex:0 0 340px;position:sticky;top:10px;border:1px solid var(--line);border-radius:10px;padding:12px;font-size:13px;background:#fcfcfd;min-height:120px}
.cell-info h3{margin:0 0 6px;font-size:14px}
.cell-info .port{border-top:1px solid var(--line);padding:6px 0}
.tag{display:inline-block;border-radius:6px;padding:0 6px;font-size:11px;font-weight:600;color:#fff}
.tag.a{background:var(--a)}.tag.d{background:var(--d)}.tag.p{background:var(--p)}
.why{color:var(--muted);font-size:12px}
details.ns{border-top:1px solid var(--line);padding:6px 0}
details.ns summary{cursor:pointer;font-weight:600;padding:4px 0}
details.ns summary .count{color:var(--muted);font-weight:400;margin-left:6px}
table.f{width:100%;border-collapse:collapse;font-size:13px;margin:4px 0 8px}
table.f td{border-top:1px solid var(--line);padding:5px 8px;vertical-align:top}
.eff{font-size:11px;font-weight:700;text-transform:uppercase;border-radius:6px;padding:1px 6px}
.eff.deny{background:#fde8e8;color:#b42318}.eff.warn{background:#fff4e0;color:#9a5b00}.eff.exempt,.eff.audit{background:#eef0f3;color:#475467}
.f-rule{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;color:var(--accent)}
.f-field{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px;color:var(--muted)}
.f-fix{color:var(--muted);font-size:12px}
.empty{color:var(--muted);font-style:italic}
@media (max-width:900px){.matrix-wrap{flex-direction:column}.cell-info{position:static;width:100%}}
`;

const PAGE_SCRIPT = `
"use strict";
const D = JSON.parse(document.getElementById('audit-data').textContent);
const S = D.strings;
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
const STATE = { a: 'allowed', d: 'denied', p: 'partly', n: 'no declared port', s: 'itself' };
const allNamespaces = D.namespaces.map((n) => n.name);
let selected = new Set();

function matches(ns) {
  if (selected.size === 0) return true;
  for (const p of selected) {
    if (p.includes('*') ? new RegExp('^' + p.split('*').map((x) => x.replace(/[.+?^$()|[\\]\\\\{}]/g, '\\\\$&')).join('.*') + '$').test(ns) : p === ns) return true;
  }
  return false;
}

function pct(n, t) { return t ? Math.round((100 * n) / t) + '%' : '-'; }

function drawMeta() {
  const m = document.getElementById('meta');
  m.textContent = D.source + (D.scope.length ? ' · namespaces ' + D.scope.join(', ') : '') + ' · netpol-guard ' + D.version;
}

function card(k, v, sub, ratio) {
  const c = el('div', 'card');
  c.append(el('div', 'k', k), el('div', 'v', v));
  if (sub) c.append(el('div', 'sub', sub));
  if (ratio !== undefined) { const b = el('div', 'bar'); const i = el('i'); i.style.width = (100 * ratio).toFixed(1) + '%'; b.append(i); c.append(b); }
  return c;
}

function drawSummary() {
  const box = document.getElementById('summary');
  box.replaceChildren();
  const ns = D.namespaces.filter((n) => matches(n.name));
  const sum = (f) => ns.reduce((a, n) => a + f(n), 0);
  const pods = sum((n) => n.pods);
  const ing = sum((n) => n.ingress.isolated), eg = sum((n) => n.egress.isolated);
  const shown = D.findings.filter((f) => matches(f[2]) || f[2] === '');
  box.append(
    card('Namespaces', String(ns.length), sum((n) => n.workloads) + ' workloads · ' + sum((n) => n.networkPolicies) + ' NetworkPolicies'),
    card('Pods', String(pods), D.summary.hostNetworkPods + ' on the host network (cluster)'),
    card('Ingress isolated', pct(ing, pods), ing + ' of ' + pods + ' pods', pods ? ing / pods : 0),
    card('Egress isolated', pct(eg, pods), eg + ' of ' + pods + ' pods', pods ? eg / pods : 0),
    card('Findings', String(shown.length), shown.filter((f) => f[1] === 'deny').length + ' deny · ' + shown.filter((f) => f[1] === 'warn').length + ' warn · ' + shown.filter((f) => f[1] === 'exempt').length + ' exempt'),
  );
  const counts = new Map();
  for (const f of shown) counts.set(f[0], (counts.get(f[0]) || 0) + 1);
  const rc = el('div', 'card rules');
  rc.append(el('div', 'k', 'Findings per rule'));
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  if (sorted.length === 0) rc.append(el('div', 'empty', 'none'));
  for (const [r, n] of sorted.slice(0, 8)) { const row = el('div', 'rule-row'); row.append(el('span', 'f-rule', D.rules[r].id), el('b', '', String(n))); rc.append(row); }
  box.append(rc);
}

function portsOf(i) { return D.matrix.ports[i].map((d) => D.matrix.details[d]); }

function showCell(i, j, td) {
  const W = D.matrix.workloads, n = W.length, k = i * n + j;
  const info = document.getElementById('cell-info');
  info.replaceChildren();
  document.querySelectorAll('#matrix .c.sel').forEach((c) => c.classList.remove('sel'));
  if (td) td.classList.add('sel');
  const h = el('h3', '', W[i][0] + '/' + W[i][1] + ' → ' + W[j][0] + '/' + W[j][1]);
  const st = D.matrix.cells[k];
  info.append(h, el('div', 'why', STATE[st] + ' · ' + W[i][2] + ' → ' + W[j][2] + ' pods'));
  for (const [port, proto, s, eg, ing, pols] of portsOf(k)) {
    const p = el('div', 'port');
    const t = el('span', 'tag ' + s, STATE[s]);
    p.append(t, document.createTextNode(' ' + proto + '/' + port));
    p.append(el('div', 'why', 'egress: ' + S[eg]), el('div', 'why', 'ingress: ' + S[ing]));
    if (pols.length) p.append(el('div', 'why', 'policies: ' + pols.map((x) => S[x]).join(', ')));
    info.append(p);
  }
}

function drawMatrix() {
  const W = D.matrix.workloads, n = W.length;
  const keep = W.map((w, i) => (matches(w[0]) ? i : -1)).filter((i) => i >= 0);
  const note = document.getElementById('matrix-note');
  note.textContent = (D.matrix.total > n ? 'The ' + n + ' of ' + D.matrix.total + ' workloads with findings first (--matrix-limit; narrow with --namespace). ' : '') +
    'Rows: source workload. Columns: destination. A cell is allowed when every pod pair is, on every port the destination declares.';
  const box = document.getElementById('matrix');
  box.replaceChildren();
  if (keep.length === 0) { box.append(el('p', 'empty', 'No workload in the namespaces shown.')); return; }
  const table = el('table');
  const head = el('tr');
  head.append(el('th'));
  for (const j of keep) { const th = el('th'); const d = el('div'); d.append(el('span', 'ns', W[j][0] + '/'), document.createTextNode(W[j][1])); th.append(d); th.title = W[j][0] + '/' + W[j][1]; head.append(th); }
  const thead = el('thead'); thead.append(head); table.append(thead);
  const body = el('tbody');
  for (const i of keep) {
    const tr = el('tr');
    const th = el('th'); th.append(el('span', 'ns', W[i][0] + '/'), document.createTextNode(W[i][1])); tr.append(th);
    for (const j of keep) {
      const st = D.matrix.cells[i * n + j];
      const td = el('td', 'c ' + st);
      td.dataset.from = W[i][0] + '/' + W[i][1];
      td.dataset.to = W[j][0] + '/' + W[j][1];
      td.dataset.state = STATE[st];
      td.title = td.dataset.from + ' → ' + td.dataset.to + ': ' + STATE[st] + portsOf(i * n + j).map((p) => '\\n' + p[1] + '/' + p[0] + ' ' + STATE[p[2]]).join('');
      td.addEventListener('mouseenter', () => showCell(i, j, null));
      td.addEventListener('click', () => showCell(i, j, td));
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  box.append(table);
}

function drawFindings() {
  const box = document.getElementById('findings');
  box.replaceChildren();
  const groups = new Map();
  for (const f of D.findings) { if (f[2] !== '' && !matches(f[2])) continue; const g = groups.get(f[2]) || []; g.push(f); groups.set(f[2], g); }
  if (groups.size === 0) { box.append(el('p', 'empty', 'No findings in the namespaces shown.')); return; }
  for (const [ns, list] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const d = el('details', 'ns');
    d.dataset.namespace = ns;
    d.open = groups.size <= 12;
    const s = el('summary', '', ns === '' ? 'Cluster-wide' : ns);
    s.append(el('span', 'count', list.length + ' finding' + (list.length === 1 ? '' : 's')));
    d.append(s);
    const t = el('table', 'f');
    for (const [r, eff, , kind, name, field, msg, fix, ex] of list) {
      const tr = el('tr');
      const e = el('td'); e.append(el('span', 'eff ' + eff, eff));
      const subj = el('td', 'f-subject'); subj.append(el('div', '', kind + ' ' + S[name]), el('div', 'f-field', S[field]));
      const what = el('td');
      what.append(el('span', 'f-rule', '[' + D.rules[r].id + '] '), document.createTextNode(S[msg]));
      what.append(el('div', 'f-fix', 'Fix: ' + (fix >= 0 ? S[fix] : D.rules[r].fix) + (ex >= 0 ? ' (' + S[ex] + ')' : '')));
      tr.append(e, subj, what);
      t.append(tr);
    }
    d.append(t);
    box.append(d);
  }
}

function drawNotJudged() {
  if (D.notJudged.length === 0) return;
  document.getElementById('not-judged-panel').hidden = false;
  const ul = document.getElementById('not-judged');
  for (const n of D.notJudged) { const li = el('li'); li.append(el('b', '', n.what + ': '), document.createTextNode(n.reason)); ul.append(li); }
}

function drawChips() {
  const box = document.getElementById('ns-chips');
  box.replaceChildren();
  for (const ns of allNamespaces.slice(0, 40)) {
    const c = el('button', 'chip' + (selected.has(ns) ? ' on' : ''), ns);
    c.type = 'button';
    c.dataset.namespace = ns;
    c.addEventListener('click', () => { if (selected.has(ns)) selected.delete(ns); else selected.add(ns); syncInput(); redraw(); });
    box.append(c);
  }
}

function syncInput() { document.getElementById('ns-filter').value = [...selected].join(', '); }

function redraw() { drawChips(); drawSummary(); drawMatrix(); drawFindings(); }

document.getElementById('ns-filter').addEventListener('input', (e) => {
  selected = new Set(e.target.value.split(',').map((x) => x.trim()).filter(Boolean));
  redraw();
});
drawMeta();
drawNotJudged();
redraw();
`;
