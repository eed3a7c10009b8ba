import { outbox } from '../../cli/outbox';
import { withDatabase } from '../../platform/db/database';
import { enqueueCommand } from '../../subgraphs/kit/outbox';
import { qualitySystem } from '../../subgraphs/quality/server';
import { createTestDatabase, testServerUrl, type TestDatabase } from '../support/databases';

const command = (n: number, type = 'quality.blockStock') => ({
  idempotencyKey: `QualityHold:QH${n}:BLOCKED`,
  type,
  targetSystem: 'erp',
  subject: `QualityHold:QH${n}`,
  document: 'mutation { ok }',
});

describe('plantgraph outbox', () => {
  let quality: TestDatabase;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    quality = await createTestDatabase(qualitySystem);
    // The test database is "<prefix>_quality": DATABASE_URL names the prefix, as `npm start`'s does.
    env = { DATABASE_URL: withDatabase(testServerUrl(), quality.name.replace(/_quality$/, '')) };
  });
  afterAll(() => quality.drop());

  it('reports each outbox, lists parked commands and retries every parked one of a system at once', async () => {
    const db = quality.database.db;
    for (let n = 1; n <= 4; n++) await enqueueCommand(db, command(n, n === 4 ? 'quality.releaseStock' : 'quality.blockStock'));
    await db
      .updateTable('outboxCommands')
      .set({ status: 'PARKED', attempts: 500, lastError: 'SUBGRAPH_UNAVAILABLE: erp is unavailable' })
      .execute();

    expect(await outbox(['status', '--system', 'quality'], env)).toBe('quality: 0 pending, 4 parked, 0 delivered');
    const listed = (await outbox(['list', '--system', 'quality'], env)).split('\n');
    expect(listed).toHaveLength(4);
    expect(listed[0]).toMatch(/\tPARKED\tquality\.\w+Stock\tQualityHold:QH\d\tattempts 500\t.*\tSUBGRAPH_UNAVAILABLE: erp is unavailable$/);
    expect(JSON.parse(await outbox(['list', '--system', 'quality', '--json', '--limit', '2'], env))).toHaveLength(2);

    expect(await outbox(['retry', '--system', 'quality', '--type', 'quality.releaseStock'], env)).toMatch(
      /^quality: 1 parked command due again\n.*QualityHold:QH4/,
    );
    const retried = await outbox(['retry', '--system', 'quality', '--target', 'erp'], env);
    expect(retried.split('\n')[0]).toBe('quality: 3 parked commands due again');
    expect(await outbox(['retry', '--system', 'quality'], env)).toBe('quality: 0 parked commands due again');
    const status = await outbox(['status', '--system', 'quality', '--database-url', quality.url], env);
    expect(status).toMatch(
      /^quality: 4 pending, 0 parked, 0 delivered; oldest pending since \S+, 0 attempts, last error: SUBGRAPH_UNAVAILABLE/,
    );
    const rows = await db.selectFrom('outboxCommands').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'PENDING' && r.attempts === 0)).toBe(true);
    expect(await outbox(['list', '--system', 'quality'], env)).toBe('quality: no PARKED commands');
  });

  it.each([
    [['purge'], /expected status, list or retry, got "purge"/],
    [['retry'], /--system is required, one of /],
    [['retry', '--system', 'erp'], /--system must be one of .*, got "erp"/],
    [['list', '--system', 'quality', '--status', 'LOST'], /--status takes PENDING, DELIVERED, PARKED \(comma-separated\), got "LOST"/],
    [['list', '--system', 'quality', '--limit', '0'], /--limit must be a whole number from 1 to 10000, got "0"/],
    [['retry', '--system', 'quality', '--target', 'sap'], /--target must name a system, got "sap"/],
    [['retry', '--system'], /--system needs a value/],
  ])('refuses %j with a message that says what it expected', async (args, message) => {
    await expect(outbox(args as string[], env)).rejects.toThrow(message);
  });
});
