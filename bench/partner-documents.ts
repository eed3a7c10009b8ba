import { publishDocuments } from '../gateway/security/documents/document.repository';
import { readManifest } from '../gateway/security/documents/manifest';
import { gatewayDatabaseUrl, openGatewayDatabase } from '../gateway/security/partners/store';
import { SEEDED_DOCUMENT_SCOPE, SEEDED_MANIFEST } from '../gateway/security/trusted-documents';

/**
 * Publishes the partner questions' manifest (`questions/partner-manifest.json`) into the gateway
 * database the measured gateway reads on `databaseUrl`'s server. That database is seeded only when
 * it starts empty, so one left by an earlier run holds the documents of then, and the partner
 * question measured would be refused as unknown. Without a database server the gateway serves
 * the seeded manifest itself, and there is nothing to publish.
 */
export async function publishPartnerQuestions(databaseUrl: string | undefined): Promise<void> {
  if (!databaseUrl) return;
  const seeded = readManifest(SEEDED_MANIFEST);
  if (!seeded.ok) throw new Error(`questions/partner-manifest.json: ${seeded.reason}`);
  const database = await openGatewayDatabase(gatewayDatabaseUrl(databaseUrl));
  try {
    await publishDocuments(database.db, seeded.operations, [SEEDED_DOCUMENT_SCOPE]);
  } finally {
    await database.close();
  }
}
