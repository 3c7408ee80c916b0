/**
 * The HTML report in a real browser: Debian's headless Chromium (installed by scripts/browser.sh
 * when missing) driven by playwright-core. The report of the fixture cluster is opened from disk;
 * any console error, page error or request leaving the file fails the test; the matrix cells shown
 * must agree with `-o json` for the same cluster; hovering shows a cell's ports and policies; the
 * namespace filter narrows the matrix and the findings. The screenshot the README shows is saved
 * to docs/audit-report.png.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import t from 'tap';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'dist/main.js');
const FIXTURE = 'test/fixtures/audit/cluster.yaml';
const SCREENSHOT = join(ROOT, 'docs/audit-report.png');

function audit(format: string): string {
  const r = spawnSync(process.execPath, [MAIN, 'audit', '--cluster-state', FIXTURE, '-o', format], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`audit -o ${format} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

t.setTimeout(300_000);

const install = spawnSync('bash', [join(ROOT, 'scripts/browser.sh')], { encoding: 'utf8' });
if (install.status !== 0) throw new Error(`scripts/browser.sh failed: ${install.stderr}`);
const executablePath = install.stdout.trim();

t.test('the report opened from disk in Chromium', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'npg-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'audit.html');
  writeFileSync(file, audit('html'));
  const report = JSON.parse(audit('json'));

  // A fresh profile each run (playwright passes it as --user-data-dir).
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1360, height: 900 },
    deviceScaleFactor: 1,
  });
  t.teardown(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) problems.push(`request leaves the file: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

  // Every cell shown agrees with the JSON report.
  const shown = await page.$$eval('#matrix td.c', (cells) => cells.map((c) => [c.getAttribute('data-from'), c.getAttribute('data-to'), c.getAttribute('data-state')]));
  const words: Record<string, string> = { allowed: 'allowed', denied: 'denied', partly: 'partly', 'no-ports': 'no declared port', self: 'itself' };
  const expected = report.matrix.cells.map((c: { from: string; to: string; state: string }) => [c.from, c.to, words[c.state]]);
  t.equal(shown.length, 25, 'a 5 × 5 matrix');
  t.same(shown, expected, 'every cell as in -o json');
  t.ok(new Set(shown.map((c) => c[2])).size >= 4, 'allowed, denied, partly and itself all appear');

  // Summary cards from the same data.
  const cards = await page.$$eval('#summary .card .v', (v) => v.map((x) => x.textContent));
  t.same(cards.slice(0, 5), ['4', '7', '86%', '43%', '22']);

  // Hover: the cell's ports, reasons and policies.
  await page.hover('#matrix td.c[data-from="monitoring/prometheus"][data-to="shop/api"]');
  const info = await page.textContent('#cell-info');
  t.match(info, 'monitoring/prometheus → shop/api');
  t.match(info, 'TCP/8080');
  t.match(info, 'denied: isolated by shop/default-deny, shop/api, no rule allows it');
  t.match(info, 'allowed by shop/api ingress[1], shop/api ingress[2]');
  t.match(info, 'policies: shop/default-deny, shop/api');

  // The namespace filter: matrix, findings and summary narrow to shop.
  await page.fill('#ns-filter', 'shop');
  t.same(await page.$$eval('#matrix td.c', (c) => c.map((x) => `${x.getAttribute('data-from')}>${x.getAttribute('data-to')}`)), ['shop/api>shop/api', 'shop/api>shop/db', 'shop/db>shop/api', 'shop/db>shop/db']);
  t.same(await page.$$eval('#findings details.ns', (d) => d.map((x) => x.getAttribute('data-namespace'))), ['', 'shop'], 'cluster-wide and shop findings');
  t.equal(await page.textContent('#summary .card:nth-child(5) .v'), String(report.findings.filter((f: { namespace?: string }) => f.namespace === 'shop' || f.namespace === undefined).length));
  await page.fill('#ns-filter', '');
  await page.click('button.chip[data-namespace="web"]');
  t.equal(await page.$$eval('#matrix td.c', (c) => c.length), 1, 'a chip filters too');
  await page.click('button.chip[data-namespace="web"]');
  t.equal(await page.$$eval('#matrix td.c', (c) => c.length), 25, 'and clicking it again clears it');

  await page.click('#matrix td.c[data-from="legacy/batch"][data-to="shop/api"]');
  t.match(await page.textContent('#cell-info'), 'legacy/batch → shop/api');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  t.ok(statSync(SCREENSHOT).size > 20_000, 'screenshot saved');
  t.same(problems, [], 'no console error, no failed or outside request');
});
