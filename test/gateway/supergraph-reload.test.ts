import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { listenOnFreePort, postGraphQL, startTestStack, type TestStack } from '../support/stack';

describe('gateway supergraph hot reload', () => {
  let stack: TestStack;
  let gateway: GatewayServer;
  let url: string;
  let dir: string;
  let file: string;
  let reloads: ((result: { ok: boolean }) => void)[] = [];
  const nextReload = () => new Promise<{ ok: boolean }>((resolve) => reloads.push(resolve));

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-supergraph-'));
    file = path.join(dir, 'supergraph.graphql');
    writeFileSync(file, (await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!);
    gateway = await createGatewayServer({
      supergraph: file,
      subgraphUrls: stack.subgraphUrls,
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      onSupergraphReload: (result) => {
        const waiting = reloads;
        reloads = [];
        waiting.forEach((resolve) => resolve(result));
      },
    });
    url = await listenOnFreePort(gateway.httpServer);
  });
  afterAll(async () => {
    await gateway.stop();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = () => postGraphQL(url, '{ countTasks(siteId: "S01", status: [SCHEDULED]) { nodes { id materialSite { bookQuantity } } } }');

  it('keeps serving the running graph when the new file fails to load', async () => {
    expect((await ask()).body.errors).toBeUndefined();
    const reloaded = nextReload();
    writeFileSync(file, 'this is not a supergraph');
    expect((await reloaded).ok).toBe(false);
    const { body } = await ask();
    expect(body.errors).toBeUndefined();
    expect(body.data.countTasks.nodes.length).toBeGreaterThan(0);
  });

  it('swaps in a new supergraph that loads', async () => {
    const reloaded = nextReload();
    writeFileSync(file, (await composeGraph([erpSystem])).files['supergraph.graphql']!);
    expect((await reloaded).ok).toBe(true);
    const { status, body } = await ask();
    expect(status).toBe(400);
    expect(body.errors![0]!.message).toMatch(/Cannot query field "countTasks"/);
  });
});
