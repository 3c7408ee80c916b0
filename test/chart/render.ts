/**
 * Renders charts/netpol-guard with the real helm v4 (from the e2e harness cache, or $HELM) and
 * parses the output, so chart tests assert on objects by path instead of on text.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { helmPath } from '../e2e/harness/tools.js';

export const CHART_DIR = fileURLToPath(new URL('../../charts/netpol-guard/', import.meta.url));
export const RELEASE = 'r';
export const NAMESPACE = 'npg';
export const FULLNAME = `${RELEASE}-netpol-guard`;

/** A rendered Kubernetes object; tests reach into it by path. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A private helm home per process: helm writes caches and repository config there, and no test
 * should touch the user's. No KUBECONFIG: `helm template` must not need a cluster.
 */
const helmHome = mkdtempSync(join(tmpdir(), 'netpol-guard-chart-'));
process.on('exit', () => rmSync(helmHome, { recursive: true, force: true }));

export function runHelm(args: readonly string[]): Promise<HelmResult> {
  const helm = helmPath();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: helmHome,
    HELM_CACHE_HOME: join(helmHome, 'cache'),
    HELM_CONFIG_HOME: join(helmHome, 'config'),
    HELM_DATA_HOME: join(helmHome, 'data'),
    KUBECONFIG: join(helmHome, 'no-kubeconfig'),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(helm, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

let valuesCounter = 0;

/** Writes values to a file for -f: exact YAML types, unlike --set's guessing. Text is written as is. */
export function valuesFile(values: Record<string, unknown> | string): string {
  const file = join(helmHome, `values-${process.pid}-${valuesCounter++}.yaml`);
  writeFileSync(file, typeof values === 'string' ? values : yaml.dump(values));
  return file;
}

export interface RenderOptions {
  values?: Record<string, unknown> | string;
  /** Extra helm arguments, e.g. ['--api-versions', 'cert-manager.io/v1']. */
  args?: readonly string[];
}

export function templateArgs(options: RenderOptions = {}): string[] {
  const args = ['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE];
  if (options.values !== undefined) args.push('-f', valuesFile(options.values));
  return [...args, ...(options.args ?? [])];
}

/** `helm template` output as text; the result's code tells whether it rendered. */
export function template(options: RenderOptions = {}): Promise<HelmResult> {
  return runHelm(templateArgs(options));
}

export class Rendered {
  constructor(readonly objects: readonly K8sObject[]) {}

  kinds(): string[] {
    return this.objects.map((o) => o.kind).sort();
  }

  all(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  maybe(kind: string, name?: string): K8sObject | undefined {
    const matches = this.all(kind).filter((o) => name === undefined || o.metadata.name === name);
    if (matches.length > 1) throw new Error(`${matches.length} ${kind} objects${name ? ` named ${name}` : ''}; name one`);
    return matches[0];
  }

  one(kind: string, name?: string): K8sObject {
    const found = this.maybe(kind, name);
    if (!found) throw new Error(`no ${kind}${name ? ` named ${name}` : ''} rendered; got ${this.kinds().join(', ')}`);
    return found;
  }
}

export function parseManifests(text: string): K8sObject[] {
  return yaml.loadAll(text).filter((d): d is K8sObject => d !== null && typeof d === 'object');
}

/** Renders and parses; throws with helm's message when rendering fails. */
export async function render(options: RenderOptions = {}): Promise<Rendered> {
  const r = await template(options);
  if (r.code !== 0) throw new Error(`helm ${templateArgs(options).join(' ')} failed (${r.code}):\n${r.stderr}`);
  return new Rendered(parseManifests(r.stdout));
}

/** NOTES.txt as `helm install --dry-run=client` prints it (helm template does not render notes). */
export async function notes(options: RenderOptions = {}): Promise<string> {
  const args = ['install', RELEASE, CHART_DIR, '--namespace', NAMESPACE, '--dry-run=client'];
  if (options.values !== undefined) args.push('-f', valuesFile(options.values));
  const r = await runHelm([...args, ...(options.args ?? [])]);
  if (r.code !== 0) throw new Error(`helm ${args.join(' ')} failed (${r.code}):\n${r.stderr}`);
  const at = r.stdout.indexOf('\nNOTES:\n');
  if (at < 0) throw new Error(`no NOTES in helm install --dry-run output:\n${r.stdout.slice(0, 2000)}`);
  return r.stdout.slice(at + '\nNOTES:\n'.length);
}
