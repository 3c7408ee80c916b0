/**
 * defineRule: a rule as data, with the defaults most rules share filled in, so a rule file says
 * only what is particular to it.
 */
import { z } from 'zod';
import type { Operation } from '../admission/types.js';
import type { ClusterRuleContext, ClusterUse, Rule, RuleContext, RuleFinding } from './types.js';
import type { NetworkPolicy } from '../k8s/types.js';

/** The parameters of a rule that has none: an empty object, unknown keys rejected. */
const NO_PARAMS = z.strictObject({});

const DEFAULT_OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE'];

/** A rule as written: what it is and how it judges; the rest has defaults. */
export interface RuleDefinition<P, C extends ClusterUse> extends Pick<Rule<P>, 'id' | 'title' | 'description' | 'remediation' | 'defaultAction' | 'seeds'> {
  /** Default: false. */
  readonly needsSubmitted?: boolean;
  /** Default: none. */
  readonly cluster?: C;
  /** Default: false. */
  readonly impact?: boolean;
  /** Default: CREATE and UPDATE (what is being written). */
  readonly operations?: readonly Operation[];
  /** Default: no parameters. */
  readonly params?: z.ZodType<P>;
  /** Default: none. */
  readonly explainedBy?: readonly string[];
  /** A rule that needs the cluster always gets it: the engine skips the rule without one. */
  check(np: NetworkPolicy, ctx: C extends 'needs' ? ClusterRuleContext<P> : RuleContext<P>): RuleFinding[];
}

export function defineRule<P = Record<string, never>, C extends ClusterUse = 'none'>(def: RuleDefinition<P, C>): Rule<P> {
  return Object.freeze({
    id: def.id,
    title: def.title,
    description: def.description,
    remediation: def.remediation,
    defaultAction: def.defaultAction,
    seeds: def.seeds,
    needsSubmitted: def.needsSubmitted ?? false,
    cluster: def.cluster ?? 'none',
    impact: def.impact ?? false,
    operations: def.operations ?? DEFAULT_OPERATIONS,
    params: def.params ?? (NO_PARAMS as unknown as z.ZodType<P>),
    explainedBy: def.explainedBy ?? [],
    check: def.check as Rule<P>['check'],
  });
}
