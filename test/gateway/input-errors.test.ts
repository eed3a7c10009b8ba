import { createServer, type Server } from 'node:http';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import { erpSystem } from '../../subgraphs/erp/server';
import { inventorySystem } from '../../subgraphs/inventory/server';
import { listenOnFreePort, postGraphQL, staticSupergraph, startTestStack, type TestStack } from '../support/stack';

describe('client input errors at the gateway', () => {
  let stack: TestStack;
  let refusing: Server;
  let refusingUrl: string;
  let gateway: GatewayServer;
  let gatewayUrl: string;

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    // A subgraph that refuses every request with HTTP 400 and GraphQL errors of its own.
    refusing = createServer((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'abcClass: expected A, B or C', extensions: { code: 'BAD_USER_INPUT' } }] }));
    });
    refusingUrl = await listenOnFreePort(refusing);
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      subgraphUrls: { erp: stack.subgraphUrls.erp, inventory: refusingUrl },
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
    });
    gatewayUrl = await listenOnFreePort(gateway.httpServer);
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    refusing?.close();
    await stack?.stop();
  });

  it.each([
    [
      'an impossible Date variable',
      'query ($d: Date) { workOrders(siteId: "S01", dueBefore: $d) { nodes { id } } }',
      { d: '2099-02-30' },
      /Variable "\$d" got invalid value "2099-02-30"; Date: expected a calendar date/,
    ],
    [
      'a Date literal that is no date',
      '{ workOrders(siteId: "S01", dueBefore: "yesterday") { nodes { id } } }',
      undefined,
      /Date: expected a calendar date as "YYYY-MM-DD", got "yesterday"/,
    ],
  ])('refuses %s with a 400 before asking any subgraph', async (_name, query, variables, message) => {
    const { status, body } = await postGraphQL(stack.gatewayUrl, query, variables);
    expect(status).toBe(400);
    expect(body.errors![0]!.message).toMatch(message);
    expect(JSON.stringify(body)).not.toContain('http://');
  });

  it('passes a subgraph refusal on with its own message and code, naming the system, not its URL', async () => {
    const { status, body } = await postGraphQL(
      gatewayUrl,
      '{ materialSites(siteId: "S01", materialIds: ["M000001"]) { nodes { materialId bookQuantity abcClass } } }',
    );
    expect(status).toBe(200);
    expect(body.data.materialSites.nodes).toEqual([{ materialId: 'M000001', bookQuantity: expect.any(Number), abcClass: null }]);
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'abcClass: expected A, B or C',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', system: 'inventory' }),
      }),
    ]);
    expect(JSON.stringify(body)).not.toContain(new URL(refusingUrl).host);
  });
});
