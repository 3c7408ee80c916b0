/**
 * Memory of the server holding a large cluster view, measured in one process: the built server
 * (dist/: startServer, as `serve --no-cluster` runs it) plus the static ClusterView of 10,000 pods,
 * 1,000 namespaces and 2,000 services (dist/cluster/static.js, the same projection and store the
 * informers fill). Prints one JSON line. Run by bench/memory.ts as
 *
 *   node --expose-gc --import tsx bench/cluster-memory.ts CERT_DIR
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { ClusterView } from '../src/cluster/view.js';
import { largeClusterState } from './lib/cluster-fixtures.js';
import { fromDist } from './lib/dist.js';

const { staticClusterView } = await fromDist<typeof import('../src/cluster/static.js')>('cluster/static.js');
const { parseServeOptions } = await fromDist<typeof import('../src/server/options.js')>('server/options.js');
const { startServer } = await fromDist<typeof import('../src/server/serve.js')>('server/serve.js');

const gc = (globalThis as { gc?: () => void }).gc;

function settle(): { rss: number; heapUsed: number } {
  for (let i = 0; i < 3; i++) gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
}

async function main(): Promise<void> {
  const certDir = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'netpol-guard-bench-'));
  const options = parseServeOptions(['--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0', '--cert-dir', certDir, '--no-cluster', '--shutdown-delay', '0'], {});
  const server = await startServer(options, pino({ level: 'silent' }));
  await new Promise((r) => setTimeout(r, 500));
  const before = settle();
  let objects: unknown[] | undefined = largeClusterState();
  const view: ClusterView = staticClusterView(objects, 'bench');
  const withObjects = process.memoryUsage().rss;
  objects = undefined;
  await new Promise((r) => setTimeout(r, 200));
  const after = settle();
  const counts = view.status().counts;
  process.stdout.write(`${JSON.stringify({ before, after, withObjects, counts, pods: view.pods().length })}\n`);
  await server.shutdown('done');
  if (process.argv[2] === undefined) rmSync(certDir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
