import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext } from 'playwright-core';
import { composeGraph } from '../../cli/compose';
import { freePortBlock } from '../../platform/ports';
import { erpSystem } from '../../subgraphs/erp/server';
import { runNode, type NodeProcess } from '../support/processes';
import { startTestStack, testToken, type TestStack } from '../support/stack';
import { describeWithBrowser, launchOfflineBrowser } from '../support/browser';

/**
 * A frontend on its own origin: its script calls the gateway named in the page's fragment with
 * the token there, and writes what it got (or how the browser refused) into #result.
 */
const APP_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>plant dashboard</title></head>
<body><pre id="result"></pre>
<script>
  const params = new URLSearchParams(location.hash.slice(1));
  fetch(params.get('gateway'), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: 'Bearer ' + params.get('token'),
      'apollographql-client-name': 'plant-dashboard',
      'apollographql-client-version': '1.0.0',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    },
    body: JSON.stringify({ query: '{ material(id: "M000001") { id description } }' }),
  })
    .then(async (response) => ({ status: response.status, requestId: response.headers.get('x-request-id'), body: await response.json() }))
    .catch((error) => ({ refused: String(error) }))
    .then((result) => { document.getElementById('result').textContent = JSON.stringify(result); });
</script></body></html>`;

/** Serves the app page at / on a loopback port of its own: an origin apart from the gateway's. */
async function servePage(): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(APP_PAGE);
  });
  const port = await freePortBlock([0]);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${port}` };
}

describeWithBrowser('the CORS browser test')('a browser app on its own origin, against a production gateway', () => {
  let stack: TestStack;
  let gateway: NodeProcess;
  let gatewayUrl: string;
  let dir: string;
  let allowed: { server: Server; origin: string };
  let other: { server: Server; origin: string };
  let browser: Browser;
  let context: BrowserContext;
  let outside: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack([erpSystem]);
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-cors-'));
    const supergraph = path.join(dir, 'supergraph.graphql');
    writeFileSync(supergraph, (await composeGraph([erpSystem])).files['supergraph.graphql']!);
    allowed = await servePage();
    other = await servePage();
    const port = await freePortBlock([0]);
    // NODE_ENV=production (runNode's default) with the suite's issuer and signing key.
    gateway = runNode('dist/gateway/main.js', {
      PORT: String(port),
      SUPERGRAPH_PATH: supergraph,
      ERP_URL: stack.subgraphUrls.erp,
      DATABASE_URL: undefined,
      CORS_ORIGINS: `https://dashboard.example.com,${allowed.origin}`,
    });
    gatewayUrl = `http://127.0.0.1:${port}/graphql`;
    await gateway.waitFor(/gateway listening/);
    // A plant without internet access: anything that would leave this machine is refused, and noted.
    ({ browser, context, outside } = await launchOfflineBrowser());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    for (const page of [allowed, other]) await new Promise((resolve) => page?.server.close(resolve));
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function runApp(origin: string): Promise<{ result: any; console: string[] }> {
    const page = await context.newPage();
    const console: string[] = [];
    page.on('console', (message) => console.push(message.text()));
    const token = await testToken({ roles: ['planner'], subject: 'dashboard' });
    await page.goto(`${origin}/#${new URLSearchParams({ gateway: gatewayUrl, token })}`);
    await page.waitForFunction('document.getElementById("result").textContent !== ""', undefined, { timeout: 15_000 });
    const result = JSON.parse((await page.textContent('#result'))!);
    await page.close();
    return { result, console };
  }

  it("an allowed origin's app gets data, and reads the request id the gateway exposes", async () => {
    const { result } = await runApp(allowed.origin);
    expect(result.status).toBe(200);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.material.id).toBe('M000001');
    expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outside).toEqual([]);
  }, 30_000);

  it("another origin's app is refused by the browser: its script sees no answer", async () => {
    const { result, console } = await runApp(other.origin);
    expect(result).toEqual({ refused: 'TypeError: Failed to fetch' });
    expect(console.join('\n')).toMatch(/blocked by CORS policy/);
    expect(outside).toEqual([]);
  }, 30_000);
});
