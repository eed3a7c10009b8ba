import { randomBytes } from 'node:crypto';
import { createLogger } from '../../../../platform/logger';
import { dropDatabases, withDatabase, type Database } from '../../../../platform/db/database';
import type { GatewayDatabase } from '../../../../gateway/security/partners/partner-key.repository';
import { openGatewayDatabase } from '../../../../gateway/security/partners/store';
import { publishDocuments, revokeDocuments } from '../../../../gateway/security/documents/document.repository';
import { createDocumentRegistry } from '../../../../gateway/security/documents/registry';
import { documentId, PARTNER_DOCUMENTS, type TrustedDocument } from '../../../../gateway/security/trusted-documents';
import { testServerUrl } from '../../../support/databases';

const NUMBERS = 'query Numbers { myPurchaseOrders { nodes { number } } }';

describe('document registry', () => {
  const name = `t_${randomBytes(4).toString('hex')}_gateway`;
  let database: Database<GatewayDatabase>;
  beforeAll(async () => {
    database = await openGatewayDatabase(withDatabase(testServerUrl(), name));
  });
  afterAll(async () => {
    await database?.close().catch(() => {});
    await dropDatabases(testServerUrl(), [name]);
  });

  it('starts from the seeded manifest, reloads only when the table changed, and keeps its documents when the database is gone', async () => {
    const seen: (readonly TrustedDocument[])[] = [];
    const registry = createDocumentRegistry({
      db: database.db,
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      pollMs: 60_000,
      onChange: (d) => seen.push(d),
    });
    try {
      await registry.refresh();
      expect(seen.map((d) => d.map((x) => x.name))).toEqual([PARTNER_DOCUMENTS.map((d) => d.name).sort()]);
      await registry.refresh();
      expect(seen).toHaveLength(1);

      await publishDocuments(
        database.db,
        [{ id: documentId(NUMBERS), name: 'Numbers', type: 'query', body: NUMBERS }],
        ['partner:customer'],
      );
      await registry.refresh();
      expect(seen[1]!.find((d) => d.name === 'Numbers')).toEqual({ name: 'Numbers', scopes: ['partner:customer'], query: NUMBERS });

      expect(await revokeDocuments(database.db, documentId(NUMBERS).toUpperCase())).toEqual([documentId(NUMBERS)]);
      await registry.refresh();
      expect(seen[2]!.map((d) => d.name)).not.toContain('Numbers');

      await database.close();
      await expect(registry.refresh()).rejects.toThrow();
      expect(seen).toHaveLength(3);
    } finally {
      registry.stop();
    }
  });
});
