import { sql } from 'kysely';
import type { MesDatabase } from '../../../subgraphs/mes/db';
import { mesSystem } from '../../../subgraphs/mes/server';
import { createTestDatabase, type TestDatabase } from '../../support/databases';

describe('kit database sessions', () => {
  let t: TestDatabase<MesDatabase>;
  beforeAll(async () => {
    t = await createTestDatabase(mesSystem);
  });
  afterAll(() => t.drop());

  it('run with JIT compilation off, on every connection of the pool', async () => {
    // Several at once, so that the pool opens more than one connection.
    const settings = await Promise.all(Array.from({ length: 4 }, () => sql<{ jit: string }>`show jit`.execute(t.database.db)));
    expect(settings.map((r) => r.rows[0]!.jit)).toEqual(['off', 'off', 'off', 'off']);
  });
});
