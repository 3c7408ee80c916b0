/** The parameters pod-selector-matches-nothing and peer-matches-nothing share. */
import { z } from 'zod';

export const MATCHES_NOTHING_PARAMS = z.strictObject({
  ignoreEmptyNamespaces: z
    .boolean()
    .default(true)
    .describe('Say nothing when the namespace has no pods at all: policies are often applied before their workloads.'),
});

export type MatchesNothingParams = z.infer<typeof MATCHES_NOTHING_PARAMS>;
