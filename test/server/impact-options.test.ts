/** --impact-budget (NETPOL_GUARD_IMPACT_BUDGET): its default, its variable, 0 to turn impact off, and a clear answer to a bad value. */
import t from 'tap';
import { parseServeOptions, serveUsage } from '../../src/server/options.js';

t.test('--impact-budget', async (t) => {
  t.equal(parseServeOptions([], {}).impactBudgetMs, 500, 'default 500 ms');
  t.equal(parseServeOptions(['--impact-budget', '120'], {}).impactBudgetMs, 120);
  t.equal(parseServeOptions([], { NETPOL_GUARD_IMPACT_BUDGET: '80' }).impactBudgetMs, 80, 'from its variable');
  t.equal(parseServeOptions(['--impact-budget', '0'], {}).impactBudgetMs, 0, '0 turns impact off');
  t.throws(() => parseServeOptions(['--impact-budget', 'fast'], {}), { code: 'NPG_OPTION_INVALID', message: /--impact-budget must be a whole number of milliseconds >= 0, got "fast"/ });
  t.throws(() => parseServeOptions(['--impact-budget=-3'], {}), { message: /--impact-budget must be a whole number of milliseconds >= 0/ });
  t.match(serveUsage(), /--impact-budget/, 'in the usage text');
});
