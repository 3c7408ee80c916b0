/**
 * The harness's shell scripts reach their sibling scripts from any working directory.
 *
 * A cold build of kube-apiserver changes directory into the build and cache folders before it
 * unpacks kubectl and helm; a sibling reached by a path relative to where the script was started
 * then no longer resolves, and the first run on a new machine failed after the whole build.
 * Every path through build-apiserver.sh now unpacks the tools from inside the cache folder, as
 * the end of a cold build does, so these runs exercise that tail without building anything:
 * a stand-in kube-apiserver that reports v1.20.2 takes the place of the real build.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { helmPath, kubectlPath } from './harness/tools.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const script = join(repoRoot, 'test', 'e2e', 'harness', 'build-apiserver.sh');

function standInApiserver(path: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, '#!/bin/sh\necho "Kubernetes v1.20.2"\n');
  chmodSync(path, 0o755);
  return path;
}

interface Run {
  status: number | null;
  stderr: string;
}

function runScript(cwd: string, scriptPath: string, env: NodeJS.ProcessEnv): Run {
  const result = spawnSync('bash', [scriptPath], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stderr: result.stderr };
}

const tools = { KUBECTL: kubectlPath(), HELM: helmPath() };

t.test('the cached-binary path unpacks tools from inside the cache, started by a relative path', async (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'npg-harness-cache-'));
  t.teardown(() => rmSync(cache, { recursive: true, force: true }));
  standInApiserver(join(cache, 'bin', 'kube-apiserver'));
  const env = { ...tools, NETPOL_GUARD_E2E_CACHE: cache, KUBE_APISERVER: '' };

  const fromRoot = runScript(repoRoot, relative(repoRoot, script), env);
  t.equal(fromRoot.status, 0, `from the repository root: ${fromRoot.stderr}`);
  t.match(fromRoot.stderr, /cached: .*kube-apiserver \(v1\.20\.2\)/);
  t.notMatch(fromRoot.stderr, /No such file or directory/);

  const harnessDir = dirname(script);
  const fromHarness = runScript(harnessDir, 'build-apiserver.sh', env);
  t.equal(fromHarness.status, 0, `from the harness folder: ${fromHarness.stderr}`);
  t.notMatch(fromHarness.stderr, /No such file or directory/);
});

t.test('an explicit KUBE_APISERVER path works from an unrelated working directory', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'npg-harness-cwd-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const apiserver = standInApiserver(join(scratch, 'bin', 'kube-apiserver'));
  const cache = join(scratch, 'cache');
  const env = { ...tools, NETPOL_GUARD_E2E_CACHE: cache, KUBE_APISERVER: apiserver };

  const run = runScript(scratch, relative(scratch, script), env);
  t.equal(run.status, 0, run.stderr);
  t.match(run.stderr, /using KUBE_APISERVER=/);
  t.notMatch(run.stderr, /No such file or directory/);
});

t.test('a wrong KUBE_APISERVER is an error that names it, not a build', async (t) => {
  const scratch = mkdtempSync(join(tmpdir(), 'npg-harness-wrong-'));
  t.teardown(() => rmSync(scratch, { recursive: true, force: true }));
  const wrong = join(scratch, 'kube-apiserver');
  writeFileSync(wrong, '#!/bin/sh\necho "Kubernetes v1.31.0"\n');
  chmodSync(wrong, 0o755);

  const run = runScript(scratch, script, { ...tools, NETPOL_GUARD_E2E_CACHE: join(scratch, 'cache'), KUBE_APISERVER: wrong });
  t.equal(run.status, 1);
  t.match(run.stderr, /KUBE_APISERVER=.* is not an executable kube-apiserver v1\.20\.2/);
});
