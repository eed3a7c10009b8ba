import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { createDatabase, dropDatabases, ensureDatabases, withDatabase, type Database } from '../../../platform/db/database';
import { MAX_MESSAGE_BYTES, readRowTextByValue, readRowTextInOnePass, readsRowTextInOnePass } from '../../../platform/db/row-text';
import { testServerUrl } from '../../support/databases';

/**
 * Rows read in one pass per message are the rows pg-protocol reads value by value: the same
 * strings, nulls and parsed values, for ASCII and non-ASCII text, empty and long values, and
 * results large enough to arrive in many socket reads (messages split between two).
 */
describe('row text read in one pass', () => {
  const name = `t_${randomBytes(4).toString('hex')}_rowtext`;
  let database: Database<Record<string, never>>;

  beforeAll(async () => {
    await ensureDatabases(testServerUrl(), [name]);
    database = createDatabase('rowtext', withDatabase(testServerUrl(), name), { maxConnections: 1 });
    await sql`create table items (id text primary key, label text, note text, amount numeric, at timestamptz, day date,
      tags text[], payload jsonb)`.execute(database.db);
    const labels = [
      '',
      'plain',
      'Größe',
      'naïve café',
      '工場',
      '🏭 plant',
      'tab\tand\nnewline',
      'quote \' and " and \\',
      'x'.repeat(127),
      'y'.repeat(128),
    ];
    await sql`insert into items
      select 'I' || lpad(n::text, 6, '0'),
        (${labels}::text[])[1 + n % ${labels.length}],
        case when n % 5 = 0 then null when n % 97 = 0 then repeat('é', 5000) when n % 89 = 0 then repeat('z', ${MAX_MESSAGE_BYTES + 10}) else 'note ' || n end,
        case when n % 7 = 0 then null else n * 1.25 end,
        timestamptz '2026-03-01 08:15:00.123456+00' + n * interval '1 minute',
        date '2026-01-01' + n,
        array['a' || n, 'ü' || n, null],
        jsonb_build_object('line_no', n, 'text', (${labels}::text[])[1 + n % ${labels.length}])
      from generate_series(1, 5000) as n`.execute(database.db);
  });
  afterAll(async () => {
    readRowTextInOnePass();
    await database.close();
    await dropDatabases(testServerUrl(), [name]);
  });

  const read = async () =>
    (await sql<{ id: string; label: string; note: string | null }>`select * from items order by id`.execute(database.db)).rows;

  it('is on for every connection once the databases module is loaded', () => {
    expect(readsRowTextInOnePass()).toBe(true);
  });

  it('reads the same rows as pg-protocol does', async () => {
    const onePass = await read();
    readRowTextByValue();
    expect(readsRowTextInOnePass()).toBe(false);
    const byValue = await read();
    expect(readRowTextInOnePass()).toBe(true);
    expect(onePass).toHaveLength(5000);
    expect(onePass).toEqual(byValue);
    expect(onePass.find((row) => row.id === 'I000002')!.label).toBe('Größe');
    expect(onePass.find((row) => row.id === 'I000089')!.note).toHaveLength(MAX_MESSAGE_BYTES + 10);
    expect(onePass.find((row) => row.id === 'I000097')!.note).toBe('é'.repeat(5000));
  });

  it("reads PostgreSQL's errors the same", async () => {
    const failure = () => sql`select 1 / 0`.execute(database.db).catch((err: Error & { code?: string; severity?: string }) => err);
    const onePass = await failure();
    readRowTextByValue();
    const byValue = await failure();
    readRowTextInOnePass();
    expect(onePass).toMatchObject({ code: '22012', severity: 'ERROR', message: (byValue as Error).message });
  });

  // The canary: pg-protocol still hands messages to the reader as this module expects, so ASCII
  // values are cut out of one decoded text instead of being decoded one by one.
  it('decodes a row of ASCII values once, not once per value', async () => {
    const toString = jest.spyOn(Buffer.prototype, 'toString');
    try {
      await sql`select id, 'note ' || id as note, day::text as day from items where label = 'plain'`.execute(database.db);
      const utf8 = toString.mock.calls.filter(([encoding]) => encoding === 'utf-8' || encoding === 'utf8').length;
      const latin1 = toString.mock.calls.filter(([encoding]) => encoding === 'latin1').length;
      // One per row (500 rows of 3 values: 1,500 by value), and a few for the other messages the
      // connection reads meanwhile (ready-for-query; a parameter status the server may send).
      expect(latin1).toBeGreaterThanOrEqual(500);
      expect(latin1).toBeLessThan(520);
      expect(utf8).toBeLessThan(20);
    } finally {
      toString.mockRestore();
    }
  });
});
