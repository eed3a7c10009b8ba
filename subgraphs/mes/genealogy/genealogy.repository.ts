import { sql, type Kysely } from 'kysely';
import type { MesDatabase } from '../db';

export type GenealogyDirection = 'BACKWARD' | 'FORWARD';

/** One edge reached from a root lot, at its shortest depth from that root. */
export interface TracedEdgeRow {
  rootId: string;
  consumedLotId: string;
  producedLotId: string;
  quantity: number;
  depth: number;
}

// Backward walks from a produced lot to what it consumed; forward from a consumed lot to what it went into.
const STEP = {
  BACKWARD: { from: sql.ref('e.produced_lot_id'), to: sql.ref('e.consumed_lot_id'), frontier: sql.ref('t.consumed_lot_id') },
  FORWARD: { from: sql.ref('e.consumed_lot_id'), to: sql.ref('e.produced_lot_id'), frontier: sql.ref('t.produced_lot_id') },
} as const;

/**
 * The genealogy of many lots in one direction, as ONE recursive statement: every edge within
 * `maxDepth` steps of each root, once, at its shortest depth. The path of lots walked so far is
 * carried along; an edge that leads back onto it is reported but not followed, so cycles end.
 */
export async function traceGenealogy(
  db: Kysely<MesDatabase>,
  rootIds: readonly string[],
  direction: GenealogyDirection,
  maxDepth: number,
): Promise<TracedEdgeRow[]> {
  if (rootIds.length === 0) return [];
  const { from, to, frontier } = STEP[direction];
  const { rows } = await sql<TracedEdgeRow>`
    with recursive trace (root_id, consumed_lot_id, produced_lot_id, quantity, depth, path, cyclic) as (
      select r.root_id, e.consumed_lot_id, e.produced_lot_id, e.quantity, 1,
             array[r.root_id, ${to}], ${to} = r.root_id
        from unnest(${[...rootIds]}::text[]) as r (root_id)
        join genealogy_edges e on ${from} = r.root_id
      union all
      select t.root_id, e.consumed_lot_id, e.produced_lot_id, e.quantity, t.depth + 1,
             t.path || ${to}, ${to} = any (t.path)
        from trace t
       -- Each step looks up the frontier's edges by index. As a plain join the planner, which
       -- cannot know how small the frontier is, hashes it against a scan of every edge at each
       -- step; "offset 0" keeps the lateral subquery from being flattened back into that join.
       cross join lateral (select * from genealogy_edges e where ${from} = ${frontier} offset 0) as e
       where not t.cyclic and t.depth < ${maxDepth}::int
    )
    select root_id, consumed_lot_id, produced_lot_id, quantity, depth
      from (select distinct on (root_id, consumed_lot_id, produced_lot_id) root_id, consumed_lot_id, produced_lot_id, quantity, depth
              from trace
             order by root_id, consumed_lot_id, produced_lot_id, depth) as shortest
     order by root_id, depth, produced_lot_id, consumed_lot_id`.execute(db);
  return rows;
}

/** Records consumption links; a link reported again adds to the quantity already recorded. */
export async function addGenealogyEdges(db: Kysely<MesDatabase>, edges: readonly MesDatabase['genealogyEdges'][]): Promise<void> {
  if (edges.length === 0) return;
  await db
    .insertInto('genealogyEdges')
    .values([...edges])
    .onConflict((oc) =>
      oc.columns(['producedLotId', 'consumedLotId']).doUpdateSet({ quantity: sql`genealogy_edges.quantity + excluded.quantity` }),
    )
    .execute();
}
