import { dbQueryCount } from '../../../platform/metrics';
import { crmSystem } from '../../../subgraphs/crm/server';
import {
  CHANGE_HISTORY_KEYSET,
  changedFields,
  createChangeHistoryLoader,
  entityKey,
  recordChange,
} from '../../../subgraphs/kit/audit-trail';
import { readPage } from '../../../subgraphs/kit/paging';
import type { Caller } from '../../../platform/caller';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

const caller: Caller = { subject: 'service:relay', kind: 'service', roles: [], scopes: [] };

describe('kit audit trail', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(crmSystem);
  });
  afterAll(() => t.drop());

  it('lists the top-level fields that changed', () => {
    expect(changedFields({ a: 1, b: [1, 2], c: 'x' }, { a: 1, b: [1, 3], d: null })).toEqual(['b', 'c', 'd']);
    expect(changedFields(null, { a: 1 })).toEqual(['a']);
    expect(entityKey('M000001', 'S01')).toBe('M000001/S01');
  });

  it('records a change and reads the histories of many entities of several types in one statement, newest first', async () => {
    const db = t.database.db;
    const written = await recordChange(db, { caller, operation: 'op1', entityType: 'A', entityId: '1', before: { v: 1 }, after: { v: 2 } });
    // The written row comes back as read: its position, its time, the states parsed.
    expect(written).toEqual({
      id: expect.any(Number),
      occurredAt: expect.any(Date),
      actor: 'service:relay',
      actorKind: 'service',
      operation: 'op1',
      entityType: 'A',
      entityId: '1',
      reference: null,
      before: { v: 1 },
      after: { v: 2 },
    });
    await recordChange(db, {
      caller,
      operation: 'op2',
      entityType: 'A',
      entityId: '1',
      reference: 'DOC-9',
      before: { v: 2 },
      after: { v: 3 },
    });
    await recordChange(db, { caller, operation: 'create', entityType: 'B', entityId: '1', before: null, after: { list: [1, 2] } });

    const loader = createChangeHistoryLoader(db)(readPage({}, CHANGE_HISTORY_KEYSET));
    const before = await dbQueryCount('crm');
    const [a, b, none] = (
      await Promise.all([
        loader.load({ entityType: 'A', entityId: '1' }),
        loader.load({ entityType: 'B', entityId: '1' }),
        loader.load({ entityType: 'A', entityId: '2' }),
      ])
    ).map((connection) => connection.nodes);
    expect((await dbQueryCount('crm')) - before).toBe(1);
    expect(a!.map((c) => [c.operation, c.reference, c.before, c.after])).toEqual([
      ['op2', 'DOC-9', { v: 2 }, { v: 3 }],
      ['op1', null, { v: 1 }, { v: 2 }],
    ]);
    expect(b).toEqual([
      expect.objectContaining({
        actor: 'service:relay',
        actorKind: 'service',
        before: null,
        after: { list: [1, 2] },
        changedFields: ['list'],
      }),
    ]);
    expect(none).toEqual([]);
  });

  it('refuses a row without any state', async () => {
    await expect(
      recordChange(t.database.db, { caller, operation: 'noop', entityType: 'A', entityId: '3', before: null, after: null }),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
