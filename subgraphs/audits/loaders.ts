import type DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupLoader, rowLoader } from '../kit/loaders';
import { findLatestCommandsBySubjects } from '../kit/outbox';
import { pageLoaders, toConnection, type Connection, type Page } from '../kit/paging';
import {
  findAuditPagesByWorkCenters,
  findAuditsByIds,
  WORK_CENTER_AUDITS_KEYSET,
  type AuditRow,
  type WorkCenterAuditFilter,
} from './audit/audit.repository';
import type { AuditsDatabase } from './db';
import { findFindingsByAudits } from './finding/finding.repository';

/** Audits' loaders, created per request. */
export function createAuditsLoaders(db: Kysely<AuditsDatabase>) {
  // One set of page loaders per distinct filter of WorkCenter.audits, so every work center of a
  // list asking for the same page shares one statement however many there are.
  const byFilter = new Map<string, (page: Page) => DataLoader<string, Connection<AuditRow>>>();
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
    auditsByWorkCenter(filter: WorkCenterAuditFilter): (page: Page) => DataLoader<string, Connection<AuditRow>> {
      const key = JSON.stringify([filter.from ?? null, filter.to ?? null, filter.layer ?? null]);
      let loaders = byFilter.get(key);
      if (!loaders) {
        loaders = pageLoaders(async (workCenterIds: readonly string[], page) =>
          (await findAuditPagesByWorkCenters(db, workCenterIds, filter, page)).map((rows) =>
            toConnection(rows, page, WORK_CENTER_AUDITS_KEYSET),
          ),
        );
        byFilter.set(key, loaders);
      }
      return loaders;
    },
  };
}

export type AuditsLoaders = ReturnType<typeof createAuditsLoaders>;
