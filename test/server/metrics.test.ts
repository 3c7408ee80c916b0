/**
 * The cluster gauges follow the view as the rules see it: a view that synced once and went stale
 * since reads 0, the same moment the reviews start saying "cluster state not synced".
 */
import t from 'tap';
import { ClusterStore, clusterViewOf } from '../../src/cluster/store.js';
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
