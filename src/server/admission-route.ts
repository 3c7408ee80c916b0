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
import { badRequestStatus, internalErrorStatus } from '../k8s/status.js';
import type { Deadline } from '../policy/types.js';
import { type ReviewContext, reviewMutation, reviewNetworkPolicy } from '../review.js';
import type { Endpoint, Metrics } from './metrics.js';

export interface AdmissionRouteOptions {
  readonly metrics: Metrics;
  /** The policy, rules and cluster view to judge by, as of now (they reload). */
  readonly context: () => Omit<ReviewContext, 'deadline' | 'failureMode'>;
  readonly deadlineMs: number;
  readonly failureMode: 'allow' | 'deny';
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
  return { ms, expired: () => performance.now() - startedAt >= ms };
}

function isNetworkPolicy(req: AdmissionRequest): boolean {
  // Without a kind (not sent by any API server) we judge the object by what it says it is.
  if (!req.kind) {
    const obj = (req.object ?? req.oldObject) as { kind?: unknown } | null | undefined;
    return obj?.kind === 'NetworkPolicy';
  }
  return req.kind.group === 'networking.k8s.io' && req.kind.kind === 'NetworkPolicy';
}

/** Whether info lines are written: the line is not even built when they are not. */
function infoEnabled(log: FastifyBaseLogger): boolean {
  const pinoLike = log as FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean };
  return pinoLike.isLevelEnabled ? pinoLike.isLevelEnabled('info') : true;
}

function logLine(
  log: FastifyBaseLogger,
  endpoint: Endpoint,
  req: AdmissionRequest,
  verdict: string,
  durationMs: number,
  extra: Record<string, unknown> = {},
): void {
  log.info(
    {
      endpoint,
      uid: req.uid,
      namespace: req.namespace ?? '',
      name: req.name ?? '',
      operation: req.operation,
      dryRun: req.dryRun === true,
      verdict,
      durationMs: Math.round(durationMs * 1000) / 1000,
      ...extra,
    },
    'admission review',
  );
}

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
  if (infoEnabled(log)) {
    const rules = [...new Set(review.evaluation.findings.map((f) => f.rule))];
    logLine(log, 'validate', req, review.verdict, seconds * 1000, {
      ...(rules.length ? { rules } : {}),
      ...(review.notRun.length ? { skipped: review.notRun } : {}),
      ...(review.decodeIssues.length ? { decodeIssues: review.decodeIssues.map((i) => i.message) } : {}),
    });
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
  if (infoEnabled(log)) {
    const rules = invalid ? [...new Set(invalid.evaluation.findings.map((f) => f.rule))] : [];
    logLine(log, 'mutate', req, verdict, seconds * 1000, {
      ...(ops.length ? { patch: ops.map((o) => o.path) } : {}),
      ...(rules.length ? { rules } : {}),
      ...(invalid?.notRun.length ? { skipped: invalid.notRun } : {}),
    });
  }
  if (invalid) {
    const additions = { warnings: invalid.warnings, auditAnnotations: invalid.auditAnnotations };
    return deny(version, req.uid, invalid.status ?? internalErrorStatus('denied'), additions);
  }
  return patch(version, req.uid, ops);
}

export function registerAdmissionRoutes(app: FastifyInstance, opts: AdmissionRouteOptions): void {
  const handle = (endpoint: Endpoint) => async (request: FastifyRequest, reply: FastifyReply) => {
    const started = performance.now();
    const parsed = parseAdmissionReview(request.body);
    if (!parsed.ok && parsed.uid === undefined) {
      opts.metrics.badRequests.inc({ reason: 'no-uid' });
      request.log.warn({ endpoint, problem: parsed.problem }, 'unreadable admission review');
      return reply.code(400).send({ error: 'BadRequest', message: parsed.problem });
    }
    if (!parsed.ok) {
      request.log.warn({ endpoint, uid: parsed.uid, problem: parsed.problem }, 'unusable admission review');
      return deny(parsed.version, parsed.uid, badRequestStatus(`netpol-guard cannot review this request: ${parsed.problem}`));
    }
    const { request: req, version } = parsed;
    try {
      if (!isNetworkPolicy(req) || (req.subResource ?? '') !== '') {
        opts.metrics.otherKinds.inc();
        logLine(request.log, endpoint, req, 'allowed-other-kind', performance.now() - started, { kind: req.kind, subResource: req.subResource });
        return allow(version, req.uid);
      }
      const ctx: ReviewContext = {
        ...opts.context(),
        deadline: deadlineFor(request, opts.deadlineMs, started),
        failureMode: opts.failureMode,
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
