import { sql, type Kysely } from 'kysely';
import { localChangeBus, type ChangeEvent } from '../../../../platform/change-bus';
import { startChangeRelay, type ChangeEventsDatabase } from '../../../../subgraphs/kit/events';
import { pruneChangeEvents } from '../../../../subgraphs/kit/events/change-events.repository';
import { updateCountTask } from '../../../../subgraphs/inventory/count-task/count-task.repository';
import type { InventoryDatabase } from '../../../../subgraphs/inventory/db';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { startSubgraph, type SubgraphHarness } from '../../../support/subgraph';

const AS_OF = 'query ($id: ID!, $change: ID) { countTask(id: $id, asOfChange: $change) { id status countedQuantity countedAt } }';

describe('a changed entity read as of its change (asOfChange): the row its event kept', () => {
  let inventory: SubgraphHarness<InventoryDatabase>;
  let db: Kysely<InventoryDatabase>;

  beforeAll(async () => {
    inventory = await startSubgraph(inventorySystem);
    db = inventory.db;
  });
  afterAll(() => inventory?.stop());

  const scheduled = (offset: number) =>
    db
      .selectFrom('countTasks')
      .select(['id'])
      .where('status', '=', 'SCHEDULED')
      .orderBy('id')
      .offset(offset)
      .limit(1)
      .executeTakeFirstOrThrow();
  const eventsOf = (id: string) =>
    (db as unknown as Kysely<ChangeEventsDatabase>)
      .selectFrom('changeEvents')
      .select(['seq', 'publishedAt'])
      .where('field', '=', 'countTaskChanged')
      .where(sql<boolean>`entity_key = ${JSON.stringify({ id })}::jsonb`)
      .orderBy('seq')
      .execute();
  const change = (id: string, patch: Parameters<typeof updateCountTask>[2]) =>
    db.transaction().execute((trx) => updateCountTask(trx, id, patch));

  it('answers each change with the state it committed, whatever changed since; without asOfChange, the state now', async () => {
    const { id } = await scheduled(0);
    const countedAt = new Date('2026-11-30T10:15:00.123Z');
    await change(id, { status: 'COUNTED', countedQuantity: 12.5, countedBy: 'ana.ruiz', countedAt });
    await change(id, { status: 'RECOUNT_REQUIRED' });
    const [counted, recount] = await eventsOf(id);

    const first = await inventory.execute(AS_OF, { id, change: String(counted!.seq) });
    expect(first.errors).toBeUndefined();
    // Typed as the table's own rows are: the timestamp to the millisecond, the quantity a number.
    expect(first.data.countTask).toEqual({ id, status: 'COUNTED', countedQuantity: 12.5, countedAt: countedAt.toISOString() });
    expect(first.statements).toBe(1);
    expect((await inventory.execute(AS_OF, { id, change: String(recount!.seq) })).data.countTask.status).toBe('RECOUNT_REQUIRED');
    expect((await inventory.execute(AS_OF, { id, change: null })).data.countTask.status).toBe('RECOUNT_REQUIRED');
  });

  it('refuses a change of another entity (NOT_FOUND) and a change number that is not one (BAD_USER_INPUT), before any SQL for the latter', async () => {
    const [{ id: one }, { id: other }] = [await scheduled(0), await scheduled(1)];
    await change(other, { status: 'COUNTED', countedQuantity: 1, countedBy: 'ana.ruiz', countedAt: new Date() });
    const [ofOther] = await eventsOf(other);
    const wrong = await inventory.execute(AS_OF, { id: one, change: String(ofOther!.seq) });
    expect(wrong.data.countTask).toBeNull();
    expect(wrong.errors).toEqual([
      expect.objectContaining({
        message: `CountTask "${one}" has no change ${ofOther!.seq} kept (a change is kept 15 minutes after it is published)`,
        extensions: expect.objectContaining({ code: 'NOT_FOUND', type: 'CountTask', id: one, asOfChange: String(ofOther!.seq) }),
      }),
    ]);
    for (const bad of ['abc', '0', '-1', '1e3', '9'.repeat(19), ' 1']) {
      const result = await inventory.execute(AS_OF, { id: one, change: bad });
      expect(result.errors?.[0]?.extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'asOfChange' }));
      expect(result.errors?.[0]?.message).toMatch(/^asOfChange: expected the number of a change \(1 to 18 digits\), got /);
      expect(result.statements).toBe(0);
    }
  });

  it('keeps published events (marked, not deleted) until they are older than the relay keeps them', async () => {
    const { id } = await scheduled(2);
    await change(id, { status: 'COUNTED', countedQuantity: 3, countedBy: 'ana.ruiz', countedAt: new Date() });
    const bus = localChangeBus();
    const seen: ChangeEvent[] = [];
    await bus.subscribe((event) => void seen.push(event));
    const relay = startChangeRelay({ system: 'inventory', database: inventory.testDatabase.database, bus, pollMs: 50 });
    try {
      const started = Date.now();
      while (!seen.some((e) => e.key.id === id) && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 25));
    } finally {
      await relay.stop();
      await bus.close();
    }
    const [published] = await eventsOf(id);
    expect(seen.find((e) => e.key.id === id)).toEqual(expect.objectContaining({ system: 'inventory', seq: Number(published!.seq) }));
    expect(published!.publishedAt).toBeInstanceOf(Date);
    expect((await inventory.execute(AS_OF, { id, change: String(published!.seq) })).data.countTask.status).toBe('COUNTED');

    // An hour's margin keeps it; none removes every published event, and the read is then NOT_FOUND.
    expect(await pruneChangeEvents(db, 3_600_000)).toBe(0);
    expect(await pruneChangeEvents(db, 0)).toBeGreaterThanOrEqual(1);
    expect(await eventsOf(id)).toEqual([]);
    const gone = await inventory.execute(AS_OF, { id, change: String(published!.seq) });
    expect(gone.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });
});
