import type { Kysely } from 'kysely';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { startSubgraph, type SubgraphHarness } from '../../../support/subgraph';
import { mesSystem } from '../../../../subgraphs/mes/server';

type Edge = { consumedLotId: string; producedLotId: string; quantity: number };

/** The expected trace, computed in memory by breadth-first search over the edges table. */
async function expectedTrace(db: Kysely<MesDatabase>, root: string, direction: 'BACKWARD' | 'FORWARD', maxDepth: number) {
  const edges: Edge[] = await db.selectFrom('genealogyEdges').selectAll().execute();
  const result = new Map<string, number>();
  let frontier = [root];
  const visited = new Set([root]);
  for (let depth = 1; depth <= maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const lot of frontier) {
      for (const e of edges) {
        const [from, to] = direction === 'BACKWARD' ? [e.producedLotId, e.consumedLotId] : [e.consumedLotId, e.producedLotId];
        if (from !== lot) continue;
        const key = `${e.consumedLotId}>${e.producedLotId}`;
        if (!result.has(key)) result.set(key, depth);
        if (!visited.has(to)) {
          visited.add(to);
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return [...result.entries()].map(([key, depth]) => `${key}@${depth}`).sort();
}

const TRACE = `query ($id: ID!, $direction: TraceDirection!, $maxDepth: Int) {
  lot(id: $id) { id genealogy(direction: $direction, maxDepth: $maxDepth) { depth quantity consumedLot { id } producedLot { id } } }
}`;
const asKeys = (edges: { depth: number; consumedLot: { id: string }; producedLot: { id: string } }[]) =>
  edges.map((e) => `${e.consumedLot.id}>${e.producedLot.id}@${e.depth}`).sort();

describe('MES Lot.genealogy', () => {
  let mes: SubgraphHarness<MesDatabase>;
  let deepLot: string;
  let receivedLot: string;

  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
    const db = mes.db;
    // A lot whose inputs have inputs: genealogy two levels deep or more.
    const deep = await db
      .selectFrom('genealogyEdges as top')
      .innerJoin('genealogyEdges as below', 'below.producedLotId', 'top.consumedLotId')
      .select('top.producedLotId')
      .orderBy('top.producedLotId', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    deepLot = deep.producedLotId;
    const received = await db
      .selectFrom('genealogyEdges as first')
      .innerJoin('genealogyEdges as second', 'second.consumedLotId', 'first.producedLotId')
      .innerJoin('lots', 'lots.id', 'first.consumedLotId')
      .where('lots.producedBy', 'is', null)
      .select('first.consumedLotId')
      .orderBy('first.consumedLotId')
      .limit(1)
      .executeTakeFirstOrThrow();
    receivedLot = received.consumedLotId;
  });
  afterAll(() => mes.stop());

  it('traces backward through every level with each edge at its depth, as the edges table says', async () => {
    const { data, errors } = await mes.execute(TRACE, { id: deepLot, direction: 'BACKWARD' });
    expect(errors).toBeUndefined();
    const trace = data.lot.genealogy;
    expect(Math.max(...trace.map((e: { depth: number }) => e.depth))).toBeGreaterThanOrEqual(2);
    expect(asKeys(trace)).toEqual(await expectedTrace(mes.db, deepLot, 'BACKWARD', 20));
    const direct = await mes.db.selectFrom('genealogyEdges').selectAll().where('producedLotId', '=', deepLot).execute();
    for (const edge of direct) {
      expect(trace).toContainEqual({
        depth: 1,
        quantity: edge.quantity,
        consumedLot: { id: edge.consumedLotId },
        producedLot: { id: deepLot },
      });
    }
  });

  it('traces forward from a received lot to where it went', async () => {
    const { data, errors } = await mes.execute(TRACE, { id: receivedLot, direction: 'FORWARD' });
    expect(errors).toBeUndefined();
    expect(data.lot.genealogy.some((e: { depth: number }) => e.depth >= 2)).toBe(true);
    expect(asKeys(data.lot.genealogy)).toEqual(await expectedTrace(mes.db, receivedLot, 'FORWARD', 20));
  });

  it('stops at maxDepth', async () => {
    const { data } = await mes.execute(TRACE, { id: deepLot, direction: 'BACKWARD', maxDepth: 1 });
    expect(data.lot.genealogy.length).toBeGreaterThan(0);
    expect(data.lot.genealogy.every((e: { depth: number }) => e.depth === 1)).toBe(true);
    expect(asKeys(data.lot.genealogy)).toEqual(await expectedTrace(mes.db, deepLot, 'BACKWARD', 1));
  });

  it.each([0, -3, 51, 1000])('refuses maxDepth %p with BAD_USER_INPUT naming maxDepth', async (maxDepth) => {
    const { data, errors } = await mes.execute(TRACE, { id: deepLot, direction: 'BACKWARD', maxDepth });
    expect(data.lot).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxDepth' });
    expect(errors![0]!.message).toContain('maxDepth');
  });

  it('ends on a cycle: each edge of the loop once, at its depth, in both directions', async () => {
    const db = mes.db;
    const lot = (id: string) => ({
      id,
      materialId: 'M000001',
      siteId: 'S01',
      quantity: 10,
      lifecycleStatus: 'AVAILABLE',
      producedBy: null,
      createdAt: new Date(),
    });
    await db
      .insertInto('lots')
      .values([lot('CYC-A'), lot('CYC-B'), lot('CYC-C'), lot('CYC-D')])
      .execute();
    // A consumed B, B consumed C, C consumed A (the bad data a cycle is), and D consumed A.
    await db
      .insertInto('genealogyEdges')
      .values([
        { producedLotId: 'CYC-A', consumedLotId: 'CYC-B', quantity: 1 },
        { producedLotId: 'CYC-B', consumedLotId: 'CYC-C', quantity: 2 },
        { producedLotId: 'CYC-C', consumedLotId: 'CYC-A', quantity: 3 },
        { producedLotId: 'CYC-D', consumedLotId: 'CYC-A', quantity: 4 },
      ])
      .execute();
    const backward = await mes.execute(TRACE, { id: 'CYC-A', direction: 'BACKWARD', maxDepth: 50 });
    expect(backward.errors).toBeUndefined();
    expect(asKeys(backward.data.lot.genealogy)).toEqual(['CYC-A>CYC-C@3', 'CYC-B>CYC-A@1', 'CYC-C>CYC-B@2']);
    const forward = await mes.execute(TRACE, { id: 'CYC-A', direction: 'FORWARD', maxDepth: 50 });
    expect(asKeys(forward.data.lot.genealogy)).toEqual(['CYC-A>CYC-C@1', 'CYC-A>CYC-D@1', 'CYC-B>CYC-A@3', 'CYC-C>CYC-B@2']);
    const fromD = await mes.execute(TRACE, { id: 'CYC-D', direction: 'BACKWARD', maxDepth: 50 });
    expect(asKeys(fromD.data.lot.genealogy)).toEqual(['CYC-A>CYC-D@1', 'CYC-B>CYC-A@2', 'CYC-C>CYC-B@3', 'CYC-A>CYC-C@4'].sort());
  });

  it('sends as many SQL statements for 200 lots as for 10 (one recursive statement per direction)', async () => {
    const query = `query ($since: DateTime) { lots(siteId: "S01", createdAfter: $since, first: 200) { nodes {
      id producedBy { dispatchStatus workCenter { name } }
      backward: genealogy(direction: BACKWARD) { depth consumedLot { id producedBy { goodQuantity } } }
      forward: genealogy(direction: FORWARD, maxDepth: 3) { depth producedLot { id lifecycleStatus } }
    } } }`;
    const createdAt = await mes.db
      .selectFrom('lots')
      .select('createdAt')
      .where('id', 'like', 'L%')
      .orderBy('createdAt', 'desc')
      .offset(200)
      .limit(1)
      .executeTakeFirstOrThrow();
    const ten = await mes.db
      .selectFrom('lots')
      .select('createdAt')
      .where('id', 'like', 'L%')
      .orderBy('createdAt', 'desc')
      .offset(10)
      .limit(1)
      .executeTakeFirstOrThrow();
    const few = await mes.execute(query, { since: ten.createdAt.toISOString() });
    const many = await mes.execute(query, { since: createdAt.createdAt.toISOString() });
    expect(few.errors).toBeUndefined();
    expect(many.errors).toBeUndefined();
    expect(few.data.lots.nodes.length).toBeGreaterThanOrEqual(10);
    expect(many.data.lots.nodes.length).toBe(200);
    expect(many.data.lots.nodes.some((l: { backward: unknown[] }) => l.backward.length > 0)).toBe(true);
    expect(few.statements).toBe(many.statements);
  });
});
