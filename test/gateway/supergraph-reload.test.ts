import { composeGraph } from '../../cli/compose';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { startReloadingGateway, type ReloadingGateway } from '../support/reloading-gateway';
import { postGraphQL, startTestStack, type TestStack } from '../support/stack';

describe('gateway supergraph hot reload', () => {
  let stack: TestStack;
  let served: ReloadingGateway;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    served = await startReloadingGateway(stack, (await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!);
  });
  afterAll(async () => {
    await served.stop();
    await stack.stop();
  });

  const ask = () =>
    postGraphQL(served.url, '{ countTasks(siteId: "S01", status: [SCHEDULED]) { nodes { id materialSite { bookQuantity } } } }');

  it('keeps serving the running graph when the new file fails to load', async () => {
    expect((await ask()).body.errors).toBeUndefined();
    expect((await served.publish('this is not a supergraph')).ok).toBe(false);
    const { body } = await ask();
    expect(body.errors).toBeUndefined();
    expect(body.data.countTasks.nodes.length).toBeGreaterThan(0);
  });

  it('swaps in a new supergraph that loads', async () => {
    expect((await served.publish((await composeGraph([erpSystem])).files['supergraph.graphql']!)).ok).toBe(true);
    const { status, body } = await ask();
    expect(status).toBe(400);
    expect(body.errors![0]!.message).toMatch(/Cannot query field "countTasks"/);
  });
});
