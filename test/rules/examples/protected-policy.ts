/** What protected-policy flags and what it passes. */
import { makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples } from './common.js';

/** A NetworkPolicy carrying the protected label. */
function protectedPolicy() {
  return makeNetworkPolicy((np) => (np.metadata!.labels = { 'netpol-guard.io/protected': 'true' }));
}

export const examples: RuleExamples = {
  flagged: [
    {
      name: 'a developer deletes the default-deny',
      object: null,
      operation: 'DELETE',
      old: protectedPolicy(),
      userInfo: { username: 'dev', groups: ['developers'] },
      field: 'metadata.labels[netpol-guard.io/protected]',
    },
    {
      name: 'removing the label is a change too',
      object: makeNetworkPolicy((np) => (np.metadata!.resourceVersion = '1')),
      operation: 'UPDATE',
      old: makeNetworkPolicy((np) => {
        np.metadata!.labels = { 'netpol-guard.io/protected': 'true' };
        np.metadata!.resourceVersion = '1';
      }),
      userInfo: { username: 'dev', groups: ['developers'] },
    },
  ],
  passes: [
    {
      name: 'an administrator',
      object: null,
      operation: 'DELETE',
      old: protectedPolicy(),
      userInfo: { username: 'admin', groups: ['system:masters'] },
    },
    { name: 'not protected', object: null, operation: 'DELETE', old: makeNetworkPolicy(), userInfo: { username: 'dev' } },
  ],
};
