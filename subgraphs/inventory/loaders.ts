import type { Kysely } from 'kysely';
import { compositeRowLoader, groupLoader, rowLoader } from '../kit/loaders';
import { findLatestCommandsBySubjects } from '../kit/outbox/outbox.repository';
import type { InventoryDatabase } from './db';
import { findCountPoliciesBySites } from './count-policy/count-policy.repository';
import { findCountTasksByIds, findLastCounts, type CountTaskRow } from './count-task/count-task.repository';
import {
  findProfilesByKeys,
  materialSiteKey,
  type MaterialSiteKey,
  type MaterialSiteProfileRow,
} from './material-site/material-site.repository';

/** Inventory's loaders, created per request. */
export function createInventoryLoaders(db: Kysely<InventoryDatabase>) {
  return {
    profile: compositeRowLoader<MaterialSiteKey, MaterialSiteProfileRow>((keys) => findProfilesByKeys(db, keys), materialSiteKey),
    lastCount: compositeRowLoader<MaterialSiteKey, CountTaskRow>((keys) => findLastCounts(db, keys), materialSiteKey),
    countTask: rowLoader(
      (ids: readonly string[]) => findCountTasksByIds(db, ids),
      (row) => row.id,
    ),
    countPolicies: groupLoader(
      (siteIds: readonly string[]) => findCountPoliciesBySites(db, siteIds),
      (row) => row.siteId,
    ),
    /** The latest outbox command per subject (a count task's delivery). */
    delivery: rowLoader(
      (subjects: readonly string[]) => findLatestCommandsBySubjects(db, subjects),
      (row) => row.subject!,
    ),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
