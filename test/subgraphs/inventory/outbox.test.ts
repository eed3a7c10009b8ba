import type { Kysely } from 'kysely';
import { createRelay } from '../../../subgraphs/kit/outbox/relay';
import { createSystemServer } from '../../../subgraphs/kit/system';
import type { SubgraphServer } from '../../../subgraphs/kit/server';
import { inventoryOutboxHandlers } from '../../../subgraphs/inventory/count-task/count-task.handoff';
import type { InventoryDatabase } from '../../../subgraphs/inventory/db';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
import { listenOnFreePort, postGraphQL } from '../../support/stack';

describe("inventory's outbox in the graph: delivery, parked commands, retry", () => {
  let testDb: TestDatabase<InventoryDatabase>;
  let db: Kysely<InventoryDatabase>;
  let server: SubgraphServer;
  let url: string;
  const gql = async (query: string, variables?: Record<string, unknown>) =>
    (await postGraphQL(url, query, variables)).body as { data: any; errors?: any[] };

  beforeAll(async () => {
    testDb = await createTestDatabase(inventorySystem, { seed: true });
    db = testDb.database.db;
    server = await createSystemServer(inventorySystem, testDb.database);
    url = await listenOnFreePort(server.httpServer);
  });
  afterAll(async () => {
    await server.stop();
    await testDb.drop();
  });

  it('shows a count whose command cannot be delivered as parked, lists it, and retries it', async () => {
    const { id } = await db
      .selectFrom('countTasks')
      .select('id')
      .where('status', '=', 'SCHEDULED')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const submitted = await gql(
      `mutation ($id: ID!) { submitCount(taskId: $id, countedQuantity: 12, countedBy: "emil.novak") { status delivery { status attempts } } }`,
      { id },
    );
    expect(submitted.data.submitCount).toEqual({ status: 'COUNTED', delivery: { status: 'PENDING', attempts: 0 } });

    // Nothing listens on port 9: every attempt fails, and after two the command is parked.
    const relay = createRelay({
      system: 'inventory',
      db,
      gatewayUrl: 'http://127.0.0.1:9/graphql',
      handlers: inventoryOutboxHandlers,
      maxAttempts: 2,
      baseDelayMs: 1,
      maxDelayMs: 1,
    });
    await relay.drain();
    await new Promise((r) => setTimeout(r, 20));
    await relay.drain();

    const task = await gql(
      `query ($id: ID!) { _entities(representations: [{ __typename: "CountTask", id: $id }]) { ... on CountTask { status delivery { id type targetSystem subject status attempts lastError deliveredAt } } } }`,
      { id },
    );
    const [entity] = task.data._entities;
    expect(entity).toMatchObject({
      status: 'COUNTED',
      delivery: {
        type: 'inventory.judgeCount',
        targetSystem: 'erp',
        subject: `CountTask:${id}`,
        status: 'PARKED',
        attempts: 2,
        deliveredAt: null,
      },
    });
    expect(entity.delivery.lastError).toMatch(/gateway unreachable/);

    const parked = await gql(`{ inventoryCommands { id status } }`);
    expect(parked.data.inventoryCommands).toEqual([{ id: entity.delivery.id, status: 'PARKED' }]);
    const pending = await gql(`{ inventoryCommands(status: [PENDING, DELIVERED]) { id } }`);
    expect(pending.data.inventoryCommands).toEqual([]);

    const retried = await gql(`mutation ($id: ID!) { retryInventoryCommand(id: $id) { id status attempts lastError } }`, {
      id: entity.delivery.id,
    });
    expect(retried.data.retryInventoryCommand).toMatchObject({ id: entity.delivery.id, status: 'PENDING', attempts: 0 });
    expect(retried.data.retryInventoryCommand.lastError).toMatch(/gateway unreachable/); // kept for whoever looks next
    const row = await db.selectFrom('outboxCommands').selectAll().where('id', '=', entity.delivery.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(row.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);

    const twice = await gql(`mutation ($id: ID!) { retryInventoryCommand(id: $id) { id } }`, { id: entity.delivery.id });
    expect(twice.errors![0]).toMatchObject({ extensions: { code: 'INVALID_STATE', status: 'PENDING' } });
    expect(twice.errors![0].message).toContain('is PENDING');
  });

  it('refuses an unknown command and an unreasonable limit', async () => {
    const unknown = await gql(`mutation { retryInventoryCommand(id: "no-such-command") { id } }`);
    expect(unknown.errors![0].extensions.code).toBe('NOT_FOUND');
    const limit = await gql(`{ inventoryCommands(limit: 0) { id } }`);
    expect(limit.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'limit' });
  });
});
