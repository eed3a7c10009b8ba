import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { Caller } from '../../../platform/caller';
import { createLogger } from '../../../platform/logger';
import { freePortBlock } from '../../../platform/ports';
import { partnerDocumentGate, trustedDocumentCache } from '../../../gateway/security/documents/partner-gate';
import { createApqStore } from '../../../gateway/security/documents/apq-cache';
import { documentId, type TrustedDocument } from '../../../gateway/security/trusted-documents';

const supplier: Caller = {
  subject: 'partner:pk_1',
  kind: 'partner',
  roles: ['partner'],
  scopes: ['partner:supplier'],
  supplierId: 'V00001',
};
const NUMBERS: TrustedDocument = { name: 'Numbers', scopes: ['partner:supplier'], query: 'query Numbers { myPurchaseOrders { number } }' };
const STATUS: TrustedDocument = { name: 'Status', scopes: ['partner:supplier'], query: 'query Status { myPurchaseOrders { status } }' };
const logger = createLogger('test', { LOG_LEVEL: 'silent' });

describe('the partner document gate follows the registry', () => {
  it('serves what the last update holds, by text and by hash, and forgets the rest', () => {
    const gate = partnerDocumentGate({ documents: [NUMBERS] });
    // The same text with other layout and a comment is the same document.
    expect(gate.refusal(supplier, { query: '# mine\nquery Numbers {\n  myPurchaseOrders { number }\n}' })).toBeUndefined();
    expect(gate.refusal(supplier, { sha256Hash: documentId(NUMBERS.query) })).toBeUndefined();
    expect(gate.refusal(supplier, { query: STATUS.query })?.extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');

    gate.update([STATUS]);
    expect(gate.refusal(supplier, { query: NUMBERS.query })?.extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(gate.refusal(supplier, { sha256Hash: documentId(NUMBERS.query) })?.message).toBe(
      'partners may run only the documents registered for them (Status); this document is not one of them',
    );
    expect(gate.refusal(supplier, { query: STATUS.query })).toBeUndefined();
    expect(gate.textOf(documentId(STATUS.query))).toBe(STATUS.query);
    expect(gate.textOf(documentId(NUMBERS.query))).toBeUndefined();
  });

  it("answers the persisted-query cache with a trusted document's text and never lets a client overwrite it", async () => {
    const gate = partnerDocumentGate({ documents: [NUMBERS] });
    const cache = trustedDocumentCache(gate, createApqStore(undefined, logger));
    const key = `apq:${documentId(NUMBERS.query)}`;
    await cache.set(key, '{ somethingElse }');
    expect(await cache.get(key)).toBe(NUMBERS.query);
    await cache.set('apq:abc', '{ __typename }');
    expect(await cache.get('apq:abc')).toBe('{ __typename }');
  });
});

describe("users' persisted queries", () => {
  it('are a miss, not a failure, when Redis does not answer', async () => {
    const port = await freePortBlock([0]);
    const redis = new Redis(`redis://127.0.0.1:${port}`, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      enableOfflineQueue: false,
    });
    redis.on('error', () => {});
    try {
      const store = createApqStore(redis, logger);
      await expect(store.set('apq:abc', '{ __typename }')).resolves.toBeUndefined();
      await expect(store.get('apq:abc')).resolves.toBeUndefined();
    } finally {
      redis.disconnect();
    }
  });

  it('are kept in Redis with an expiry', async () => {
    const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => {});
    try {
      await redis.connect();
    } catch {
      if (process.env.REDIS_URL) throw new Error(`REDIS_URL is set but ${process.env.REDIS_URL} does not answer`);
      console.warn('no Redis: the Redis store of persisted queries is not tested here');
      return;
    }
    try {
      const key = `apq:${randomBytes(8).toString('hex')}`;
      await createApqStore(redis, logger, { ttlSeconds: 60 }).set(key, '{ __typename }');
      expect(await createApqStore(redis, logger).get(key)).toBe('{ __typename }');
      const ttl = await redis.ttl(`plantgraph:${key}`);
      expect(ttl).toBeGreaterThan(50);
      expect(ttl).toBeLessThanOrEqual(60);
      await redis.del(`plantgraph:${key}`);
    } finally {
      redis.disconnect();
    }
  });
});
