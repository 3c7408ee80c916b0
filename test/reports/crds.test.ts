/**
 * The shipped CRD files are the generated ones (npm run sync:report-crds), and every report
 * netpol-guard builds is valid under its CRD's schema, for both APIs.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import t from 'tap';
import { reportCrdFile } from '../../src/reports/crd-files.js';
import { reportCrds } from '../../src/reports/crds.js';
import { computeReports } from '../../src/reports/compute.js';
import { reportJob } from '../helpers/reports.js';

const DIR = new URL('../../charts/netpol-guard/files/report-crds/', import.meta.url);

t.test('the chart ships the generated CRDs', async (t) => {
  const crds = reportCrds();
  t.same(crds.map((c) => c.file).sort(), ['clusterpolicyreports.wgpolicyk8s.io.yaml', 'clusterreports.openreports.io.yaml', 'policyreports.wgpolicyk8s.io.yaml', 'reports.openreports.io.yaml']);
  for (const { file, crd } of crds) t.equal(readFileSync(new URL(file, DIR), 'utf8'), reportCrdFile(crd), `${file} is current (npm run sync:report-crds)`);
});

t.test('upstream names: kinds, plurals, short names, scope, version', async (t) => {
  const names = reportCrds().map(({ crd }) => {
    const spec = crd.spec as { group: string; scope: string; names: { kind: string; shortNames: string[] }; versions: { name: string }[] };
    return `${spec.group}/${spec.versions[0]!.name} ${spec.names.kind} ${spec.names.shortNames[0]} ${spec.scope}`;
  });
  t.same(names, [
    'wgpolicyk8s.io/v1alpha2 PolicyReport polr Namespaced',
    'wgpolicyk8s.io/v1alpha2 ClusterPolicyReport cpolr Cluster',
    'openreports.io/v1alpha1 Report reps Namespaced',
    'openreports.io/v1alpha1 ClusterReport creps Cluster',
  ]);
});

t.test('every report we build is valid under its CRD schema', async (t) => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const byKind = new Map(reportCrds().map(({ crd }) => [(crd.spec as { names: { kind: string } }).names.kind, crd]));
  for (const api of ['wgpolicyk8s.io/v1alpha2', 'openreports.io/v1alpha1'] as const) {
    const { reports } = computeReports(reportJob(undefined, { api, owner: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'x', uid: 'u' } }));
    for (const report of [...reports.namespaced, reports.cluster]) {
      const crd = byKind.get(report.kind)!;
      const schema = (crd.spec as { versions: { schema: { openAPIV3Schema: object } }[] }).versions[0]!.schema.openAPIV3Schema;
      const validate = ajv.compile({ ...schema, additionalProperties: false });
      t.ok(validate(report), `${api} ${report.kind} ${report.metadata.namespace ?? ''}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  const bad = { apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: {}, results: [{ policy: 'p', result: 'broken' }] };
  const schema = (byKind.get('PolicyReport')!.spec as { versions: { schema: { openAPIV3Schema: object } }[] }).versions[0]!.schema.openAPIV3Schema;
  t.notOk(ajv.compile(schema)(bad), 'a result outside the enum is refused: the check can fail');
});
