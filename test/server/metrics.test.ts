/**
 * The cluster gauges follow the view as the rules see it: a view that synced once and went stale
 * since reads 0, the same moment the reviews start saying "cluster state not synced".
 */
import t from 'tap';
import { ClusterStore, clusterViewOf } from '../../src/cluster/store.js';
import type { Review } from '../../src/review.js';
import { Metrics } from '../../src/server/metrics.js';

function gauge(text: string, name: string): string | undefined {
  return new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1];
}

t.test('netpol_guard_cluster_synced follows the view being current, not only its first sync', async (t) => {
  let fresh = true;
  let ageSeconds = 3;
  const view = clusterViewOf(new ClusterStore(), {
    source: 'informers',
    ready: () => fresh,
    status: () => ({ synced: true, ageSeconds, counts: { pods: 7 } }),
  });
  const metrics = new Metrics('test');
  t.equal(gauge(await metrics.registry.metrics(), 'netpol_guard_cluster_synced'), undefined, 'absent until there is a cluster view');
  metrics.watchCluster(view);

  let text = await metrics.registry.metrics();
  t.equal(gauge(text, 'netpol_guard_cluster_synced'), '1', 'current');
  t.equal(gauge(text, 'netpol_guard_cluster_cache_age_seconds'), '3');
  t.match(text, /netpol_guard_cluster_cache_objects\{resource="pods"\} 7/);

  fresh = false;
  ageSeconds = 130;
  text = await metrics.registry.metrics();
  t.equal(gauge(text, 'netpol_guard_cluster_synced'), '0', 'synced once, stale now: 0');
  t.equal(gauge(text, 'netpol_guard_cluster_cache_age_seconds'), '130');

  fresh = true;
  ageSeconds = 1;
  t.equal(gauge(await metrics.registry.metrics(), 'netpol_guard_cluster_synced'), '1', 'back to 1 when the caches recover');
});

t.test('review counts kept as tallies read the same as counters, scrape after scrape', async (t) => {
  const metrics = new Metrics('test');
  const finding = (rule: string, effect: 'deny' | 'warn') => ({ rule, title: '', field: 'spec', message: '', fix: '', action: effect, effect });
  const review = (findings: ReturnType<typeof finding>[], notRun: { rule: string; reason: 'deadline'; detail: string }[] = []) =>
    ({ evaluation: { findings, skipped: notRun }, notRun }) as unknown as Review;
  const series = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));

  t.same(series(await metrics.registry.metrics(), 'netpol_guard_reviews_total'), [], 'no series before the first review');
  metrics.recordReview('validate', 'CREATE', 'allowed', 0.001, review([finding('egress-without-dns', 'warn')]));
  metrics.recordReview('validate', 'CREATE', 'forbidden', 0.002, review([finding('cloud-metadata-egress', 'deny'), finding('egress-without-dns', 'warn')]));
  metrics.recordReview('mutate', 'UPDATE', 'patched', 0.001);
  metrics.recordReview('validate', 'CREATE', 'allowed', 0.001, review([], [{ rule: 'egress-without-dns', reason: 'deadline', detail: 'late' }]));

  const expected = {
    reviews: [
      'netpol_guard_reviews_total{endpoint="validate",operation="CREATE",verdict="allowed"} 2',
      'netpol_guard_reviews_total{endpoint="validate",operation="CREATE",verdict="forbidden"} 1',
      'netpol_guard_reviews_total{endpoint="mutate",operation="UPDATE",verdict="patched"} 1',
    ],
    findings: [
      'netpol_guard_findings_total{rule="egress-without-dns",effect="warn"} 2',
      'netpol_guard_findings_total{rule="cloud-metadata-egress",effect="deny"} 1',
    ],
    skipped: ['netpol_guard_rules_skipped_total{rule="egress-without-dns",reason="deadline"} 1'],
  };
  for (const scrape of ['first', 'second']) {
    const text = await metrics.registry.metrics();
    t.same(series(text, 'netpol_guard_reviews_total'), expected.reviews, `${scrape} scrape: reviews by endpoint, operation and verdict, in the order first seen`);
    t.same(series(text, 'netpol_guard_findings_total'), expected.findings, `${scrape} scrape: findings by rule and effect`);
    t.same(series(text, 'netpol_guard_rules_skipped_total'), expected.skipped, `${scrape} scrape: skipped rules by rule and reason`);
  }
  t.match(await metrics.registry.metrics(), /^netpol_guard_review_duration_seconds_count\{endpoint="validate"\} 3$/m, 'the duration histogram counts each review once');
});
