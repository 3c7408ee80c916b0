/**
 * Writes the report CRDs (src/reports/crds.ts) into charts/netpol-guard/files/report-crds/, one
 * file each. Run after changing crds.ts; test/reports/crds.test.ts fails while they are stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { reportCrdFile } from '../src/reports/crd-files.js';
import { reportCrds } from '../src/reports/crds.js';

const dir = new URL('../charts/netpol-guard/files/report-crds/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const { file, crd } of reportCrds()) {
  writeFileSync(new URL(file, dir), reportCrdFile(crd));
  console.log(`wrote ${new URL(file, dir).pathname}`);
}
