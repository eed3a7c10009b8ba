import type { Kysely } from 'kysely';
import { CALLER_HEADER, serviceAuthorization } from '../../../../platform/caller-header';
import type { Caller } from '../../../../platform/caller';
import { relayRole } from '../../../../platform/roles';
import type { ErpDatabase } from '../../../../subgraphs/erp/db';
import { erpSystem } from '../../../../subgraphs/erp/server';
import type { InventoryDatabase } from '../../../../subgraphs/inventory/db';
import { inventorySystem } from '../../../../subgraphs/inventory/server';
import { relayServiceHeaders } from '../../../../subgraphs/kit/outbox/system-relay';
import { postGraphQL, signedCallerHeader, startTestStack, testToken, type TestStack } from '../../../support/stack';

const POST = `mutation ($input: InventoryAdjustmentInput!) {
  postInventoryAdjustment(input: $input) { documentNumber quantityDelta valueDelta }
}`;

/**
 * The issue's case: a viewer posted +1000 under a real count task's id before inventory did, and
 * inventory then took that posting as its own. Only inventory's relay may post under a count task.
 */
describe('who may post an inventory adjustment', () => {
  let stack: TestStack;
  let erp: Kysely<ErpDatabase>;
  let task: { id: string; materialId: string; siteId: string };
  const input = (over: Record<string, unknown> = {}) => ({
    materialId: task.materialId,
    siteId: task.siteId,
    quantityDelta: 1000,
    reasonCode: 'CYCLE_COUNT',
    sourceCountTaskId: task.id,
    ...over,
  });
  const postings = (taskId: string) =>
    erp.selectFrom('inventoryAdjustments').select('documentNumber').where('sourceCountTaskId', '=', taskId).execute();
  const bearer = async (roles: string[]) => ({ authorization: `Bearer ${await testToken({ roles, subject: `user-${roles.join('-')}` })}` });

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    erp = (stack.databases.erp as unknown as { database: { db: Kysely<ErpDatabase> } }).database.db;
    const inventory = (stack.databases.inventory as unknown as { database: { db: Kysely<InventoryDatabase> } }).database.db;
    task = await inventory.selectFrom('countTasks').select(['id', 'materialId', 'siteId']).orderBy('id').executeTakeFirstOrThrow();
  });
  afterAll(() => stack?.stop());

  it('refuses a viewer at the gateway with FORBIDDEN, and ERP posts nothing', async () => {
    const { body } = await postGraphQL(stack.gatewayUrl, POST, { input: input() }, await bearer(['viewer']));
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['postInventoryAdjustment'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(await postings(task.id)).toEqual([]);
  });

  it("refuses every person's role, even a token that claims the relay's role", async () => {
    for (const roles of [['finance'], ['inventory-controller'], ['counter'], [relayRole('inventory')]]) {
      const { body } = await postGraphQL(stack.gatewayUrl, POST, { input: input() }, await bearer(roles));
      expect({ roles, code: body.errors?.[0]?.extensions?.code }).toEqual({ roles, code: 'FORBIDDEN' });
    }
    expect(await postings(task.id)).toEqual([]);
  });

  it('refuses a valid header of a lesser caller sent straight to ERP with 403, and ERP posts nothing', async () => {
    const body = JSON.stringify({ query: POST, variables: { input: input() } });
    const viewer: Caller = { subject: 'viewer-1', kind: 'user', roles: ['viewer'], scopes: [] };
    const response = await fetch(stack.subgraphUrls.erp!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signedCallerHeader({ audience: 'erp', body }, viewer) },
      body,
    });
    expect(response.status).toBe(403);
    const answer = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
    expect(answer.errors[0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Mutation.postInventoryAdjustment' });
    expect(answer.errors[0]!.message).toMatch(/needs role inventory-relay; the caller has roles viewer/);
    expect(await postings(task.id)).toEqual([]);
  });

  it("posts for inventory's relay, whose service identity holds no finance right: valueDelta comes back null with FORBIDDEN", async () => {
    const headers = relayServiceHeaders('inventory', process.env.CALLER_SIGNING_KEY!)();
    const { body } = await postGraphQL(stack.gatewayUrl, POST, { input: input({ quantityDelta: 1 }) }, headers);
    expect(body.data.postInventoryAdjustment).toEqual({ documentNumber: expect.any(String), quantityDelta: 1, valueDelta: null });
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ['postInventoryAdjustment', 'valueDelta'],
        extensions: expect.objectContaining({ code: 'FORBIDDEN' }),
      }),
    ]);
    expect(await postings(task.id)).toHaveLength(1);
  });

  it("gives another service (quality's relay) no right to post", async () => {
    const authorization = serviceAuthorization('quality-relay', process.env.CALLER_SIGNING_KEY!, [relayRole('quality')]);
    const { body } = await postGraphQL(
      stack.gatewayUrl,
      POST,
      { input: input({ sourceCountTaskId: `${task.id}-other` }) },
      { authorization },
    );
    expect(body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect(await postings(`${task.id}-other`)).toEqual([]);
  });
});
