/** defineAuditRule: an audit rule as data, frozen, parameters defaulting to none. */
import { z } from 'zod';
import type { AuditRule } from './rule.js';

type Definition<P> = Omit<AuditRule<P>, 'params'> & { readonly params?: z.ZodType<P> };

export function defineAuditRule<P = Record<string, never>>(def: Definition<P>): AuditRule<P> {
  return Object.freeze({ ...def, params: def.params ?? (z.strictObject({}) as unknown as z.ZodType<P>) });
}
