/** A CRD as the YAML file the chart ships. */
import { dump } from 'js-yaml';
import type { CustomResourceDefinition } from './crds.js';

export function reportCrdFile(crd: CustomResourceDefinition): string {
  return `# Generated from src/reports/crds.ts by scripts/report-crds.ts (npm run sync:report-crds).\n${dump(crd, { lineWidth: 160, noRefs: true })}`;
}
