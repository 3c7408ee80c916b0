/**
 * Where the end-to-end harness finds its programs. Each is an explicit environment variable
 * first, then the cache that build-apiserver.sh fills; a missing program is an Error that
 * says which paths were tried and how to fix it, so an e2e run fails instead of skipping.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const BUILD_HINT = 'run `bash test/e2e/harness/build-apiserver.sh` (test/e2e/harness/README.md)';

/** The cache build-apiserver.sh writes: `$NETPOL_GUARD_E2E_CACHE`, else ~/.cache/netpol-guard-e2e. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NETPOL_GUARD_E2E_CACHE || join(homedir(), '.cache', 'netpol-guard-e2e');
}

/** kubectl v1.35: `$KUBECTL`, else the copy unpacked from the npm layer. */
export function kubectlPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveTool('kubectl', 'KUBECTL', [join(cacheDir(env), 'tools', 'kubectl', 'kubectl')], env);
}

/** helm v4: `$HELM`, else the copy unpacked from the npm layer. */
export function helmPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveTool('helm', 'HELM', [join(cacheDir(env), 'tools', 'helm', 'helm')], env);
}

/** kube-apiserver v1.20.2: `$KUBE_APISERVER`, else the binary build-apiserver.sh caches. */
export function kubeApiserverPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveTool('kube-apiserver', 'KUBE_APISERVER', [join(cacheDir(env), 'bin', 'kube-apiserver')], env);
}

/**
 * etcd: `$ETCD`, else Debian's etcd-server (/usr/bin/etcd), else the first on PATH. Any etcd 3.4+
 * serves a 1.20 API server, so PATH is a safe last resort here, unlike for the other tools.
 */
export function etcdPath(env: NodeJS.ProcessEnv = process.env): string {
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'etcd'));
  return resolveTool('etcd', 'ETCD', ['/usr/bin/etcd', ...onPath], env);
}

function resolveTool(name: string, envVar: string, candidates: string[], env: NodeJS.ProcessEnv): string {
  const explicit = env[envVar];
  if (explicit) {
    // An explicit path that does not work is a mistake to report, not a reason to look elsewhere.
    if (isExecutable(explicit)) return explicit;
    throw new Error(`${name}: $${envVar}=${explicit} is not an executable file`);
  }
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new Error(
    `${name} not found: $${envVar} is not set and none of ${candidates.slice(0, 3).join(', ')}` +
      `${candidates.length > 3 ? ', ...' : ''} is executable; ${BUILD_HINT}`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
