import 'reflect-metadata';
import { sql } from 'kysely';
import { DEFAULT_POLICY } from '../../gateway/reliability/policy';
import { erpSystem } from '../../subgraphs/erp/server';
import { mesSystem } from '../../subgraphs/mes/server';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../support/stack';

const SET_STATE = `mutation ($id: ID!, $state: WorkCenterState!, $reason: String) {
  setWorkCenterState(id: $id, state: $state, reasonCode: $reason) { id state stateReasonCode }
}`;

describe('idempotency through the gateway', () => {
  let stack: TestStack;
  const db = () => stack.databases.mes!.database.db;
  const changesOf = async (id: string) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from audit_trail where entity_type = 'WorkCenter' and entity_id = ${id}`.execute(db()))
        .rows[0]!.n,
    );
  const send = (variables: Record<string, unknown>, key?: string, query = SET_STATE) =>
    postGraphQL(stack.gatewayUrl, query, variables, key === undefined ? {} : { 'idempotency-key': key });

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, mesSystem], {
      reliability: { defaults: { ...DEFAULT_POLICY, timeoutMs: 1_000, breakerFailureThreshold: 100 }, systems: {} },
    });
  }, 120_000);
  afterAll(() => stack?.stop());

  it('applies a mutation sent twice with one Idempotency-Key once, and answers both alike', async () => {
    const first = await send({ id: 'WC001', state: 'DOWN', reason: 'BREAKDOWN' }, 'e2e-1');
    const again = await send({ id: 'WC001', state: 'DOWN', reason: 'BREAKDOWN' }, 'e2e-1');
    expect(first.body.errors).toBeUndefined();
    expect(again.body).toEqual(first.body);
    expect(await changesOf('WC001')).toBe(1);
  });

  it('refuses the key with another input, naming it, and writes nothing', async () => {
    const reused = await send({ id: 'WC001', state: 'IDLE' }, 'e2e-1');
    expect(reused.status).toBe(200);
    expect(reused.body.data).toBeNull(); // the field is non-null
    expect(reused.body.errors![0]).toMatchObject({
      path: ['setWorkCenterState'],
      extensions: { code: 'IDEMPOTENCY_KEY_REUSED', idempotencyKey: 'e2e-1' },
    });
    expect(await changesOf('WC001')).toBe(1);
  });

  it('keeps two root fields of one operation apart under one key (aliases reach the subgraph)', async () => {
    const query = `mutation { a: setWorkCenterState(id: "WC002", state: DOWN, reasonCode: "BREAKDOWN") { state } b: setWorkCenterState(id: "WC002", state: IDLE) { state } }`;
    const both = await send({}, 'e2e-2', query);
    expect(both.body).toEqual({ data: { a: { state: 'DOWN' }, b: { state: 'IDLE' } } });
    expect(await send({}, 'e2e-2', query)).toMatchObject({ body: both.body });
    expect(await changesOf('WC002')).toBe(2);
  });

  it("keeps one caller from reading another caller's outcome under the same key", async () => {
    await send({ id: 'WC003', state: 'DOWN', reason: 'BREAKDOWN' }, 'e2e-shared');
    const token = await testToken({ roles: ['admin'], subject: 'someone-else' });
    const other = await postGraphQL(
      stack.gatewayUrl,
      SET_STATE,
      { id: 'WC003', state: 'IDLE' },
      { 'idempotency-key': 'e2e-shared', authorization: `Bearer ${token}` },
    );
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.setWorkCenterState.state).toBe('IDLE');
    expect(await changesOf('WC003')).toBe(2);
  });

  it('reports a mutation applied after the gateway gave up as MUTATION_OUTCOME_UNKNOWN; the retry with the same key gets its outcome, applied once', async () => {
    // Hold the work center's row so MES applies the change only after the gateway's timeout.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holder = db()
      .transaction()
      .execute(async (trx) => {
        await sql`select id from work_centers where id = 'WC004' for update`.execute(trx);
        locked();
        await held;
      });
    await lockTaken;
    let late;
    try {
      late = await send({ id: 'WC004', state: 'DOWN', reason: 'BREAKDOWN' }, 'e2e-late');
    } finally {
      release();
      await holder;
    }
    expect(late.body.data).toBeNull();
    expect(late.body.errors![0]!.extensions).toMatchObject({
      code: 'MUTATION_OUTCOME_UNKNOWN',
      system: 'mes',
      reason: 'timeout',
      idempotencyKey: 'e2e-late',
    });
    for (let i = 0; i < 50 && (await changesOf('WC004')) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await changesOf('WC004')).toBe(1);

    const retry = await send({ id: 'WC004', state: 'DOWN', reason: 'BREAKDOWN' }, 'e2e-late');
    expect(retry.body).toEqual({ data: { setWorkCenterState: { id: 'WC004', state: 'DOWN', stateReasonCode: 'BREAKDOWN' } } });
    expect(await changesOf('WC004')).toBe(1);
  });
});
