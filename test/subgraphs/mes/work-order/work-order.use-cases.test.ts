import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { mesSystem } from '../../../../subgraphs/mes/server';

const DISPATCH = `mutation ($wo: ID!, $wc: ID!) {
  dispatchWorkOrder(workOrderId: $wo, workCenterId: $wc) {
    id dispatchStatus workCenter { id name } executionHistory { nodes { actor operation changedFields before after } }
  }
}`;

describe('MES dispatchWorkOrder', () => {
  let mes: SubgraphHarness<MesDatabase>;
  const db = () => mes.db;
  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
    await db()
      .insertInto('workCenters')
      .values({
        id: 'WC900',
        name: 'Other plant press',
        siteId: 'S02',
        area: 'Forming',
        state: 'IDLE',
        stateReasonCode: null,
        stateChangedAt: new Date(),
      })
      .execute();
  });
  afterAll(() => mes.stop());

  it('dispatches a waiting order to a work center of its site, audited as the caller', async () => {
    const waiting = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'WAITING')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const { data, errors } = await mes.execute(DISPATCH, { wo: waiting.id, wc: 'WC007' }, user('dara.kelly', { roles: ['production'] }));
    expect(errors).toBeUndefined();
    expect(data.dispatchWorkOrder).toMatchObject({ id: waiting.id, dispatchStatus: 'READY', workCenter: { id: 'WC007' } });
    expect(data.dispatchWorkOrder.executionHistory.nodes).toEqual([
      expect.objectContaining({
        actor: 'dara.kelly',
        operation: 'dispatchWorkOrder',
        changedFields: expect.arrayContaining(['dispatchStatus', 'workCenterId']),
      }),
    ]);
    expect(data.dispatchWorkOrder.executionHistory.nodes[0].before.dispatchStatus).toBe('WAITING');
    const row = await db().selectFrom('workOrders').selectAll().where('id', '=', waiting.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ dispatchStatus: 'READY', workCenterId: 'WC007' });
  });

  it('refuses unknown orders and centers (NOT_FOUND), other sites (BAD_USER_INPUT) and running or finished orders (INVALID_STATE), writing nothing', async () => {
    const running = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'RUNNING')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const closed = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'CLOSED')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const ready = await db()
      .selectFrom('workOrders')
      .selectAll()
      .where('dispatchStatus', '=', 'READY')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const auditBefore = await db().selectFrom('auditTrail').select('id').execute();
    const cases: [string, string, Record<string, unknown>][] = [
      ['WO9999999', 'WC001', { code: 'NOT_FOUND', type: 'WorkOrder' }],
      [ready.id, 'WC999', { code: 'NOT_FOUND', type: 'WorkCenter' }],
      [ready.id, 'WC900', { code: 'BAD_USER_INPUT', field: 'workCenterId' }],
      [running.id, 'WC002', { code: 'INVALID_STATE', status: running.dispatchStatus }],
      [closed.id, 'WC002', { code: 'INVALID_STATE', status: closed.dispatchStatus }],
    ];
    for (const [wo, wc, expected] of cases) {
      const { errors } = await mes.execute(DISPATCH, { wo, wc });
      expect(errors![0]!.extensions).toMatchObject(expected);
    }
    expect(
      await db().selectFrom('workOrders').selectAll().where('id', 'in', [running.id, closed.id, ready.id]).orderBy('id').execute(),
    ).toEqual([running, closed, ready].sort((a, b) => a.id.localeCompare(b.id)));
    expect(await db().selectFrom('auditTrail').select('id').execute()).toEqual(auditBefore);
  });
});
