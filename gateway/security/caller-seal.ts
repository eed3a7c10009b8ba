import type { Fetcher } from '@apollo/utils.fetcher';
import { CALLER_HEADER, isUnsealed, sealCaller } from '../../platform/caller-header';

/**
 * The last step of the gateway's fetch path, just above the connection pool: seals the caller
 * claims a fetch carries over the body that actually goes on the wire. Merging and batching above
 * it change bodies (a batch is one body for many fetches), so nothing earlier could sign them;
 * each request that leaves the gateway gets its own nonce, window and body digest. A header that
 * is not unsealed claims (set whole by a test, or none) passes unchanged.
 */
export function callerSealingFetcher(inner: Fetcher, key: Buffer): Fetcher {
  return (url, init = {}) => {
    const claims = init.headers?.[CALLER_HEADER];
    if (typeof claims !== 'string' || !isUnsealed(claims)) return inner(url, init);
    // The gateway sends POST; a GET would carry its operation in the query string.
    const content = init.method === 'POST' ? (init.body ?? '') : new URL(url).search;
    return inner(url, { ...init, headers: { ...init.headers, [CALLER_HEADER]: sealCaller(claims, content, key) } });
  };
}
