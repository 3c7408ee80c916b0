#!/usr/bin/env node
/**
 * netpol-guard: serve | check | audit | explain | simulate | impact | rules | policy | version.
 */
import { describeError, NpgError } from './errors.js';
import { VERSION } from './version.js';

// Each command loads only what it needs: the CLI must start fast in a pre-commit hook, and only
// `serve` needs fastify and the Kubernetes client.

const USAGE = `netpol-guard ${VERSION}: guards every NetworkPolicy a Kubernetes cluster accepts.

Usage:
  netpol-guard serve [options]          run the admission webhook (validate + mutate)
  netpol-guard check [options] PATH...  check NetworkPolicy manifests offline, as the webhook would
  netpol-guard audit (--kubeconfig PATH | --cluster-state PATH) [options]
                                         judge the cluster's policies as a whole (text, json, sarif)
  netpol-guard explain [options] PATH...
                                         explain NetworkPolicies in plain words
  netpol-guard simulate [options] [FILES...]
                                         which flows the cluster's policies allow, and why
  netpol-guard impact (--cluster-state PATH | --kubeconfig PATH) [FILES...] [--delete NS/NAME]...
                                         what a NetworkPolicy change does to traffic, before it is applied
  netpol-guard rules [-o table|json|markdown]
                                         list the org-policy rules
  netpol-guard policy                   print the built-in org policy (a starting point for your own)
  netpol-guard version

Run a command with --help for its options.
`;

async function serve(argv: string[]): Promise<number> {
  const { parseServeOptions, serveUsage } = await import('./server/options.js');
  const { startServer } = await import('./server/serve.js');
  const options = parseServeOptions(argv);
  if (options.help) {
    process.stdout.write(serveUsage());
    return 0;
  }
  const server = await startServer(options);
  await new Promise<void>((resolveSignal) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) process.exit(1); // a second signal: stop now
      void server.shutdown(signal).then(resolveSignal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'check':
      return (await import('./cli/check.js')).runCheck(rest);
    case 'audit':
      return (await import('./cli/audit.js')).runAuditCommand(rest);
    case 'explain':
      return (await import('./cli/explain.js')).runExplain(rest);
    case 'simulate':
      return (await import('./cli/simulate.js')).runSimulate(rest);
    case 'impact':
      return (await import('./cli/impact.js')).runImpact(rest);
    case 'rules':
      return (await import('./cli/rules.js')).runRules(rest);
    case 'policy':
      return (await import('./cli/policy.js')).runPolicy(rest);
    case 'version':
    case '--version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`netpol-guard: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`netpol-guard: ${describeError(err)}\n`);
    process.exitCode = err instanceof NpgError && err.code === 'NPG_OPTION_INVALID' ? 2 : 1;
  },
);
