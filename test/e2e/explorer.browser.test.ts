import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildExplorerAssets, defaultAssetsDir } from '../../gateway/explorer/assets';
import { savedOperations } from '../../gateway/explorer/build';
import { implementedSystems } from '../../subgraphs/catalog';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import { listenOnFreePort, startTestStack, staticSupergraph, testToken, type TestStack } from '../support/stack';
import { ARTIFACTS, describeWithBrowser, editorText, eventually, launchOfflineBrowser } from '../support/browser';

describeWithBrowser("the explorer's browser test")('explorer in a browser, offline', () => {
  let stack: TestStack;
  let gateway: GatewayServer;
  let bare: GatewayServer;
  let bareOrigin: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let outside: string[] = [];
  const pageErrors: string[] = [];
  const graphqlRequests: Record<string, string>[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The page under test is the current source's: build it as `npm run build` would.
    buildExplorerAssets(defaultAssetsDir(), savedOperations());
    stack = await startTestStack(implementedSystems());
    // A gateway whose page carries a token, as under `npm start`: authentication stays on.
    gateway = await createGatewayServer({
      supergraph: staticSupergraph((await composeGraph(implementedSystems())).files['supergraph.graphql']!),
      subgraphUrls: stack.subgraphUrls,
      logger: createLogger('explorer-gateway', { LOG_LEVEL: 'silent' }),
      explorer: { headers: async () => ({ authorization: `Bearer ${await testToken({ roles: ['admin'], subject: 'explorer' })}` }) },
    });
    origin = new URL(await listenOnFreePort(gateway.httpServer)).origin;
    // And one as in production: the page carries no token, the analyst pastes one.
    bare = await createGatewayServer({
      supergraph: staticSupergraph((await composeGraph(implementedSystems())).files['supergraph.graphql']!),
      subgraphUrls: stack.subgraphUrls,
      logger: createLogger('explorer-gateway', { LOG_LEVEL: 'silent' }),
    });
    bareOrigin = new URL(await listenOnFreePort(bare.httpServer)).origin;
    // A plant without internet access: anything that would leave this machine is refused, and noted.
    ({ browser, context, outside } = await launchOfflineBrowser({
      context: { viewport: { width: 1280, height: 800 } },
      onLoopbackRequest: (request) => {
        if (request.method() === 'POST' && new URL(request.url()).pathname === '/graphql') graphqlRequests.push(request.headers());
      },
    }));
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await bare?.stop();
    await stack?.stop();
  });

  it('loads from the gateway alone, runs q01, and shows the answer and the systems it came from', async () => {
    await page.goto(`${origin}/`, { waitUntil: 'load' });
    expect(page.url()).toBe(`${origin}/graphql`);
    await page.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });

    // q01 is the first saved operation, with the seed's site in its variables.
    expect(await editorText(page, '.graphiql-query-editor')).toContain('query WorkOrderDashboard');
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ siteId: 'S01' });
    expect(await page.locator('.graphiql-tab').count()).toBe(10);

    // Before running it: the plan names the systems q01 touches, ERP first (it owns the root field).
    const planned = (await (
      await fetch(`${origin}/explorer/plan`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await testToken()}` },
        body: JSON.stringify({ query: savedOperations()[0]!.document }),
      })
    ).json()) as { plan: { systems: string[] } };
    expect(planned.plan.systems[0]).toBe('erp');
    const planChips = page.locator('[data-testid=plan-systems] [data-system]');
    const shown = await eventually(
      () => planChips.evaluateAll((chips) => chips.map((c) => c.getAttribute('data-system'))),
      (systems) => systems.length === planned.plan.systems.length,
    );
    expect(shown).toEqual(planned.plan.systems);

    await page.locator('.graphiql-execute-button').click();
    await page.locator('[data-testid=answer-sources] [data-system]').first().waitFor({ timeout: 30_000 });
    const response = JSON.parse(await editorText(page, '.result-window')) as {
      data: { workOrders: { nodes: { id: string; orderStatus: string }[]; pageInfo: { hasNextPage: boolean } } };
      extensions?: { provenance?: unknown };
    };

    // The answer is the database's: the first page (50) of the released work orders of S01 by due date, and nothing else.
    const released = await sql<{
      id: string;
    }>`select id from work_orders where site_id = 'S01' and order_status = 'RELEASED' order by due_date, id`.execute(
      stack.databases.erp!.database.db,
    );
    expect(released.rows.length).toBeGreaterThan(0);
    expect(response.data.workOrders.nodes.map((w) => w.id)).toEqual(released.rows.slice(0, 50).map((r) => r.id));
    expect(response.data.workOrders.pageInfo.hasNextPage).toBe(released.rows.length > 50);
    expect(new Set(response.data.workOrders.nodes.map((w) => w.orderStatus))).toEqual(new Set(['RELEASED']));

    // Its sources: the systems of the plan, and the gateway's provenance whenever it sends one.
    const answerChips = page.locator('[data-testid=answer-sources] [data-system]');
    expect(await answerChips.evaluateAll((chips) => [...new Set(chips.map((c) => c.getAttribute('data-system')))])).toEqual(
      expect.arrayContaining(planned.plan.systems),
    );
    // The page asked for provenance, with the token it was given.
    expect(
      graphqlRequests.some((headers) => headers['x-plantgraph-provenance'] === 'true' && /^Bearer \S+$/.test(headers.authorization ?? '')),
    ).toBe(true);
    if (response.extensions?.provenance) expect(await page.locator('[data-testid=provenance]').isVisible()).toBe(true);

    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer.png') });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows in the docs which system is authoritative for each field', async () => {
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).first().click();
    // A type's page shows each description's first paragraph, which the page ends with the owner…
    await page
      .locator('.graphiql-doc-explorer')
      .getByText('Material-sites of a site, optionally only the given materials, by material id — ERP')
      .waitFor({ timeout: 15_000 });
    // …and the field's own page shows the whole sentence.
    await page
      .locator('.graphiql-doc-explorer-field-name', { hasText: /^workOrders$/ })
      .first()
      .click();
    await page
      .locator('.graphiql-doc-explorer')
      .getByText(/Authoritative source: ERP \(system of record\)/)
      .first()
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-docs.png') });
    expect(outside).toEqual([]);
  }, 60_000);

  it('lists the ten questions and opens one in its tab with its variables', async () => {
    await page.locator('[aria-label="Show Questions"]').click();
    const questions = page.locator('[data-testid=questions-panel] [data-question]');
    await questions.first().waitFor();
    expect(await questions.count()).toBe(10);
    await questions.nth(2).click();
    expect(
      await eventually(
        () => page.locator('.graphiql-tab-active').innerText(),
        (t) => t.includes('Customer360'),
      ),
    ).toContain('Customer360');
    const variables = await eventually(
      () => editorText(page, '.graphiql-editor-tool'),
      (t) => t.includes('C00001'),
    );
    expect(JSON.parse(variables)).toEqual({ id: 'C00001' });
  }, 60_000);

  it('draws the authority map as a picture, opened from the explorer with the token the page holds', async () => {
    // The map lists every field of the graph: not for strangers.
    expect((await fetch(`${origin}/authority`)).status).toBe(401);
    const explorer = await context.newPage();
    await explorer.goto(`${origin}/graphql`, { waitUntil: 'load' });
    await explorer.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });
    const [authority] = await Promise.all([context.waitForEvent('page'), explorer.getByRole('link', { name: 'Authority map' }).click()]);
    await authority.setViewportSize({ width: 1460, height: 900 });
    await authority.waitForURL((url) => url.protocol === 'blob:', { timeout: 30_000 });
    await authority.locator('svg g.system').first().waitFor({ timeout: 30_000 });
    const columns = await authority.locator('svg g.system').evaluateAll((groups) => groups.map((g) => g.getAttribute('data-system')));
    expect(columns).toEqual(expect.arrayContaining(implementedSystems().map((s) => s.name)));
    expect(await authority.locator('svg g.system[data-kind=record]').first().isVisible()).toBe(true);
    expect(await authority.locator('svg g.system[data-kind=engagement]').first().isVisible()).toBe(true);
    expect(await authority.locator('svg [data-field="MaterialSite.bookQuantity"]').count()).toBe(1);
    // Its link back leads to the gateway's explorer, not into the blob.
    expect(await authority.locator('a', { hasText: 'explorer' }).evaluate((a) => (a as unknown as { href: string }).href)).toBe(
      `${origin}/graphql`,
    );
    await authority.screenshot({ path: path.join(ARTIFACTS, 'authority.png'), fullPage: true });
    await authority.screenshot({ path: path.join(ARTIFACTS, 'authority-top.png'), clip: { x: 0, y: 0, width: 1460, height: 900 } });
    await authority.close();
    await explorer.close();
    expect(outside).toEqual([]);
  }, 60_000);

  it('works with a token pasted into the headers editor when the page carries none, as in production', async () => {
    const tab = await context.newPage();
    await tab.goto(`${bareOrigin}/graphql`, { waitUntil: 'load' });
    await tab.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });
    // Without credentials the planner refuses, and says why.
    await tab
      .locator('[data-testid=sources-panel] .pg-errors')
      .getByText(/authentication required/)
      .waitFor({ timeout: 15_000 });

    await tab.getByRole('button', { name: 'Headers', exact: true }).click();
    const token = await testToken({ roles: ['admin'], subject: 'analyst' });
    await tab.locator('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').evaluate(
      (element, value) => {
        (element as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(value);
      },
      JSON.stringify({ authorization: `Bearer ${token}` }),
    );
    await tab.locator('.graphiql-execute-button').click();
    await tab.locator('[data-testid=answer-sources] [data-system]').first().waitFor({ timeout: 30_000 });
    const response = JSON.parse(await editorText(tab, '.result-window')) as {
      data?: { workOrders: { nodes: unknown[] } };
      errors?: unknown[];
    };
    expect(response.errors).toBeUndefined();
    expect(response.data!.workOrders.nodes.length).toBeGreaterThan(0);
    // The pasted token reaches the planner too: the current operation's plan shows.
    await tab.locator('[data-testid=plan-systems] [data-system="erp"]').waitFor({ timeout: 15_000 });
    await tab.close();
    expect(outside).toEqual([]);
  }, 90_000);
});
