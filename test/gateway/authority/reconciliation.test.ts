import type { Kysely } from 'kysely';
import { loadReliabilityConfig } from '../../../gateway/reliability/policy';
import { PAGE_SIZE_MAX } from '../../../platform/paging';
import { SYSTEM_MODULES } from '../../../subgraphs/catalog';
import type { SystemModule } from '../../../subgraphs/kit/system';
import { postGraphQL, startTestStack, type TestStack } from '../../support/stack';

const HOLDS = `query($siteId: ID!) {
  holdStockDisagreements(siteId: $siteId) {
    materialSite { materialId siteId blockedQuantity }
    heldLots { id quantity }
    openHoldIds heldQuantity difference
  }
}`;

const COUNTS = `query($siteId: ID!) {
  countPostingDisagreements(siteId: $siteId) {
    countTask { id status erpDocumentNumber }
    materialSite { materialId siteId }
    kind
  }
}`;

const round = (n: number) => Math.round(n * 1000) / 1000;
const holdsMaterials = (rows: { materialId: string }[]) => [...new Set(rows.map((r) => r.materialId))];

describe('reconciliation: where a system of engagement and the system of record disagree', () => {
  let stack: TestStack;
  let erp: Kysely<any>;
  let mes: Kysely<any>;
  let quality: Kysely<any>;
  let inventory: Kysely<any>;

  // Seeding four systems takes a while on a busy machine.
  beforeAll(async () => {
    const { erp: e, mes: m, inventory: i, quality: q } = SYSTEM_MODULES;
    // A whole site's material-sites through ERP can take longer than the 3 s default on a busy machine.
    stack = await startTestStack([e, m, i, q] as SystemModule[], { reliability: loadReliabilityConfig({ SUBGRAPH_TIMEOUT_MS: '20000' }) });
    erp = stack.databases.erp!.database.db;
    mes = stack.databases.mes!.database.db;
    quality = stack.databases.quality!.database.db;
    inventory = stack.databases.inventory!.database.db;
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  });

  /** What the four databases say, compared without the graph: material-site → [held, blocked]. */
  async function expectedHoldDisagreements(): Promise<Map<string, { held: number; blocked: number; lots: string[] }>> {
    const sites = await erp.selectFrom('materialSites').select(['materialId', 'blockedQuantity']).where('siteId', '=', 'S01').execute();
    const holds = await quality.selectFrom('qualityHolds').select(['lotId', 'materialId']).where('releasedAt', 'is', null).execute();
    const lots = new Map((await mes.selectFrom('lots').select(['id', 'siteId', 'quantity']).execute()).map((l: any) => [l.id, l] as const));
    const result = new Map<string, { held: number; blocked: number; lots: string[] }>();
    for (const site of sites) {
      const held = new Map<string, number>();
      for (const hold of holds) {
        const lot = lots.get(hold.lotId);
        if (hold.materialId === site.materialId && lot?.siteId === 'S01') held.set(hold.lotId, Number(lot.quantity));
      }
      const heldQuantity = round([...held.values()].reduce((a, b) => a + b, 0));
      const blocked = round(Number(site.blockedQuantity));
      if (heldQuantity !== blocked) result.set(site.materialId, { held: heldQuantity, blocked, lots: [...held.keys()].sort() });
    }
    return result;
  }

  it('lists every material-site whose lots on quality hold differ from ERP blocked stock, as the databases say', async () => {
    const { body } = await stack.query(HOLDS, { siteId: 'S01' });
    expect(body.errors).toBeUndefined();
    const expected = await expectedHoldDisagreements();
    const rows = body.data.holdStockDisagreements as any[];
    expect(rows.length).toBe(expected.size);
    for (const row of rows) {
      const want = expected.get(row.materialSite.materialId)!;
      expect(want).toBeDefined();
      expect(row.materialSite.blockedQuantity).toBeCloseTo(want.blocked, 3);
      expect(row.heldQuantity).toBeCloseTo(want.held, 3);
      expect(row.difference).toBeCloseTo(want.held - want.blocked, 3);
      expect(row.heldLots.map((l: any) => l.id)).toEqual(want.lots);
      expect(row.heldQuantity).toBeCloseTo(
        row.heldLots.reduce((sum: number, l: any) => sum + l.quantity, 0),
        3,
      );
    }
  });

  it('lists a material-site once ERP blocks less than quality holds, drops it when they agree, and lists blocked stock without a hold', async () => {
    const list = async () => {
      const { body } = await stack.query(HOLDS, { siteId: 'S01' });
      expect(body.errors).toBeUndefined();
      return body.data.holdStockDisagreements as any[];
    };
    const hold = await quality
      .selectFrom('qualityHolds')
      .select('materialId')
      .where('releasedAt', 'is', null)
      .where('siteId', '=', 'S01')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const setBlocked = (materialId: string, quantity: number) =>
      erp
        .updateTable('materialSites')
        .set({ blockedQuantity: quantity })
        .where('materialId', '=', materialId)
        .where('siteId', '=', 'S01')
        .execute();

    // ERP lost the block (a stock status change never posted): quality holds, ERP does not block.
    await setBlocked(hold.materialId, 0);
    const held = (await expectedHoldDisagreements()).get(hold.materialId)!;
    expect(held.held).toBeGreaterThan(0);
    const row = (await list()).find((r) => r.materialSite.materialId === hold.materialId);
    expect(row).toMatchObject({ materialSite: { blockedQuantity: 0 }, heldQuantity: held.held, difference: held.held });
    expect(row.heldLots.map((l: any) => l.id)).toEqual(held.lots);

    // ERP posts the block: the two agree and the material-site leaves the list.
    await setBlocked(hold.materialId, held.held);
    expect((await list()).map((r) => r.materialSite.materialId)).not.toContain(hold.materialId);

    // ERP blocks stock that no hold accounts for.
    const disagreeing = await expectedHoldDisagreements();
    const unheld = await erp
      .selectFrom('materialSites')
      .select('materialId')
      .where('siteId', '=', 'S01')
      .where('blockedQuantity', '=', 0)
      .where('materialId', 'not in', [
        ...holdsMaterials(await quality.selectFrom('qualityHolds').select('materialId').execute()),
        ...disagreeing.keys(),
      ])
      .orderBy('materialId')
      .limit(1)
      .executeTakeFirstOrThrow();
    await setBlocked(unheld.materialId, 7.5);
    const rows = await list();
    expect(rows.find((r) => r.materialSite.materialId === unheld.materialId)).toEqual({
      materialSite: { materialId: unheld.materialId, siteId: 'S01', blockedQuantity: 7.5 },
      heldLots: [],
      openHoldIds: [],
      heldQuantity: 0,
      difference: -7.5,
    });
    expect(rows.length).toBe((await expectedHoldDisagreements()).size);
  });

  it('lists approved counts ERP has not posted and posted counts whose document ERP does not hold', async () => {
    const posted = await inventory
      .selectFrom('countTasks')
      .select(['id', 'materialId', 'erpDocumentNumber'])
      .where('siteId', '=', 'S01')
      .where('status', '=', 'POSTED')
      .orderBy('id')
      .execute();
    const open = await inventory
      .selectFrom('countTasks')
      .select(['id'])
      .where('siteId', '=', 'S01')
      .where('status', 'in', ['SCHEDULED', 'COUNTED'])
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(posted.length).toBeGreaterThan(1);

    // One posted count ERP knows (its adjustment is in ERP's trail), one it does not, one newly approved.
    const [known, unknown] = posted;
    const knownDocument = known!.erpDocumentNumber ?? 'MD-RECON-1';
    await inventory.updateTable('countTasks').set({ erpDocumentNumber: knownDocument }).where('id', '=', known!.id).execute();
    await erp
      .insertInto('auditTrail')
      .values({
        actor: 'test',
        actorKind: 'user',
        operation: 'postInventoryAdjustment',
        entityType: 'MaterialSite',
        entityId: `${known!.materialId}/S01`,
        reference: knownDocument,
        before: JSON.stringify({ bookQuantity: 10 }),
        after: JSON.stringify({ bookQuantity: 9 }),
      })
      .execute();
    await inventory.updateTable('countTasks').set({ erpDocumentNumber: 'MD-NOT-IN-ERP' }).where('id', '=', unknown!.id).execute();
    const now = new Date();
    await inventory
      .updateTable('countTasks')
      .set({ status: 'APPROVED', countedQuantity: 1, countedBy: 'test', countedAt: now, approvedBy: 'test', approvedAt: now })
      .where('id', '=', open.id)
      .execute();

    const { body } = await stack.query(COUNTS, { siteId: 'S01' });
    expect(body.errors).toBeUndefined();
    const rows = body.data.countPostingDisagreements as any[];
    const byId = new Map(rows.map((r) => [r.countTask.id, r]));
    expect(byId.has(known!.id)).toBe(false);
    expect(byId.get(unknown!.id)).toMatchObject({
      kind: 'UNKNOWN_TO_ERP',
      countTask: { status: 'POSTED', erpDocumentNumber: 'MD-NOT-IN-ERP' },
    });
    expect(byId.get(open.id)).toMatchObject({ kind: 'NOT_POSTED', countTask: { status: 'APPROVED' }, materialSite: { siteId: 'S01' } });

    // Every approved count is listed; every posted one is listed unless ERP's trail holds its document.
    const trail = await erp
      .selectFrom('auditTrail')
      .select(['entityId', 'reference'])
      .where('operation', '=', 'postInventoryAdjustment')
      .execute();
    const documents = new Set(trail.map((t: any) => `${t.entityId}|${t.reference}`));
    const tasks = await inventory
      .selectFrom('countTasks')
      .select(['id', 'materialId', 'status', 'erpDocumentNumber'])
      .where('siteId', '=', 'S01')
      .where('status', 'in', ['APPROVED', 'POSTED'])
      .execute();
    const expected = tasks
      .filter((t: any) => t.status === 'APPROVED' || !t.erpDocumentNumber || !documents.has(`${t.materialId}/S01|${t.erpDocumentNumber}`))
      .map((t: any) => t.id)
      .sort();
    expect(rows.map((r) => r.countTask.id)).toEqual(expected);
  });

  it("finds a posted count's adjustment however far back ERP's trail holds it, paging the trail past its first page", async () => {
    const task = await inventory
      .selectFrom('countTasks')
      .select(['id', 'materialId'])
      .where('siteId', '=', 'S01')
      .where('status', '=', 'POSTED')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    const entityId = `${task.materialId}/S01`;
    await inventory.updateTable('countTasks').set({ erpDocumentNumber: 'MD-RECON-OLD' }).where('id', '=', task.id).execute();
    const change = (operation: string, reference: string) => ({
      actor: 'test',
      actorKind: 'user',
      operation,
      entityType: 'MaterialSite',
      entityId,
      reference,
      before: JSON.stringify({ blockedQuantity: 0 }),
      after: JSON.stringify({ blockedQuantity: 1 }),
    });
    await erp.insertInto('auditTrail').values(change('postInventoryAdjustment', 'MD-RECON-OLD')).execute();
    // Newer changes than the largest page: the posting is no longer on the trail's first page.
    await erp
      .insertInto('auditTrail')
      .values(Array.from({ length: PAGE_SIZE_MAX + 50 }, (_, i) => change('changeStockStatus', `SS-${i}`)))
      .execute();

    const { body } = await stack.query(COUNTS, { siteId: 'S01' });
    expect(body.errors).toBeUndefined();
    const listed = (body.data.countPostingDisagreements as any[]).map((r) => r.countTask.id);
    expect(listed).not.toContain(task.id);

    // The same count under a document the trail does not hold, even after paging it to its end, is listed.
    await inventory.updateTable('countTasks').set({ erpDocumentNumber: 'MD-RECON-NOWHERE' }).where('id', '=', task.id).execute();
    const again = await stack.query(COUNTS, { siteId: 'S01' });
    expect(again.body.errors).toBeUndefined();
    expect((again.body.data.countPostingDisagreements as any[]).find((r) => r.countTask.id === task.id)).toMatchObject({
      kind: 'UNKNOWN_TO_ERP',
    });
  });

  it('is answered in the gateway from the systems it compares, which provenance shows', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, COUNTS, { siteId: 'S01' }, { 'x-plantgraph-provenance': 'true' });
    expect(body.errors).toBeUndefined();
    const provenance = (body as any).extensions.provenance;
    // The reconciliation names the disagreement and the keys of what disagrees; the facts stay with their owners.
    expect([...provenance.reconciliation.paths].sort()).toEqual([
      'countPostingDisagreements.*.countTask.id',
      'countPostingDisagreements.*.kind',
      'countPostingDisagreements.*.materialSite.materialId',
      'countPostingDisagreements.*.materialSite.siteId',
    ]);
    expect(provenance.inventory.paths).toEqual(
      expect.arrayContaining(['countPostingDisagreements.*.countTask.status', 'countPostingDisagreements.*.countTask.erpDocumentNumber']),
    );
  });
});
