/**
 * Apollo Server stores automatic persisted queries in the cache it is given under `apq:<sha256>`
 * (`APQ_CACHE_PREFIX`, not exported). The trusted documents are known by the bare hash, so the
 * gateway's cache strips the prefix; the persisted-documents tests fail when the prefix changes.
 */
const APQ_KEY_PREFIX = 'apq:';

/** The document hash an Apollo Server APQ cache key stands for. */
export function persistedQueryHashOf(key: string): string {
  return key.startsWith(APQ_KEY_PREFIX) ? key.slice(APQ_KEY_PREFIX.length) : key;
}
