import { randomBytes } from 'node:crypto';
import { dropDatabases, withDatabase, type Database } from '../../../../platform/db/database';
import type { GatewayDatabase } from '../../../../gateway/security/partners/partner-key.repository';
import { openGatewayDatabase } from '../../../../gateway/security/partners/store';
import {
  activeDocuments,
  documentsVersion,
  publishDocuments,
  revokeDocuments,
} from '../../../../gateway/security/documents/document.repository';
import { refreshSeededDocuments } from '../../../../gateway/security/documents/seeded-documents';
import { readManifest, type ManifestOperation } from '../../../../gateway/security/documents/manifest';
import { documentId, SEEDED_MANIFEST } from '../../../../gateway/security/trusted-documents';
import { testServerUrl } from '../../../support/databases';

// The partner question as the seeded manifest held it before lists were paged.
const UNPAGED_Q06 =
  'query MyOpenPurchaseOrders {\n  myPurchaseOrders(status: [OPEN, PARTIALLY_RECEIVED]) {\n    number status\n    lines {\n      material { id description baseUnitOfMeasure }\n      orderedQuantity receivedQuantity promisedDate\n      receivedLots { id\n        qualityStatus\n        inspections { inspectionType usageDecision measurements { characteristic measuredValue conforming } } }\n    }\n  }\n}';
const NUMBERS = 'query Numbers { myPurchaseOrders { nodes { number } } }';

function seededOperations(): ManifestOperation[] {
  const manifest = readManifest(SEEDED_MANIFEST);
  if (!manifest.ok) throw new Error(manifest.reason);
  return manifest.operations;
}

describe('the seeded partner documents, published again at each development start', () => {
  const name = `t_${randomBytes(4).toString('hex')}_gateway`;
  let database: Database<GatewayDatabase>;
  beforeAll(async () => {
    database = await openGatewayDatabase(withDatabase(testServerUrl(), name));
  });
  afterAll(async () => {
    await database?.close().catch(() => {});
    await dropDatabases(testServerUrl(), [name]);
  });

  it("replaces an earlier seeded version by today's, keeps other documents, and changes nothing the second time", async () => {
    const seeded = seededOperations();
    const q06 = seeded.find((o) => o.name === 'MyOpenPurchaseOrders')!;
    const oldId = documentId(UNPAGED_Q06);
    expect(oldId).toBe('8a8f4386711300d44994651c5076014fbf073ea350f20b2768440193e86bc26e');

    // A database first seeded before paging: the unpaged q06 active, today's unknown (here: revoked).
    expect(await revokeDocuments(database.db, q06.id)).toEqual([q06.id]);
    await publishDocuments(
      database.db,
      [{ id: oldId, name: 'MyOpenPurchaseOrders', type: 'query', body: UNPAGED_Q06 }],
      ['partner:supplier'],
    );
    await publishDocuments(database.db, [{ id: documentId(NUMBERS), name: 'Numbers', type: 'query', body: NUMBERS }], ['partner:customer']);

    expect(await refreshSeededDocuments(database.db)).toEqual({ published: [q06.id], revoked: [oldId] });
    const active = await activeDocuments(database.db);
    expect(active.map((d) => d.id).sort()).toEqual([...seeded.map((o) => o.id), documentId(NUMBERS)].sort());
    expect(active.find((d) => d.id === q06.id)!.scopes).toEqual(['partner:supplier']);

    const version = await documentsVersion(database.db);
    expect(await refreshSeededDocuments(database.db)).toEqual({ published: [], revoked: [] });
    expect(await documentsVersion(database.db)).toBe(version);
  });
});
