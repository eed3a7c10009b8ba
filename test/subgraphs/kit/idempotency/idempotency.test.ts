import { sql } from 'kysely';
import type { Caller } from '../../../../platform/caller';
import { dbQueryCount } from '../../../../platform/metrics';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { mesSystem } from '../../../../subgraphs/mes/server';
import { startSubgraph, type SubgraphHarness } from '../../../support/subgraph';

const SET_STATE = `mutation ($id: ID!, $state: WorkCenterState!, $reason: String) {
  setWorkCenterState(id: $id, state: $state, reasonCode: $reason) { id state stateReasonCode }
}`;

const user = (subject: string): Caller => ({ subject, kind: 'user', roles: ['production'], scopes: [] });
const ana = user('ana.ruiz');

describe('kit idempotency: a mutation applies once per caller, key and root field', () => {
  let mes: SubgraphHarness<MesDatabase>;
  const db = () => mes.db;
  const run = async (query: string, variables: Record<string, unknown>, key?: string, caller: Caller = ana) => {
    const result = await mes.execute(query, variables, caller, { idempotencyKey: key });
    // Statements differ between a first call and its repeat; the answers are compared without them.
    return { data: result.data, errors: result.errors?.map((e) => ({ message: e.message, extensions: e.extensions })) };
  };
  const changesOf = async (id: string) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from audit_trail where entity_type = 'WorkCenter' and entity_id = ${id}`.execute(db()))
        .rows[0]!.n,
    );
  const keysStored = async () => Number((await sql<{ n: string }>`select count(*) as n from idempotency_keys`.execute(db())).rows[0]!.n);

  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
  });
  afterAll(() => mes.stop());

  it('returns the first outcome to a repeat with the same key and input, and writes nothing more', async () => {
    const first = await run(SET_STATE, { id: 'WC001', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-repeat');
    expect(first.errors).toBeUndefined();
    expect(await changesOf('WC001')).toBe(1);
    // Meanwhile the center moves on; the repeat still answers what the first call did, and changes nothing.
    await run(SET_STATE, { id: 'WC001', state: 'IDLE' }, 'k-other');
    const repeat = await run(SET_STATE, { id: 'WC001', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-repeat');
    expect(repeat).toEqual(first);
    expect(await changesOf('WC001')).toBe(2);
    const row = await db().selectFrom('workCenters').select(['state']).where('id', '=', 'WC001').executeTakeFirstOrThrow();
    expect(row.state).toBe('IDLE');
  });

  it('refuses the same key with another input, naming the key, and writes nothing', async () => {
    await run(SET_STATE, { id: 'WC002', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-reused');
    const keys = await keysStored();
    const reused = await run(SET_STATE, { id: 'WC002', state: 'IDLE' }, 'k-reused');
    expect(reused.data).toBeNull();
    expect(reused.errors![0]!.extensions).toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
      idempotencyKey: 'k-reused',
      operation: 'setWorkCenterState',
    });
    expect(reused.errors![0]!.message).toMatch(/Idempotency-Key "k-reused" was used for setWorkCenterState with another input/);
    expect(await changesOf('WC002')).toBe(1);
    expect(await keysStored()).toBe(keys);
    const row = await db().selectFrom('workCenters').select(['state']).where('id', '=', 'WC002').executeTakeFirstOrThrow();
    expect(row.state).toBe('DOWN');
  });

  it('keeps each root field of one request apart, and each caller apart', async () => {
    const both = await run(
      `mutation { a: setWorkCenterState(id: "WC003", state: DOWN, reasonCode: "BREAKDOWN") { state } b: setWorkCenterState(id: "WC003", state: IDLE) { state } }`,
      {},
      'k-fields',
    );
    expect(both.errors).toBeUndefined();
    expect(both.data).toEqual({ a: { state: 'DOWN' }, b: { state: 'IDLE' } });
    expect(await changesOf('WC003')).toBe(2);
    // Another caller's key of the same name is its own: applied, and the first caller's outcome is not shown.
    const other = await run(SET_STATE, { id: 'WC003', state: 'CHANGEOVER', reason: 'SKU_CHANGE' }, 'k-fields', user('emil.novak'));
    expect(other.errors).toBeUndefined();
    expect(await changesOf('WC003')).toBe(3);
  });

  it('answers a repeat whose result was stored bare, before its use case returned an Outcome', async () => {
    const first = await run(SET_STATE, { id: 'WC008', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-legacy');
    expect(first.errors).toBeUndefined();
    // As a throwing use case stored it: the value alone, without { ok, value } around it.
    const rewritten = await sql`update idempotency_keys set outcome = outcome->'value' where idempotency_key = 'k-legacy'`.execute(db());
    expect(Number(rewritten.numAffectedRows)).toBe(1);
    const repeat = await run(SET_STATE, { id: 'WC008', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-legacy');
    expect(repeat).toEqual(first);
    expect(await changesOf('WC008')).toBe(1);
  });

  it('keeps no outcome of a failed attempt: the key may be used again', async () => {
    const failed = await run(SET_STATE, { id: 'WC004', state: 'DOWN', reason: '  ' }, 'k-failed');
    expect(failed.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reasonCode' });
    const fixed = await run(SET_STATE, { id: 'WC004', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-failed');
    expect(fixed.errors).toBeUndefined();
    expect(await changesOf('WC004')).toBe(1);
  });

  it('applies concurrent repeats once, each getting the same answer', async () => {
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => run(SET_STATE, { id: 'WC005', state: 'DOWN', reason: 'BREAKDOWN' }, 'k-race')),
    );
    expect(answers.every((a) => a.errors === undefined)).toBe(true);
    expect(new Set(answers.map((a) => JSON.stringify(a.data))).size).toBe(1);
    expect(await changesOf('WC005')).toBe(1);
  });

  it('applies every call without a key, and refuses a key that is empty, too long or not printable', async () => {
    await run(SET_STATE, { id: 'WC006', state: 'DOWN', reason: 'BREAKDOWN' });
    await run(SET_STATE, { id: 'WC006', state: 'DOWN', reason: 'BREAKDOWN' });
    expect(await changesOf('WC006')).toBe(2);
    for (const key of ['', 'x'.repeat(256), 'bad\nkey']) {
      const refused = await run(SET_STATE, { id: 'WC006', state: 'IDLE' }, key);
      expect(refused.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Idempotency-Key' });
      expect(refused.errors![0]!.message.length).toBeLessThan(160);
    }
    expect(await changesOf('WC006')).toBe(2);
  });

  it('costs a keyed mutation two statements more (claim, store), and a repeat four (begin, claim, read, commit)', async () => {
    const statements = async (work: () => Promise<unknown>) => {
      const before = await dbQueryCount('mes');
      await work();
      return (await dbQueryCount('mes')) - before;
    };
    const plain = await statements(() => run(SET_STATE, { id: 'WC007', state: 'DOWN', reason: 'BREAKDOWN' }));
    const keyed = await statements(() => run(SET_STATE, { id: 'WC007', state: 'IDLE' }, 'k-cost'));
    const repeat = await statements(() => run(SET_STATE, { id: 'WC007', state: 'IDLE' }, 'k-cost'));
    expect(keyed - plain).toBe(2);
    expect(repeat).toBe(4);
  });

  it('applies a production report once under its key (reportProduction had no key of its own)', async () => {
    const order = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'READY')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const input = { workOrderId: order.id, workCenterId: order.workCenterId, goodQuantity: 10, scrapQuantity: 0, consumed: [] };
    const REPORT = `mutation ($input: ProductionReportInput!) { reportProduction(input: $input) { id quantity } }`;
    const first = await run(REPORT, { input }, 'k-report');
    expect(first.errors).toBeUndefined();
    const again = await run(REPORT, { input }, 'k-report');
    expect(again).toEqual(first);
    const lot = await db()
      .selectFrom('lots')
      .select(['quantity'])
      .where('id', '=', first.data.reportProduction.id)
      .executeTakeFirstOrThrow();
    expect(lot.quantity).toBe(10);
    const changed = await run(REPORT, { input: { ...input, goodQuantity: 11 } }, 'k-report');
    expect(changed.errors![0]!.extensions).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
  });
});
