/**
 * The org-policy file reader: the one place in policy/ that does I/O, used by the CLI and by the
 * server's PolicySource (which re-reads the file when it changes).
 */
import { readFile } from 'node:fs/promises';
import { NpgError } from '../errors.js';
import { parsePolicy } from './parse.js';
import type { OrgPolicy } from './types.js';

/** The file's text; throws NpgError NPG_POLICY_UNREADABLE when it cannot be read. */
export async function readPolicyText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new NpgError('NPG_POLICY_UNREADABLE', `cannot read org policy ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Reads and compiles a policy file; throws NpgError NPG_POLICY_UNREADABLE or NPG_POLICY_INVALID. */
export async function loadPolicyFile(path: string): Promise<OrgPolicy> {
  return parsePolicy(await readPolicyText(path), path);
}
