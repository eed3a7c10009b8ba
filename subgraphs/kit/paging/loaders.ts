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

/**
 * `pageLoaders` for a nested list that also takes filter arguments: one set of page loaders per
 * distinct filter (`filterKey` says when two filters are the same), so every parent asking for
 * the same filter and page at one level of a query is in one batch.
 */
export function filteredPageLoaders<F, K, V>(
  filterKey: (filter: F) => string,
  load: (keys: readonly K[], page: Page, filter: F) => Promise<V[]>,
): (filter: F) => (page: Page) => DataLoader<K, V, unknown> {
  const byFilter = new Map<string, (page: Page) => DataLoader<K, V, unknown>>();
  return (filter) => {
    const key = filterKey(filter);
    let loaders = byFilter.get(key);
    if (!loaders) byFilter.set(key, (loaders = pageLoaders<K, V>((keys, page) => load(keys, page, filter))));
    return loaders;
  };
}
