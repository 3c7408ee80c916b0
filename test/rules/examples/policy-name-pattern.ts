/** What policy-name-pattern flags and what it passes. */
import { namespace } from '../../cluster/manifests.js';
import { makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples, seed } from './common.js';

export const examples: RuleExamples = {
  flagged: [{ name: 'not namespace.pod', object: makeNetworkPolicy(), field: 'metadata.name' }],
  passes: [{ name: 'seed 003 default.postgres', object: seed('003-postgres-from-balance.yaml') }],
};
