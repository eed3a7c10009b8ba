import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { groupByKey, groupLoader, rowLoader } from '../kit/loaders';
import { findLatestCommandsBySubjects } from '../kit/outbox';
import { findAuditsByIds, listAudits, type AuditRow } from './audit/audit.repository';
import type { AuditsDatabase } from './db';
import { findFindingsByAudits } from './finding/finding.repository';

export interface WorkCenterAuditFilter {
  from?: string | null;
  to?: string | null;
  layer?: number | null;
}

/** Audits' loaders, created per request. */
export function createAuditsLoaders(db: Kysely<AuditsDatabase>) {
  // One loader per distinct argument set of WorkCenter.audits, so every work center of a list
  // shares one statement however many there are.
  const byWorkCenter = new Map<string, DataLoader<string, AuditRow[]>>();
  return {
    audit: rowLoader((ids: readonly string[]) => findAuditsByIds(db, ids), (row) => row.id),
    findingsByAudit: groupLoader((ids: readonly string[]) => findFindingsByAudits(db, ids), (row) => row.auditId),
    latestCommand: rowLoader((subjects: readonly string[]) => findLatestCommandsBySubjects(db, subjects), (row) => row.subject!),
    auditsByWorkCenter(filter: WorkCenterAuditFilter): DataLoader<string, AuditRow[]> {
      const key = JSON.stringify([filter.from ?? null, filter.to ?? null, filter.layer ?? null]);
      let loader = byWorkCenter.get(key);
      if (!loader) {
        loader = new DataLoader<string, AuditRow[]>(async (workCenterIds) =>
          groupByKey(workCenterIds, (row: AuditRow) => row.workCenterId)(await listAudits(db, { ...filter, workCenterIds })),
        );
        byWorkCenter.set(key, loader);
      }
      return loader;
    },
  };
}

export type AuditsLoaders = ReturnType<typeof createAuditsLoaders>;
