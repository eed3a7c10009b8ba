import type { Kysely } from 'kysely';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { erpSystem } from '../../../../subgraphs/erp/server';
import { inventoryOutboxHandlers } from '../../../../subgraphs/inventory/count-task/count-task.handoff';
import type { InventoryDatabase } from '../../../../subgraphs/inventory/db';
import { bookByKeyMigration } from '../../../../subgraphs/inventory/migrations/010_book_by_key';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { createRelay } from '../../../../subgraphs/kit/outbox/relay';
import { relayServiceHeaders } from '../../../../subgraphs/kit/outbox/system-relay';
import { startTestStack, type TestStack } from '../../../support/stack';

// A book read as inventory wrote it before ERP's material-sites became a page.
const LIST_QUERY = `query InventoryBookQuantity($siteId: ID!, $materialIds: [ID!]) {
  materialSites(siteId: $siteId, materialIds: $materialIds) { materialId siteId bookQuantity }
}`;

describe('inventory migration 010: undelivered book reads ask for the material-site by key', () => {
  let stack: TestStack;
  let inventory: Kysely<InventoryDatabase>;
  let erp: Kysely<ErpDatabase>;
  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    inventory = stack.databases.inventory!.database.db;
    erp = stack.databases.erp!.database.db;
  }, 120_000);
  afterAll(() => stack.stop());

  const oldCommand = (key: string, taskId: string, materialId: string, status: 'PENDING' | 'PARKED' | 'DELIVERED') => ({
    idempotencyKey: key,
    type: 'inventory.judgeCount',
    targetSystem: 'erp',
    subject: `CountTask:${taskId}`,
    document: LIST_QUERY,
    variables: JSON.stringify({ siteId: 'S01', materialIds: [materialId] }),
    status,
    deliveredAt: status === 'DELIVERED' ? new Date() : null,
  });

  it('rewrites pending and parked ones (not delivered ones), which then deliver and judge their count; down restores them', async () => {
    const tasks = await inventory
      .selectFrom('countTasks')
      .select(['id', 'materialId'])
      .where('siteId', '=', 'S01')
      .where('status', '=', 'SCHEDULED')
      .orderBy('id')
      .limit(3)
      .execute();
    const [pending, parked, delivered] = tasks as [(typeof tasks)[0], (typeof tasks)[0], (typeof tasks)[0]];
    const { bookQuantity } = await erp
      .selectFrom('materialSites')
      .select('bookQuantity')
      .where('materialId', '=', pending.materialId)
      .where('siteId', '=', 'S01')
      .executeTakeFirstOrThrow();
    // Counted before the upgrade, exactly on the book: judged, it awaits approval.
    await inventory
      .updateTable('countTasks')
      .set({ status: 'COUNTED', countedQuantity: bookQuantity, countedBy: 'before.upgrade', countedAt: new Date() })
      .where('id', '=', pending.id)
      .execute();
    await inventory
      .insertInto('outboxCommands')
      .values([
        oldCommand(`upgrade:${pending.id}`, pending.id, pending.materialId, 'PENDING'),
        oldCommand(`upgrade:${parked.id}`, parked.id, parked.materialId, 'PARKED'),
        oldCommand(`upgrade:${delivered.id}`, delivered.id, delivered.materialId, 'DELIVERED'),
      ])
      .execute();
    const commands = () =>
      inventory
        .selectFrom('outboxCommands')
        .select(['idempotencyKey', 'document', 'variables', 'status'])
        .where('idempotencyKey', 'like', 'upgrade:%')
        .orderBy('idempotencyKey')
        .execute();

    await bookByKeyMigration.up(inventory);
    const byKey = new Map((await commands()).map((c) => [c.idempotencyKey, c]));
    expect(byKey.get(`upgrade:${pending.id}`)).toMatchObject({ variables: { materialId: pending.materialId, siteId: 'S01' } });
    expect(byKey.get(`upgrade:${pending.id}`)!.document).toMatch(/materialSite\(materialId: \$materialId, siteId: \$siteId\)/);
    expect(byKey.get(`upgrade:${parked.id}`)).toMatchObject({ variables: { materialId: parked.materialId, siteId: 'S01' } });
    expect(byKey.get(`upgrade:${delivered.id}`)).toMatchObject({
      document: LIST_QUERY,
      variables: { siteId: 'S01', materialIds: [delivered.materialId] },
    });

    // The pending one goes through; the parked one waits for a person to retry it.
    const relay = createRelay({
      system: 'inventory',
      db: inventory,
      gatewayUrl: stack.gatewayUrl,
      handlers: inventoryOutboxHandlers,
      headers: relayServiceHeaders('inventory', process.env.CALLER_SIGNING_KEY!),
      baseDelayMs: 10,
      maxDelayMs: 50,
    });
    await relay.drain();
    expect((await commands()).find((c) => c.idempotencyKey === `upgrade:${pending.id}`)).toMatchObject({ status: 'DELIVERED' });
    expect(await inventory.selectFrom('countTasks').select('status').where('id', '=', pending.id).executeTakeFirstOrThrow()).toEqual({
      status: 'PENDING_APPROVAL',
    });
    expect((await commands()).find((c) => c.idempotencyKey === `upgrade:${parked.id}`)).toMatchObject({ status: 'PARKED' });
    await bookByKeyMigration.down!(inventory);
    expect((await commands()).find((c) => c.idempotencyKey === `upgrade:${parked.id}`)).toMatchObject({
      document: LIST_QUERY,
      variables: { siteId: 'S01', materialIds: [parked.materialId] },
    });
  });
});
