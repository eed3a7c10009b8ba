import type { Kysely } from 'kysely';
import { dbQueryCount } from '../../../../platform/metrics';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { createRelay, type Relay } from '../../../../subgraphs/kit/outbox/relay';
import { relayServiceHeaders } from '../../../../subgraphs/kit/outbox/system-relay';
import { inventoryOutboxHandlers } from '../../../../subgraphs/inventory/count-task/count-task.handoff';
import type { InventoryDatabase } from '../../../../subgraphs/inventory/db';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { startTestStack, type TestStack } from '../../../support/stack';

const TASK =
  'id status countedQuantity recountQuantity countedBy recountedBy approvedBy erpDocumentNumber rejectionReason delivery { type status attempts lastError deliveredAt }';

describe('inventory count workflow through the gateway, with ERP behind the outbox', () => {
  let stack: TestStack;
  let inventory: Kysely<InventoryDatabase>;
  let erp: Kysely<ErpDatabase>;
  let relay: Relay;

  const gql = async (query: string, variables?: Record<string, unknown>) =>
    (await stack.query(query, variables)).body as { data?: any; errors: any[] };
  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const body = await gql(query, variables);
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  const task = (id: string) => inventory.selectFrom('countTasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  /** Every task of S01 in the statuses, paged through to the end. */
  const allCountTasks = async (status: string[], selection: string) => {
    const tasks: any[] = [];
    let after: string | null = null;
    do {
      const { countTasks } = await ok(
        `query ($s: [CountStatus!], $after: String) { countTasks(siteId: "S01", status: $s, first: 200, after: $after) { nodes { ${selection} } pageInfo { hasNextPage endCursor } } }`,
        { s: status, after },
      );
      tasks.push(...countTasks.nodes);
      after = countTasks.pageInfo.hasNextPage ? countTasks.pageInfo.endCursor : null;
    } while (after);
    return tasks;
  };
  const book = async (materialId: string) =>
    (
      await erp
        .selectFrom('materialSites')
        .select('bookQuantity')
        .where('materialId', '=', materialId)
        .where('siteId', '=', 'S01')
        .executeTakeFirstOrThrow()
    ).bookQuantity;
  /** A SCHEDULED seed task of a class, one not used by another test yet. */
  const used = new Set<string>();
  const scheduledTask = async (abcClass: string) => {
    const rows = await inventory
      .selectFrom('countTasks as t')
      .innerJoin('materialSiteProfiles as p', (j) => j.onRef('p.materialId', '=', 't.materialId').onRef('p.siteId', '=', 't.siteId'))
      .select(['t.id', 't.materialId'])
      .where('t.status', '=', 'SCHEDULED')
      .where('p.abcClass', '=', abcClass)
      .orderBy('t.id')
      .limit(50)
      .execute();
    const row = rows.find((r) => !used.has(r.id))!;
    used.add(row.id);
    return row;
  };

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    inventory = stack.databases.inventory!.database.db;
    erp = stack.databases.erp!.database.db;
    relay = createRelay({
      system: 'inventory',
      db: inventory,
      gatewayUrl: stack.gatewayUrl,
      handlers: inventoryOutboxHandlers,
      headers: relayServiceHeaders('inventory', process.env.CALLER_SIGNING_KEY!),
      baseDelayMs: 10,
      maxDelayMs: 50,
    });
  }, 120_000);
  afterAll(() => stack.stop());

  it('takes a count within tolerance from SCHEDULED to POSTED, moving the ERP book once', async () => {
    const { id, materialId } = await scheduledTask('B');
    const bookBefore = await book(materialId);
    const counted = Math.round(bookBefore * 1.02 * 1000) / 1000; // B tolerates 3 %

    const submitted = await ok(
      `mutation ($id: ID!, $q: Float!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: "ana.ruiz") { ${TASK} } }`,
      { id, q: counted },
    );
    expect(submitted.submitCount).toMatchObject({
      status: 'COUNTED',
      countedQuantity: counted,
      countedBy: 'ana.ruiz',
      delivery: { type: 'inventory.judgeCount', status: 'PENDING', attempts: 0 },
    });
    await relay.drain();
    expect(await task(id)).toMatchObject({ status: 'PENDING_APPROVAL' });

    const approved = await ok(`mutation ($id: ID!) { approveCount(taskId: $id, approver: "inventory.controller") { ${TASK} } }`, { id });
    expect(approved.approveCount).toMatchObject({
      status: 'APPROVED',
      approvedBy: 'inventory.controller',
      erpDocumentNumber: null,
      delivery: { status: 'PENDING' },
    });
    expect(await book(materialId)).toBe(bookBefore); // nothing reaches ERP inside the mutation

    await relay.drain();
    const posted = await task(id);
    expect(posted.status).toBe('POSTED');
    expect(posted.erpDocumentNumber).toMatch(/\S/);
    expect(await book(materialId)).toBeCloseTo(counted, 3);
    const adjustments = await erp.selectFrom('inventoryAdjustments').selectAll().where('sourceCountTaskId', '=', id).execute();
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0]).toMatchObject({
      documentNumber: posted.erpDocumentNumber,
      materialId,
      quantityDelta: expect.closeTo(counted - bookBefore, 3),
      reasonCode: 'CYCLE_COUNT',
    });

    const mine = (await allCountTasks(['POSTED'], TASK)).find((t: { id: string }) => t.id === id);
    expect(mine).toMatchObject({
      status: 'POSTED',
      erpDocumentNumber: posted.erpDocumentNumber,
      delivery: { type: 'inventory.postAdjustment', status: 'DELIVERED', attempts: 1, lastError: null },
    });
  });

  it('asks for a recount outside tolerance, then posts the recount (recount minus book at approval)', async () => {
    const { id, materialId } = await scheduledTask('A');
    const bookBefore = await book(materialId);
    await ok(`mutation ($id: ID!, $q: Float!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: "ben.okafor") { id } }`, {
      id,
      q: Math.round(bookBefore * 1.2) + 5,
    });
    await relay.drain();
    expect(await task(id)).toMatchObject({ status: 'RECOUNT_REQUIRED' });

    const recount = Math.round(bookBefore * 0.995 * 1000) / 1000;
    const recounted = await ok(
      `mutation ($id: ID!, $q: Float!) { submitRecount(taskId: $id, quantity: $q, countedBy: "chen.li") { ${TASK} } }`,
      { id, q: recount },
    );
    expect(recounted.submitRecount).toMatchObject({
      status: 'PENDING_APPROVAL',
      recountQuantity: recount,
      recountedBy: 'chen.li',
      countedBy: 'ben.okafor',
    });

    // Another goods movement lands after the count: the adjustment follows the book at approval, not at counting.
    await erp
      .updateTable('materialSites')
      .set({ bookQuantity: bookBefore + 10 })
      .where('materialId', '=', materialId)
      .where('siteId', '=', 'S01')
      .execute();
    await ok(`mutation ($id: ID!) { approveCount(taskId: $id, approver: "inventory.controller") { id } }`, { id });
    await relay.drain();
    expect(await task(id)).toMatchObject({ status: 'POSTED' });
    const [adjustment] = await erp.selectFrom('inventoryAdjustments').selectAll().where('sourceCountTaskId', '=', id).execute();
    expect(adjustment!.quantityDelta).toBeCloseTo(recount - (bookBefore + 10), 3);
    expect(await book(materialId)).toBeCloseTo(recount, 3);
  });

  it('refuses invalid transitions with INVALID_STATE naming the current status, and writes nothing', async () => {
    const { id } = await scheduledTask('C');
    const before = await task(id);
    const approve = await gql(`mutation ($id: ID!) { approveCount(taskId: $id, approver: "x") { id } }`, { id });
    expect(approve.errors[0].extensions.code).toBe('INVALID_STATE');
    expect(approve.errors[0].message).toContain('is SCHEDULED');
    const recount = await gql(`mutation ($id: ID!) { submitRecount(taskId: $id, quantity: 1, countedBy: "x") { id } }`, { id });
    expect(recount.errors[0]).toMatchObject({ extensions: { code: 'INVALID_STATE', status: 'SCHEDULED' } });
    const reject = await gql(`mutation ($id: ID!) { rejectCount(taskId: $id, reason: "wrong bin") { id } }`, { id });
    expect(reject.errors[0].message).toMatch(
      /is SCHEDULED; rejectCount needs a task that is COUNTED or RECOUNT_REQUIRED or PENDING_APPROVAL/,
    );
    expect(await task(id)).toEqual(before);

    const posted = await inventory.selectFrom('countTasks').select('id').where('status', '=', 'POSTED').limit(1).executeTakeFirstOrThrow();
    const again = await gql(`mutation ($id: ID!) { submitCount(taskId: $id, countedQuantity: 3, countedBy: "x") { id } }`, {
      id: posted.id,
    });
    expect(again.errors[0]).toMatchObject({ extensions: { code: 'INVALID_STATE', status: 'POSTED' } });
    expect(again.errors[0].message).toContain('is POSTED');

    const missing = await gql(`mutation { submitCount(taskId: "CT9999999", countedQuantity: 3, countedBy: "x") { id } }`);
    expect(missing.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('rejects bad input naming the field, with no write and no command', async () => {
    const { id } = await scheduledTask('C');
    const commandsBefore = await inventory.selectFrom('outboxCommands').select('id').execute();
    for (const [q, by, field] of [
      [-1, 'ana', 'countedQuantity'],
      [1e15, 'ana', 'countedQuantity'],
      [5, '  ', 'countedBy'],
    ] as const) {
      const { status, body } = await stack.query(
        `mutation ($id: ID!, $q: Float!, $by: String!) { submitCount(taskId: $id, countedQuantity: $q, countedBy: $by) { id } }`,
        { id, q, by },
      );
      expect(status).toBeLessThan(500);
      expect(body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(body.errors![0]!.message).toMatch(new RegExp(`^${field}:`));
    }
    const noReason = await gql(`mutation ($id: ID!) { rejectCount(taskId: $id, reason: "") { id } }`, { id });
    expect(noReason.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(await task(id)).toMatchObject({ status: 'SCHEDULED', countedQuantity: null });
    expect(await inventory.selectFrom('outboxCommands').select('id').execute()).toHaveLength(commandsBefore.length);
  });

  it('rejects a count with a reason; a rejected count is not the last count', async () => {
    const { id, materialId } = await scheduledTask('B');
    await ok(`mutation ($id: ID!) { submitCount(taskId: $id, countedQuantity: 0, countedBy: "dara.kelly") { id } }`, { id });
    const rejected = await ok(`mutation ($id: ID!) { rejectCount(taskId: $id, reason: "counted the wrong bin") { ${TASK} } }`, { id });
    expect(rejected.rejectCount).toMatchObject({ status: 'REJECTED', rejectionReason: 'counted the wrong bin' });
    await relay.drain(); // the judgement arrives after the rejection and changes nothing
    expect(await task(id)).toMatchObject({ status: 'REJECTED' });
    const { materialSite } = await ok(`query ($m: ID!) { materialSite(materialId: $m, siteId: "S01") { lastCount { id } } }`, {
      m: materialId,
    });
    expect(materialSite.lastCount?.id).not.toBe(id);
  });

  it('parks the judgement of a count of a material ERP does not know, and keeps the count', async () => {
    await inventory
      .insertInto('materialSiteProfiles')
      .values({ materialId: 'M999999', siteId: 'S01', abcClass: 'C', binCodes: ['Z-01-01'] })
      .execute();
    await inventory
      .insertInto('countTasks')
      .values({
        id: 'CT-UNKNOWN',
        materialId: 'M999999',
        siteId: 'S01',
        binCode: 'Z-01-01',
        scheduledFor: '2026-11-20',
        status: 'SCHEDULED',
        countedQuantity: null,
        recountQuantity: null,
        countedBy: null,
        countedAt: null,
        approvedBy: null,
        erpDocumentNumber: null,
      })
      .execute();
    await ok(`mutation { submitCount(taskId: "CT-UNKNOWN", countedQuantity: 4, countedBy: "emil.novak") { id } }`);
    await relay.drain();
    const countTasks = await allCountTasks(['COUNTED'], TASK);
    expect(countTasks.find((t: { id: string }) => t.id === 'CT-UNKNOWN')).toMatchObject({
      status: 'COUNTED',
      countedQuantity: 4,
      delivery: {
        type: 'inventory.judgeCount',
        status: 'PARKED',
        attempts: 1,
        lastError: 'applying the result failed: ERP has no book quantity for M999999 at S01',
      },
    });
  });

  it('serves delivery with the same number of statements for few and many tasks', async () => {
    const measure = async (status: string) => {
      const before = await dbQueryCount('inventory');
      const { countTasks } = await ok(
        `query ($s: [CountStatus!]) { countTasks(siteId: "S01", status: $s, first: 200) { nodes { id delivery { status } materialSite { abcClass } } } }`,
        { s: [status] },
      );
      return { n: countTasks.nodes.length, statements: (await dbQueryCount('inventory')) - before };
    };
    const few = await measure('PENDING_APPROVAL');
    const many = await measure('SCHEDULED');
    expect(many.n).toBeGreaterThan(few.n + 50);
    expect(many.statements).toBe(few.statements);
  });
});
