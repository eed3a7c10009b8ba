import DataLoader from 'dataloader';
import type { Page } from './page';

/**
 * Per-request loaders of pages of a nested list: one DataLoader per distinct page request
 * (`first`, `after`), so every parent asking for the same page at one level of a query is in one
 * batch. Create it in the context function like any other loader.
 */
export function pageLoaders<K, V>(
  load: (keys: readonly K[], page: Page) => Promise<V[]>,
  cacheKeyFn?: (key: K) => string,
): (page: Page) => DataLoader<K, V, unknown> {
  const byPage = new Map<string, DataLoader<K, V, unknown>>();
  return (page) => {
    const pageKey = `${page.first}\u0000${page.afterCursor ?? ''}`;
    let loader = byPage.get(pageKey);
    if (!loader) {
      loader = new DataLoader<K, V, unknown>((keys) => load(keys, page), cacheKeyFn ? { cacheKeyFn } : {});
      byPage.set(pageKey, loader);
    }
    return loader;
  };
}
