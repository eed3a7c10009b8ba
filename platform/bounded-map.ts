/**
 * Sets `key` in a map used as a bounded cache, then drops the oldest entries (in insertion order)
 * until at most `capacity` are left. A caller that wants least-recently-used order re-inserts an
 * entry when it reads it.
 */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value!);
}
