import type { Kysely } from 'kysely';
import { groupLoader, rowLoader } from '../kit/loaders';
import { findLatestCommandsBySubjects } from '../kit/outbox';
import { filteredPageLoaders, toConnection } from '../kit/paging';
import {
  findAuditPagesByWorkCenters,
  findAuditsByIds,
  WORK_CENTER_AUDITS_KEYSET,
  type WorkCenterAuditFilter,
} from './audit/audit.repository';
import type { AuditsDatabase } from './db';
import { findFindingsByAudits } from './finding/finding.repository';

/** Audits' loaders, created per request. */
export function createAuditsLoaders(db: Kysely<AuditsDatabase>) {
  return {
    audit: rowLoader(
      (ids: readonly string[]) => findAuditsByIds(db, ids),
      (row) => row.id,
    ),
    findingsByAudit: groupLoader(
      (ids: readonly string[]) => findFindingsByAudits(db, ids),
      (row) => row.auditId,
    ),
    latestCommand: rowLoader(
      (subjects: readonly string[]) => findLatestCommandsBySubjects(db, subjects),
      (row) => row.subject!,
    ),
    // Every work center of a list asking for the same filter and page shares one statement.
    auditsByWorkCenter: filteredPageLoaders(
      (filter: WorkCenterAuditFilter) => JSON.stringify([filter.from ?? null, filter.to ?? null, filter.layer ?? null]),
      async (workCenterIds: readonly string[], page, filter) =>
        (await findAuditPagesByWorkCenters(db, workCenterIds, filter, page)).map((rows) =>
          toConnection(rows, page, WORK_CENTER_AUDITS_KEYSET),
        ),
    ),
  };
}

export type AuditsLoaders = ReturnType<typeof createAuditsLoaders>;
