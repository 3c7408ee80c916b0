/**
 * The report CRDs the chart can install, written from the upstream API types:
 * kubernetes-sigs/wg-policy-prototypes policy-report/apis/wgpolicyk8s.io/v1alpha2 (PolicyReport,
 * ClusterPolicyReport; short names polr, cpolr) and openreports/reports-api
 * apis/openreports.io/v1alpha1 (Report, ClusterReport; reps, creps; a top-level `source` and
 * `configuration`). Same printer columns as upstream. The files in
 * charts/netpol-guard/files/report-crds/ are generated from here (scripts/report-crds.ts) and a
 * test keeps them in step.
 */
import { REPORT_APIS, type ReportApi, type ReportKind } from './api.js';

type Schema = Record<string, unknown>;

const str = (description: string): Schema => ({ type: 'string', description });
const int = (description: string): Schema => ({ type: 'integer', description });

const OBJECT_REFERENCE: Schema = {
  type: 'object',
  description: 'ObjectReference contains enough information to let you inspect or modify the referred object.',
  properties: {
    apiVersion: str('API version of the referent.'),
    fieldPath: str('If referring to a piece of an object instead of an entire object, a JSON/Go field access statement.'),
    kind: str('Kind of the referent.'),
    name: str('Name of the referent.'),
    namespace: str('Namespace of the referent.'),
    resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
    uid: str('UID of the referent.'),
  },
};

const LABEL_SELECTOR: Schema = {
  type: 'object',
  description: 'A label query over a set of resources.',
  properties: {
    matchExpressions: {
      type: 'array',
      description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: str('key is the label key that the selector applies to.'),
          operator: str("operator represents a key's relationship to a set of values: In, NotIn, Exists and DoesNotExist."),
          values: { type: 'array', description: 'values is an array of string values.', items: { type: 'string' } },
        },
      },
    },
    matchLabels: { type: 'object', description: 'matchLabels is a map of {key,value} pairs.', additionalProperties: { type: 'string' } },
  },
};

const RESULT: Schema = {
  type: 'object',
  description: 'The result of one policy rule for the resources it checked.',
  required: ['policy'],
  properties: {
    category: str('Category indicates policy category'),
    message: str('Description is a short user friendly message for the policy rule'),
    policy: str('Policy is the name or identifier of the policy'),
    properties: { type: 'object', description: 'Properties provides additional information for the policy rule', additionalProperties: { type: 'string' } },
    resourceSelector: { ...LABEL_SELECTOR, description: 'SubjectSelector is an optional label selector for checked Kubernetes resources.' },
    resources: { type: 'array', description: 'Subjects is an optional reference to the checked Kubernetes resources', items: OBJECT_REFERENCE },
    result: { type: 'string', description: 'Result indicates the outcome of the policy rule execution', enum: ['pass', 'fail', 'warn', 'error', 'skip'] },
    rule: str('Rule is the name or identifier of the rule within the policy'),
    scored: { type: 'boolean', description: 'Scored indicates if this result is scored' },
    severity: { type: 'string', description: 'Severity indicates policy check result criticality', enum: ['critical', 'high', 'low', 'medium', 'info'] },
    source: str('Source is an identifier for the policy engine that manages this report'),
    timestamp: {
      type: 'object',
      description: 'Timestamp indicates the time the result was found',
      required: ['nanos', 'seconds'],
      properties: {
        nanos: { type: 'integer', format: 'int32', description: 'Non-negative fractions of a second at nanosecond resolution.' },
        seconds: { type: 'integer', format: 'int64', description: 'Seconds of UTC time since Unix epoch 1970-01-01T00:00:00Z.' },
      },
    },
  },
};

const SUMMARY: Schema = {
  type: 'object',
  description: 'PolicyReportSummary provides a summary of results',
  properties: {
    error: int('Error provides the count of policies that could not be evaluated'),
    fail: int('Fail provides the count of policies whose requirements were not met'),
    pass: int('Pass provides the count of policies whose requirements were met'),
    skip: int('Skip indicates the count of policies that were not selected for evaluation'),
    warn: int('Warn provides the count of non-scored policies whose requirements were not met'),
  },
};

const CONFIGURATION: Schema = {
  type: 'object',
  description: 'Configuration is an optional contract between report generators and consumers',
  required: ['limits'],
  properties: {
    limits: {
      type: 'object',
      properties: {
        maxResults: int('MaxResults is the maximum number of results contained in the report'),
        statusFilter: { type: 'array', items: { type: 'string', enum: ['pass', 'fail', 'warn', 'error', 'skip'] } },
      },
    },
  },
};

const PRINTER_COLUMNS = [
  { jsonPath: '.scope.kind', name: 'Kind', priority: 1, type: 'string' },
  { jsonPath: '.scope.name', name: 'Name', priority: 1, type: 'string' },
  { jsonPath: '.summary.pass', name: 'Pass', type: 'integer' },
  { jsonPath: '.summary.fail', name: 'Fail', type: 'integer' },
  { jsonPath: '.summary.warn', name: 'Warn', type: 'integer' },
  { jsonPath: '.summary.error', name: 'Error', type: 'integer' },
  { jsonPath: '.summary.skip', name: 'Skip', type: 'integer' },
  { jsonPath: '.metadata.creationTimestamp', name: 'Age', type: 'date' },
];

const SHORT_NAMES: Readonly<Record<string, string>> = { PolicyReport: 'polr', ClusterPolicyReport: 'cpolr', Report: 'reps', ClusterReport: 'creps' };

export interface CustomResourceDefinition {
  readonly apiVersion: 'apiextensions.k8s.io/v1';
  readonly kind: 'CustomResourceDefinition';
  readonly metadata: { readonly name: string };
  readonly spec: Record<string, unknown>;
}

function crd(api: ReportApi, k: ReportKind, scope: 'Namespaced' | 'Cluster'): CustomResourceDefinition {
  const properties: Schema = {
    apiVersion: str('APIVersion defines the versioned schema of this representation of an object.'),
    kind: str('Kind is a string value representing the REST resource this object represents.'),
    metadata: { type: 'object' },
    ...(api.topLevelSource ? { source: str('Source is an identifier for the source e.g. a policy engine that manages this report.'), configuration: CONFIGURATION } : {}),
    scope: { ...OBJECT_REFERENCE, description: 'Scope is an optional reference to the report scope (e.g. a Deployment, Namespace, or Node)' },
    scopeSelector: { ...LABEL_SELECTOR, description: 'ScopeSelector is an optional selector for multiple scopes (e.g. Pods).' },
    summary: SUMMARY,
    results: { type: 'array', description: 'PolicyReportResult provides result details', items: RESULT },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${k.plural}.${api.group}` },
    spec: {
      group: api.group,
      names: { kind: k.kind, listKind: `${k.kind}List`, plural: k.plural, singular: k.kind.toLowerCase(), shortNames: [SHORT_NAMES[k.kind]] },
      scope,
      versions: [
        {
          name: api.version,
          served: true,
          storage: true,
          additionalPrinterColumns: PRINTER_COLUMNS,
          schema: { openAPIV3Schema: { type: 'object', description: `${k.kind} is the Schema for the ${k.plural} API`, properties } },
        },
      ],
    },
  };
}

/** The four CRDs, each with the file name it is kept under. */
export function reportCrds(): { readonly file: string; readonly crd: CustomResourceDefinition }[] {
  return Object.values(REPORT_APIS).flatMap((api) =>
    [crd(api, api.namespaced, 'Namespaced'), crd(api, api.cluster, 'Cluster')].map((c) => ({ file: `${c.metadata.name}.yaml`, crd: c })),
  );
}
