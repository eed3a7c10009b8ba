import type { Kysely } from 'kysely';
import type { GatewayDatabase } from '../partners/partner-key.repository';
import { publishAsOnlyVersions } from './document.repository';
import { readManifest } from './manifest';
import { SEEDED_DOCUMENT_SCOPE, SEEDED_MANIFEST } from '../trusted-documents';

/**
 * Brings a development gateway database up to the seeded manifest of this release. The database
 * is seeded only when new, so one kept across releases (`npm start`'s data dir) would otherwise
 * hold the seeded documents of then and refuse today's as unknown. The seeded manifest owns its
 * documents' names here: an active document of such a name with another id is revoked.
 */
export async function refreshSeededDocuments(db: Kysely<GatewayDatabase>): Promise<{ published: string[]; revoked: string[] }> {
  const seeded = readManifest(SEEDED_MANIFEST);
  if (!seeded.ok) throw new Error(`questions/partner-manifest.json: ${seeded.reason}`);
  return publishAsOnlyVersions(db, seeded.operations, [SEEDED_DOCUMENT_SCOPE]);
}
