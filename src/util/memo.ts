/**
 * A bounded memo for pure functions of one string: reviews see the same CIDRs, label keys and
 * addresses over and over, and parsing them is most of a review's cost. The cache is cleared
 * when full, so hostile input can grow it by at most `max` entries.
 */
export function memoize<V>(fn: (key: string) => V, max = 4096): (key: string) => V {
  const cache = new Map<string, V>();
  return (key: string): V => {
    const hit = cache.get(key);
    if (hit !== undefined || cache.has(key)) return hit as V;
    const value = fn(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
    return value;
  };
}
