/**
 * One AdmissionReview POST, classified by what an API server would make of it:
 *
 * - answered: HTTP 200 with a well-formed AdmissionReview whose response echoes the request's uid;
 * - bad-answer: an HTTP answer that is not that (wrong status, unparseable, another uid);
 * - refused: ECONNREFUSED at connect: nothing was accepted, so a caller can safely try another
 *   replica (not a failure of the server under test);
 * - reset-before-send: the connection was accepted but died before the request was written
 *   (a reset during the TLS handshake, say);
 * - lost: the whole request was written and no answer came (ECONNRESET, socket hang up, EPIPE
 *   after the write, or no answer within the timeout): the review may or may not have run, and
 *   the caller cannot tell.
 *
 * "Written" is the request's `finish` event: every byte was handed to the socket.
 */
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { reviewBody } from '../fixtures.js';

export type CallKind = 'answered' | 'bad-answer' | 'refused' | 'reset-before-send' | 'lost';

export interface AdmissionAnswer {
  readonly allowed: boolean;
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly code?: number;
}

export interface Call {
  readonly kind: CallKind;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly status?: number;
  /** The answer carried `Connection: close`. */
  readonly closing?: boolean;
  readonly answer?: AdmissionAnswer;
  /** The error code or message, for everything but answered. */
  readonly error?: string;
  /** The request went out on a kept-alive connection that had served an earlier request. */
  readonly reusedSocket?: boolean;
}

export interface CallOptions {
  readonly url: string;
  /** The NetworkPolicy to review; each call gets a fresh uid. */
  readonly object: unknown;
  readonly ca: string;
  /** A keep-alive agent, or false for a new connection (and TLS handshake) per call. */
  readonly agent: https.Agent | false;
  readonly timeoutMs?: number;
}

function readAnswer(text: string, uid: string): AdmissionAnswer | undefined {
  try {
    const review = JSON.parse(text) as { apiVersion?: string; kind?: string; response?: Record<string, unknown> };
    const r = review.response;
    if (review.kind !== 'AdmissionReview' || !review.apiVersion?.startsWith('admission.k8s.io/') || !r || r.uid !== uid) return undefined;
    if (typeof r.allowed !== 'boolean') return undefined;
    return {
      allowed: r.allowed,
      warnings: Array.isArray(r.warnings) ? (r.warnings as string[]) : [],
      auditAnnotations: (r.auditAnnotations as Record<string, string> | undefined) ?? {},
      ...(typeof (r.status as { code?: unknown } | undefined)?.code === 'number' ? { code: (r.status as { code: number }).code } : {}),
    };
  } catch {
    return undefined;
  }
}

export function callReview(opts: CallOptions): Promise<Call> {
  const uid = randomUUID();
  const body = reviewBody(opts.object, uid);
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let written = false;
    let settled = false;
    const settle = (call: Omit<Call, 'startedAt' | 'endedAt'>) => {
      if (settled) return;
      settled = true;
      resolve({ ...call, startedAt, endedAt: performance.now() });
    };
    const req = https.request(opts.url, {
      method: 'POST',
      ca: opts.ca,
      agent: opts.agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.setTimeout(opts.timeoutMs ?? 15_000, () => req.destroy(Object.assign(new Error('no answer in time'), { code: 'TIMEOUT' })));
    req.once('finish', () => (written = true));
    req.once('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        const answer = readAnswer(Buffer.concat(chunks).toString('utf8'), uid);
        const ok = res.statusCode === 200 && answer !== undefined;
        settle({
          kind: ok ? 'answered' : 'bad-answer',
          status: res.statusCode,
          closing: res.headers.connection === 'close',
          reusedSocket: req.reusedSocket,
          ...(answer ? { answer } : { error: `HTTP ${res.statusCode}: not an AdmissionReview answer for uid ${uid}` }),
        });
      });
      res.once('error', (err: NodeJS.ErrnoException) => settle({ kind: 'lost', status: res.statusCode, error: `response cut: ${err.code ?? err.message}`, reusedSocket: req.reusedSocket }));
    });
    req.once('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? err.message;
      const kind: CallKind = code === 'ECONNREFUSED' ? 'refused' : written ? 'lost' : 'reset-before-send';
      settle({ kind, error: code, reusedSocket: req.reusedSocket });
    });
    req.end(body);
  });
}

/** Counts of each kind, every kind present (0 when none). */
export function tally(calls: readonly Call[]): Record<CallKind, number> {
  const out: Record<CallKind, number> = { answered: 0, 'bad-answer': 0, refused: 0, 'reset-before-send': 0, lost: 0 };
  for (const c of calls) out[c.kind]++;
  return out;
}

/** The first few distinct errors, for the notes of a failed check. */
export function errorSummary(calls: readonly Call[], limit = 4): string {
  const counts = new Map<string, number>();
  for (const c of calls) if (c.kind !== 'answered' && c.error) counts.set(`${c.kind}: ${c.error}`, (counts.get(`${c.kind}: ${c.error}`) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([e, n]) => `${n}× ${e}`)
    .join('; ');
}
