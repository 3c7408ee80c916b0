/**
 * Module hooks for bench/ablation.ts: the built server runs as shipped, except that its
 * dist/review.js is replaced by a module that re-exports the real one and changes only
 * reviewNetworkPolicy, the decision /validate asks for. Everything else (fastify, the
 * AdmissionReview checks, the answer, the log line, the metrics) is the shipped code.
 *
 * Variants (the `variant` of the data given to register()):
 *   kept        the first request's Review, computed by the real function, returned for every
 *               later request: the same answer, log line and metrics without the review's work
 *   kept-busy   kept, then a busy-wait of `busyMicros` (the review's cost in a loop)
 *   kept-alloc  kept, then `objects` small objects made and dropped (what a review allocates)
 *   twice       the real review, run twice per request
 *
 * Plain JavaScript: module hooks run in a thread of their own in the server, which runs dist/
 * under plain node.
 */
import { pathToFileURL } from 'node:url';

let settings;

export function initialize(data) {
  settings = data;
}

const BODIES = {
  kept: 'return kept ??= real.reviewNetworkPolicy(req, ctx);',
  'kept-busy': 'const r = (kept ??= real.reviewNetworkPolicy(req, ctx)); const until = performance.now() + BUSY_MS; while (performance.now() < until); return r;',
  'kept-alloc': 'const r = (kept ??= real.reviewNetworkPolicy(req, ctx)); let list = null; for (let i = 0; i < OBJECTS; i++) list = { next: list, i, a: undefined, b: undefined }; sink = list; return r;',
  twice: 'real.reviewNetworkPolicy(req, ctx); return real.reviewNetworkPolicy(req, ctx);',
};

function wrapper(realUrl) {
  const body = BODIES[settings.variant];
  if (!body) throw new Error(`unknown ablation variant ${settings.variant}`);
  return [
    `import * as real from ${JSON.stringify(realUrl)};`,
    `export * from ${JSON.stringify(realUrl)};`,
    `const BUSY_MS = ${Number(settings.busyMicros ?? 0) / 1000};`,
    `const OBJECTS = ${Math.round(Number(settings.objects ?? 0))};`,
    'let kept;',
    'export let sink;',
    `export function reviewNetworkPolicy(req, ctx) { ${body} }`,
  ].join('\n');
}

export async function load(url, context, nextLoad) {
  const target = pathToFileURL(`${settings.dist}/review.js`).href;
  if (url !== target) return nextLoad(url, context);
  return { format: 'module', shortCircuit: true, source: wrapper(`${target}?ablation=real`) };
}
