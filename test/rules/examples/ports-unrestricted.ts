/** What ports-unrestricted flags and what it passes. */
import { type RuleExamples, seed, web } from './common.js';

export const examples: RuleExamples = {
  flagged: [{ name: 'seed 003 postgres from balance', object: seed('003-postgres-from-balance.yaml'), field: 'spec.ingress[0]' }],
  passes: [
    { name: 'ports listed', object: web },
    { name: 'no peers either is allow-all, not this', object: seed('003-allow-all-ingress.yaml') },
  ],
};
