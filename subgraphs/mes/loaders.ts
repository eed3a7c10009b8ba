import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { createChangeHistoryLoader } from '../kit/audit-trail';
import { rowLoader } from '../kit/loaders';
import { pageLoaders, toConnection } from '../kit/paging';
import type { MesDatabase } from './db';
import { traceGenealogy, type GenealogyDirection, type TracedEdgeRow } from './genealogy/genealogy.repository';
import { findLotPagesByProducers, findLotsByIds, fromPagedLot, PRODUCED_LOTS_KEYSET } from './lot/lot.repository';
import { findWorkCentersByIds } from './work-center/work-center.repository';
import { findWorkOrdersByIds } from './work-order/work-order.repository';

/** One genealogy trace: a lot, a direction and how deep to go. */
export interface GenealogyKey {
  lotId: string;
  direction: GenealogyDirection;
  maxDepth: number;
}

const genealogyKey = (k: GenealogyKey) => `${k.lotId}\u0000${k.direction}\u0000${k.maxDepth}`;

/**
 * Traces of one tick, grouped by direction and depth: one recursive statement per group, so a
 * query costs one statement per distinct `genealogy(...)` field, however many lots it lists.
 */
function createGenealogyLoader(db: Kysely<MesDatabase>) {
  return new DataLoader<GenealogyKey, TracedEdgeRow[], string>(
    async (keys) => {
      const groups = new Map<string, { direction: GenealogyDirection; maxDepth: number; lotIds: string[] }>();
      for (const key of keys) {
        const groupKey = `${key.direction}\u0000${key.maxDepth}`;
        const group = groups.get(groupKey) ?? { direction: key.direction, maxDepth: key.maxDepth, lotIds: [] };
        group.lotIds.push(key.lotId);
        groups.set(groupKey, group);
      }
      const edges = new Map<string, TracedEdgeRow[]>();
      await Promise.all(
        [...groups.values()].map(async ({ direction, maxDepth, lotIds }) => {
          for (const row of await traceGenealogy(db, lotIds, direction, maxDepth)) {
            const key = genealogyKey({ lotId: row.rootId, direction, maxDepth });
            const list = edges.get(key);
            if (list) list.push(row);
            else edges.set(key, [row]);
          }
        }),
      );
      return keys.map((key) => edges.get(genealogyKey(key)) ?? []);
    },
    { cacheKeyFn: genealogyKey },
  );
}

/** MES's loaders; created per request so that no cache outlives the request that filled it. */
export function createMesLoaders(db: Kysely<MesDatabase>) {
  return {
    workCenter: rowLoader(
      (ids: readonly string[]) => findWorkCentersByIds(db, ids),
      (row) => row.id,
    ),
    workOrder: rowLoader(
      (ids: readonly string[]) => findWorkOrdersByIds(db, ids),
      (row) => row.id,
    ),
    lot: rowLoader(
      (ids: readonly string[]) => findLotsByIds(db, ids),
      (row) => row.id,
    ),
    producedLots: pageLoaders(async (workOrderIds: readonly string[], page) =>
      (await findLotPagesByProducers(db, workOrderIds, page)).map((rows) => toConnection(rows, page, PRODUCED_LOTS_KEYSET, fromPagedLot)),
    ),
    genealogy: createGenealogyLoader(db),
    changeHistory: createChangeHistoryLoader(db),
  };
}

export type MesLoaders = ReturnType<typeof createMesLoaders>;
