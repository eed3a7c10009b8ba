import DataLoader from 'dataloader';

/** Keeps DataLoader's contract for one-row-per-key batches: same length, same order, null for missing. */
export function byKey<K, R>(keys: readonly K[], keyOf: (row: R) => K) {
  return (rows: readonly R[]): (R | null)[] => {
    const index = new Map(rows.map((row) => [keyOf(row), row] as const));
    return keys.map((key) => index.get(key) ?? null);
  };
}

/** The same contract for one-to-many batches: one (possibly empty) array per key, in key order. */
export function groupByKey<K, R>(keys: readonly K[], keyOf: (row: R) => K) {
  return (rows: readonly R[]): R[][] => {
    const groups = new Map<K, R[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const group = groups.get(key);
      if (group) group.push(row);
      else groups.set(key, [row]);
    }
    return keys.map((key) => groups.get(key) ?? []);
  };
}

/** A loader for one row per key; `fetch` gets the distinct keys of one tick. */
export function rowLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R | null>(async (keys) => byKey(keys, keyOf)(await fetch(keys)));
}

/** A loader for many rows per key. */
export function groupLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (row: R) => K) {
  return new DataLoader<K, R[]>(async (keys) => groupByKey(keys, keyOf)(await fetch(keys)));
}

/** A loader whose keys are objects (composite keys), cached by a string made from them. */
export function compositeRowLoader<K, R>(fetch: (keys: readonly K[]) => Promise<readonly R[]>, keyOf: (value: K | R) => string) {
  return new DataLoader<K, R | null, string>(
    async (keys) => {
      const index = new Map((await fetch(keys)).map((row) => [keyOf(row), row] as const));
      return keys.map((key) => index.get(keyOf(key)) ?? null);
    },
    { cacheKeyFn: keyOf },
  );
}
