import { dbQueryCount } from '../../../platform/metrics';
import type { Caller } from '../../../platform/caller';
import { crmSystem } from '../../../subgraphs/crm/server';
import { CHANGE_HISTORY_KEYSET, createChangeHistoryLoader, recordChange, type EntityRef } from '../../../subgraphs/kit/audit-trail';
import { decodeCursor, encodeCursor, keysetPage, PAGE_SIZE_MAX, readPage, toConnection, type Keyset } from '../../../subgraphs/kit/paging';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

const caller: Caller = { subject: 'service:paging-test', kind: 'service', roles: [], scopes: [] };
const keyset: Keyset = { list: 'testTrail', columns: ['entityId', 'id'], kinds: ['text', 'integer'], direction: 'asc' };

describe('kit paging', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(crmSystem);
    const db = t.database.db;
    // Entity E<n> gets n changes, so histories of different lengths share one table.
    for (let n = 1; n <= 12; n++) {
      for (let i = 0; i < n; i++) {
        await recordChange(db, {
          caller,
          operation: `op${i}`,
          entityType: 'E',
          entityId: `E${String(n).padStart(2, '0')}`,
          before: null,
          after: { i },
        });
      }
    }
  });
  afterAll(() => t.drop());

  const rootPage = async (first: number | null, after: string | null) => {
    const page = readPage({ first, after }, keyset);
    const query = keysetPage(
      t.database.db.selectFrom('auditTrail').select(['id', 'entityId', 'operation']).where('entityType', '=', 'E'),
      keyset,
      page,
    );
    return toConnection(await query.execute(), page, keyset);
  };

  it('pages a root list forward to its end, each row once, in key order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const connection = await rootPage(7, after);
      pages += 1;
      seen.push(...connection.nodes.map((row: any) => `${row.entityId}/${row.id}`));
      expect(connection.edges.map((e) => e.cursor)).toHaveLength(connection.nodes.length);
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(78); // 1 + 2 + … + 12
    expect(new Set(seen).size).toBe(78);
    expect(pages).toBe(12);
    expect(
      [...seen].sort((a, b) =>
        a.split('/')[0]! === b.split('/')[0]! ? Number(a.split('/')[1]) - Number(b.split('/')[1]) : a < b ? -1 : 1,
      ),
    ).toEqual(seen);
  });

  it('keeps a cursor stable when rows are inserted before it', async () => {
    const first = await rootPage(5, null);
    const second = await rootPage(5, first.pageInfo.endCursor);
    await recordChange(t.database.db, { caller, operation: 'late', entityType: 'E', entityId: 'E00', before: null, after: { late: true } });
    const again = await rootPage(5, first.pageInfo.endCursor);
    expect(again.nodes).toEqual(second.nodes);
  });

  it('uses no OFFSET and one statement per page, wherever the page is', async () => {
    const page = readPage({ first: 3, after: encodeCursor('testTrail', ['E11', '1']) }, keyset);
    const compiled = keysetPage(t.database.db.selectFrom('auditTrail').selectAll(), keyset, page).compile();
    expect(compiled.sql).not.toMatch(/offset/i);
    expect(compiled.sql).toMatch(/\("entity_id", "id"\) > \(\$1, \$2\)/);
    expect(compiled.sql).toMatch(/limit \$3$/);
    expect(compiled.parameters).toEqual(['E11', '1', 4]);
  });

  it('pages the histories of a batch of parents in one statement, whatever their length and the page position', async () => {
    const refs: EntityRef[] = Array.from({ length: 12 }, (_, i) => ({ entityType: 'E', entityId: `E${String(i + 1).padStart(2, '0')}` }));
    const loaders = createChangeHistoryLoader(t.database.db);
    const firstPage = readPage({ first: 4 }, CHANGE_HISTORY_KEYSET);
    const before = await dbQueryCount('crm');
    const pages = await Promise.all(refs.map((ref) => loaders(firstPage).load(ref)));
    expect((await dbQueryCount('crm')) - before).toBe(1);
    expect(pages.map((c) => c.nodes.length)).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4]);
    expect(pages.map((c) => c.pageInfo.hasNextPage)).toEqual([false, false, false, false, true, true, true, true, true, true, true, true]);
    // Newest first: ids descend within each history.
    for (const c of pages) expect(c.nodes.map((n) => Number(n.id))).toEqual(c.nodes.map((n) => Number(n.id)).sort((a, b) => b - a));

    // The second page of the longest history, asked for with that history's cursor, is again one statement.
    const longest = pages[11]!;
    const next = readPage({ first: 4, after: longest.pageInfo.endCursor }, CHANGE_HISTORY_KEYSET);
    const beforeNext = await dbQueryCount('crm');
    const second = await loaders(next).load(refs[11]!);
    expect((await dbQueryCount('crm')) - beforeNext).toBe(1);
    expect(second.nodes.map((n) => n.operation)).toEqual(['op7', 'op6', 'op5', 'op4']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('refuses page sizes out of range and cursors of other lists or no cursor at all, saying what was expected', () => {
    expect(() => readPage({ first: 0 }, keyset)).toThrow(`first: expected 1 to ${PAGE_SIZE_MAX} rows per page, got 0`);
    expect(() => readPage({ first: PAGE_SIZE_MAX + 1 }, keyset)).toThrow(/first: expected 1 to/);
    expect(() => readPage({ after: 'not a cursor!' }, keyset)).toThrow(/after: not a cursor; pass the endCursor/);
    expect(() => readPage({ after: encodeCursor('lots', ['x', 'y']) }, keyset)).toThrow(/after: a cursor of lots/);
    expect(() => readPage({ after: encodeCursor('testTrail', ['only one']) }, keyset)).toThrow(/not a cursor/);
    expect(() => readPage({ after: Buffer.from('{"a":1}').toString('base64url') }, keyset)).toThrow(/not a cursor/);
    try {
      readPage({ first: -1 }, keyset);
    } catch (error: any) {
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it('refuses a cursor of the right list whose values are not what the key columns hold, before any SQL', () => {
    const dated: Keyset = {
      list: 'dated',
      columns: ['day', 'at', 'seq', 'id'],
      kinds: ['date', 'timestamp', 'integer', 'text'],
      direction: 'asc',
    };
    const good = ['2026-02-28', '2026-02-28T08:15:00.123456Z', '42', 'X1'];
    expect(readPage({ after: encodeCursor('dated', good) }, dated).after).toEqual(good);
    for (const bad of [
      ['tomorrow', good[1], good[2], good[3]],
      ['2026-02-30', good[1], good[2], good[3]],
      [good[0], '2026-02-28T08:15:00Z', good[2], good[3]],
      [good[0], 'yesterday', good[2], good[3]],
      [good[0], good[1], '4 2', good[3]],
      [good[0], good[1], good[2], 7],
    ]) {
      expect(() => readPage({ after: encodeCursor('dated', bad as (string | number)[]) }, dated)).toThrow(
        /after: not a cursor; pass the endCursor/,
      );
    }
  });

  it('round-trips cursor values exactly and refuses values that would not', () => {
    expect(decodeCursor('l', 2, encodeCursor('l', ['2026-01-02', 42]))).toEqual(['2026-01-02', 42]);
    expect(() => encodeCursor('l', [new Date()])).toThrow(/text or integers, got a Date/);
  });
});
