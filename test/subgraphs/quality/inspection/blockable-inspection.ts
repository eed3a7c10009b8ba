import type { Kysely } from 'kysely';
import type { QualityDatabase } from '../../../../subgraphs/quality/db';

/**
 * An undecided inspection of the seed whose lot is not held and whose stock ERP can block in
 * full, with ERP's material-site; `skip` names inspections another test has used.
 */
export async function blockableInspection(quality: Kysely<QualityDatabase>, erp: Kysely<any>, type: string, skip: readonly string[] = []) {
  const open = await quality
    .selectFrom('inspections')
    .selectAll()
    .where('status', '=', 'OPEN')
    .where('inspectionType', '=', type)
    .orderBy('id')
    .execute();
  for (const inspection of open) {
    if (skip.includes(inspection.id)) continue;
    const held = await quality
      .selectFrom('qualityHolds')
      .select('id')
      .where('lotId', '=', inspection.lotId)
      .where('releasedAt', 'is', null)
      .executeTakeFirst();
    if (held) continue;
    const site = await erp
      .selectFrom('materialSites')
      .selectAll()
      .where('materialId', '=', inspection.materialId)
      .where('siteId', '=', inspection.siteId)
      .executeTakeFirst();
    if (site && site.bookQuantity - site.blockedQuantity >= inspection.lotQuantity) return { inspection, site };
  }
  throw new Error(`no blockable ${type} inspection in the seed`);
}
