/**
 * POST /validate and POST /mutate: read the AdmissionReview, decide with reviewNetworkPolicy (or
 * reviewMutation), answer through the three response helpers, log one line, count it.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseAdmissionReview } from '../admission/parse.js';
import { allow, deny, patch } from '../admission/respond.js';
import type { AdmissionRequest, AdmissionReviewResponse, AdmissionVersion } from '../admission/types.js';
import { describeError } from '../errors.js';
import { expandImpact } from '../impact/compute.js';
import { badRequestStatus, internalErrorStatus } from '../k8s/status.js';
import type { Deadline } from '../policy/types.js';
import type { PatchOperation } from '../netpol/defaults.js';
import { type Review, type ReviewContext, reviewMutation, reviewNetworkPolicy } from '../review.js';
import type { Endpoint, Metrics } from './metrics.js';

export interface AdmissionRouteOptions {
  readonly metrics: Metrics;
  /** The compiled org policy to judge by, as of now (it reloads). */
  readonly policy: () => ReviewContext['policy'];
  /** The cluster view, when there is one. */
  readonly cluster: () => ReviewContext['cluster'];
  /** What works out the impact of a change on traffic, when impact is on. */
  readonly impact?: () => ReviewContext['impact'];
  /** Milliseconds the impact of one review may take. */
  readonly impactBudgetMs?: number;
  readonly deadlineMs: number;
  readonly failureMode: 'allow' | 'deny';
}

/** A review's deadline: a small object per request, with no closure made for it. */
class RequestDeadline implements Deadline {
  constructor(
    readonly ms: number,
    private readonly startedAt: number,
  ) {}

  expired(): boolean {
    return performance.now() - this.startedAt >= this.ms;
  }

  remainingMs(): number {
    return this.ms - (performance.now() - this.startedAt);
  }
}

/** The API server appends `?timeout=10s` (its webhook timeout); we answer well before it. */
function deadlineFor(request: FastifyRequest, configuredMs: number, startedAt: number): Deadline {
  const q = (request.query as Record<string, unknown> | undefined)?.timeout;
  let ms = configuredMs;
  const m = typeof q === 'string' ? /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(q) : null;
  if (m) {
    const apiServerMs = Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60000);
    // Leave a quarter of the API server's budget for the network and our own answer.
    ms = Math.min(configuredMs, Math.floor(apiServerMs * 0.75));
  }
  return new RequestDeadline(ms, startedAt);
}

function isNetworkPolicy(req: AdmissionRequest): boolean {
  // Without a kind (not sent by any API server) we judge the object by what it says it is.
  if (!req.kind) {
    const obj = (req.object ?? req.oldObject) as { kind?: unknown } | null | undefined;
    return obj?.kind === 'NetworkPolicy';
  }
  return req.kind.group === 'networking.k8s.io' && req.kind.kind === 'NetworkPolicy';
}

/** Whether lines of a level are written: the line is not even built when they are not. */
function levelEnabled(log: FastifyBaseLogger, level: string): boolean {
  const pinoLike = log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  return pinoLike.isLevelEnabled ? pinoLike.isLevelEnabled(level) : true;
}

function infoEnabled(log: FastifyBaseLogger): boolean {
  return levelEnabled(log, 'info');
}

/** A list of the rules of `findings`, each once, in order of first appearance. */
function rulesOf(findings: readonly { readonly rule: string }[]): string[] | undefined {
  if (findings.length === 0) return undefined;
  const rules: string[] = [];
  for (const f of findings) if (!rules.includes(f.rule)) rules.push(f.rule);
  return rules;
}

/** Milliseconds rounded to the microsecond, as the line carries them. */
function roundedMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The line of one review. Every line of an endpoint has the same fields in the same order, an
 * absent one undefined (pino leaves it out of the line): built field by field, without spreading
 * optional parts into it, which on Node 20 cost more per review than writing the line.
 */
function validateLine(req: AdmissionRequest, review: Review, durationMs: number): Record<string, unknown> {
  return {
    endpoint: 'validate',
    uid: req.uid,
    namespace: req.namespace ?? '',
    name: req.name ?? '',
    operation: req.operation,
    dryRun: req.dryRun === true,
    verdict: review.verdict,
    durationMs: roundedMs(durationMs),
    rules: rulesOf(review.evaluation.findings),
    skipped: review.notRun.length ? review.notRun : undefined,
    decodeIssues: review.decodeIssues.length ? review.decodeIssues.map((i) => i.message) : undefined,
  };
}

function mutateLine(req: AdmissionRequest, verdict: string, ops: readonly PatchOperation[], invalid: Review | undefined, durationMs: number): Record<string, unknown> {
  return {
    endpoint: 'mutate',
    uid: req.uid,
    namespace: req.namespace ?? '',
    name: req.name ?? '',
    operation: req.operation,
    dryRun: req.dryRun === true,
    verdict,
    durationMs: roundedMs(durationMs),
    patch: ops.length ? ops.map((o) => o.path) : undefined,
    rules: invalid ? rulesOf(invalid.evaluation.findings) : undefined,
    skipped: invalid?.notRun.length ? invalid.notRun : undefined,
  };
}

function otherKindLine(endpoint: Endpoint, req: AdmissionRequest, durationMs: number): Record<string, unknown> {
  return {
    endpoint,
    uid: req.uid,
    namespace: req.namespace ?? '',
    name: req.name ?? '',
    operation: req.operation,
    dryRun: req.dryRun === true,
    verdict: 'allowed-other-kind',
    durationMs: roundedMs(durationMs),
    kind: req.kind,
    subResource: req.subResource,
  };
}

const REVIEW_MESSAGE = 'admission review';

function validate(req: AdmissionRequest, version: AdmissionVersion, ctx: ReviewContext, log: FastifyBaseLogger, metrics: Metrics, started: number): AdmissionReviewResponse {
  const review = reviewNetworkPolicy(
    {
      operation: req.operation,
      object: req.object,
      oldObject: req.oldObject,
      namespace: req.namespace,
      userInfo: req.userInfo,
      strictFields: false,
      includeApiWarnings: false,
    },
    ctx,
  );
  const seconds = (performance.now() - started) / 1000;
  metrics.recordReview('validate', req.operation, review.verdict, seconds, review);
  if (infoEnabled(log)) log.info(validateLine(req, review, seconds * 1000), REVIEW_MESSAGE);
  if (review.impact && 'analysis' in review.impact && levelEnabled(log, 'debug')) {
    // Every flow, which the warning lines and the bounded audit annotation only summarize.
    const r = expandImpact(review.impact.analysis);
    const flow = (f: { from: string; to: string; port: number; protocol: string }) => `${f.from}>${f.to}:${f.port}/${f.protocol}`;
    log.debug({ uid: req.uid, changes: r.changes, lost: r.lost.map(flow), gained: r.gained.map(flow), isolated: r.isolated, opened: r.opened, reach: r.reach, withoutPorts: r.withoutPorts }, 'impact');
  }
  const additions = { warnings: review.warnings, auditAnnotations: review.auditAnnotations };
  return review.allowed ? allow(version, req.uid, additions) : deny(version, req.uid, review.status ?? internalErrorStatus('denied'), additions);
}

/**
 * Defaulting for an object the API server will accept; for one it will reject, the API server's
 * own 422 Invalid, with the org findings as warnings (the validating webhook never sees it).
 */
function mutate(req: AdmissionRequest, version: AdmissionVersion, ctx: ReviewContext, log: FastifyBaseLogger, metrics: Metrics, started: number): AdmissionReviewResponse {
  const answer = reviewMutation(
    { operation: req.operation, object: req.object, oldObject: req.oldObject, namespace: req.namespace, userInfo: req.userInfo, strictFields: false, includeApiWarnings: false },
    ctx,
  );
  const ops = answer.patch;
  const invalid = answer.invalid;
  const verdict = invalid ? invalid.verdict : ops.length ? 'patched' : 'unchanged';
  const seconds = (performance.now() - started) / 1000;
  metrics.recordReview('mutate', req.operation, verdict, seconds, invalid);
  if (infoEnabled(log)) log.info(mutateLine(req, verdict, ops, invalid, seconds * 1000), REVIEW_MESSAGE);
  if (invalid) {
    const additions = { warnings: invalid.warnings, auditAnnotations: invalid.auditAnnotations };
    return deny(version, req.uid, invalid.status ?? internalErrorStatus('denied'), additions);
  }
  return patch(version, req.uid, ops);
}

export function registerAdmissionRoutes(app: FastifyInstance, opts: AdmissionRouteOptions): void {
  // Synchronous on purpose: fastify sends what a plain function returns at once, where an async
  // one costs every review a promise, a turn of the microtask queue and fastify's wrapper around
  // it. Whatever it throws still goes to the error handler (a clear 500, never a bare one).
  const handle = (endpoint: Endpoint) => (request: FastifyRequest, reply: FastifyReply): AdmissionReviewResponse | { error: string; message: string } => {
    const started = performance.now();
    const parsed = parseAdmissionReview(request.body);
    if (!parsed.ok && parsed.uid === undefined) {
      opts.metrics.badRequests.inc({ reason: 'no-uid' });
      request.log.warn({ endpoint, problem: parsed.problem }, 'unreadable admission review');
      void reply.code(400);
      return { error: 'BadRequest', message: parsed.problem };
    }
    if (!parsed.ok) {
      request.log.warn({ endpoint, uid: parsed.uid, problem: parsed.problem }, 'unusable admission review');
      return deny(parsed.version, parsed.uid, badRequestStatus(`netpol-guard cannot review this request: ${parsed.problem}`));
    }
    const { request: req, version } = parsed;
    try {
      if (!isNetworkPolicy(req) || (req.subResource ?? '') !== '') {
        opts.metrics.otherKinds.inc();
        request.log.info(otherKindLine(endpoint, req, performance.now() - started), REVIEW_MESSAGE);
        return allow(version, req.uid);
      }
      const ctx: ReviewContext = {
        policy: opts.policy(),
        cluster: opts.cluster(),
        deadline: deadlineFor(request, opts.deadlineMs, started),
        failureMode: opts.failureMode,
        impact: opts.impact?.(),
        impactBudgetMs: opts.impactBudgetMs,
      };
      if (endpoint === 'mutate') return mutate(req, version, ctx, request.log, opts.metrics, started);
      return validate(req, version, ctx, request.log, opts.metrics, started);
    } catch (err) {
      // Never a bare 500: the API server gets a well-formed answer it can show.
      request.log.error({ endpoint, uid: req.uid, err: describeError(err) }, 'review failed');
      return deny(version, req.uid, internalErrorStatus(`netpol-guard failed to review this request: ${describeError(err)}`));
    }
  };
  app.post('/validate', handle('validate'));
  app.post('/mutate', handle('mutate'));
}
