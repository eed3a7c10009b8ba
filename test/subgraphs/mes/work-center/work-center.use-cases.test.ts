import { startSubgraph, user, type SubgraphHarness } from '../../../support/subgraph';
import type { MesDatabase } from '../../../../subgraphs/mes/db';
import { mesSystem } from '../../../../subgraphs/mes/server';

const SET_STATE = `mutation ($id: ID!, $state: WorkCenterState!, $reason: String) {
  setWorkCenterState(id: $id, state: $state, reasonCode: $reason) {
    id state stateReasonCode changeHistory { nodes { actor actorKind operation changedFields after } }
  }
}`;

describe('MES work centers', () => {
  let mes: SubgraphHarness<MesDatabase>;
  const db = () => mes.db;
  beforeAll(async () => {
    mes = await startSubgraph(mesSystem);
  });
  afterAll(() => mes.stop());

  it('lists the work centers of a site, and of one area', async () => {
    const all = await mes.execute(`{ workCenters(siteId: "S01") { id name area state } }`);
    expect(all.data.workCenters).toHaveLength(20);
    const area = all.data.workCenters[5].area as string;
    const some = await mes.execute(`query ($area: String) { workCenters(siteId: "S01", area: $area) { id area } }`, { area });
    const rows = await db().selectFrom('workCenters').select('id').where('area', '=', area).orderBy('id').execute();
    expect(some.data.workCenters.map((c: { id: string }) => c.id)).toEqual(rows.map((r) => r.id));
    expect((await mes.execute(`{ workCenters(siteId: "S09") { id } }`)).data.workCenters).toEqual([]);
  });

  it('sets the state with its reason in one audited change', async () => {
    const { data, errors } = await mes.execute(
      SET_STATE,
      { id: 'WC004', state: 'DOWN', reason: 'BREAKDOWN' },
      user('emil.novak', { roles: ['production'] }),
    );
    expect(errors).toBeUndefined();
    expect(data.setWorkCenterState).toMatchObject({ id: 'WC004', state: 'DOWN', stateReasonCode: 'BREAKDOWN' });
    expect(data.setWorkCenterState.changeHistory.nodes).toEqual([
      expect.objectContaining({
        actor: 'emil.novak',
        actorKind: 'user',
        operation: 'setWorkCenterState',
        after: expect.objectContaining({ state: 'DOWN', stateReasonCode: 'BREAKDOWN' }),
      }),
    ]);
    const row = await db().selectFrom('workCenters').selectAll().where('id', '=', 'WC004').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'DOWN', stateReasonCode: 'BREAKDOWN' });
  });

  it('refuses an unknown work center, a bad state and a bad reason code, changing nothing', async () => {
    const before = await db().selectFrom('workCenters').selectAll().orderBy('id').execute();
    const unknown = await mes.execute(SET_STATE, { id: 'WC999', state: 'IDLE' });
    expect(unknown.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', type: 'WorkCenter', id: 'WC999' });
    const badReason = await mes.execute(SET_STATE, { id: 'WC001', state: 'DOWN', reason: '  ' });
    expect(badReason.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reasonCode' });
    const badState = await mes.execute(SET_STATE, { id: 'WC001', state: 'EXPLODED' });
    // Refused while coercing variables, before any resolver runs (Apollo Server adds the code over HTTP).
    expect(badState.errors![0]!.message).toMatch(/WorkCenterState.*EXPLODED|EXPLODED.*WorkCenterState/);
    expect(await db().selectFrom('workCenters').selectAll().orderBy('id').execute()).toEqual(before);
  });
});
