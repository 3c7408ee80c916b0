/** The built server in-process on a free port, outside tap, for bench scripts. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { parseServeOptions } from '../../src/server/options.js';
import { startServer } from '../../src/server/serve.js';

export async function startTestServerStandalone(extra: string[] = []): Promise<{ url: string; ca: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-guard-bench-'));
  const options = parseServeOptions(['--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0', '--cert-dir', join(dir, 'certs'), '--no-cluster', '--shutdown-delay', '0', ...extra], {});
  const server = await startServer(options, pino({ level: 'silent' }));
  return {
    url: server.webhookUrl,
    ca: readFileSync(server.caFile as string, 'utf8'),
    async stop() {
      await server.shutdown('bench done');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
