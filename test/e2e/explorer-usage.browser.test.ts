import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Registry } from 'prom-client';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildExplorerAssets, defaultAssetsDir } from '../../gateway/explorer/assets';
import { savedOperations } from '../../gateway/explorer/build';
import type { UsageOverview } from '../../gateway/explorer/usage';
import { composeGraph } from '../../cli/compose';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import type { GatewaySecurityOptions } from '../../gateway/security';
import { openGatewayDatabase } from '../../gateway/security/partners/store';
import { createLogger } from '../../platform/logger';
import { erpSystem } from '../../subgraphs/erp/server';
import { dropDatabases, withDatabase } from '../../platform/db/database';
import { testServerUrl } from '../support/databases';
import { listenOnFreePort, startTestStack, staticSupergraph, testToken, type TestStack } from '../support/stack';
import { ARTIFACTS, describeWithBrowser, eventually, launchOfflineBrowser } from '../support/browser';

const QUERY = 'query MaterialCard { material(id: "M000001") { id description materialType } }';

describeWithBrowser("the explorer's usage browser test")('field usage in the explorer, in a browser, offline', () => {
  const gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
  let stack: TestStack;
  let gateway: GatewayServer;
  let closeDb: () => Promise<void>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let origin: string;
  let token: string;
  let outside: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    buildExplorerAssets(defaultAssetsDir(), savedOperations());
    stack = await startTestStack([erpSystem]);
    // A field the graph deprecates, so that the docs can say who still selects it.
    const supergraph = (await composeGraph([erpSystem])).files['supergraph.graphql']!.replace(
      /(\n {2}materialType: MaterialType!)/,
      '$1 @deprecated(reason: "Use the classification.")',
    );
    expect(supergraph).toContain('@deprecated(reason: "Use the classification.")');
    const database = await openGatewayDatabase(withDatabase(testServerUrl(), gatewayDbName));
    closeDb = () => database.close();
    token = await testToken({ roles: ['admin'], subject: 'usage-analyst' });
    const security: GatewaySecurityOptions = {
      issuer: {
        issuer: process.env.OIDC_ISSUER!,
        audience: process.env.OIDC_AUDIENCE!,
        jwks: JSON.parse(readFileSync(process.env.OIDC_JWKS_FILE!, 'utf8')),
      },
      callerKey: process.env.CALLER_SIGNING_KEY!,
      rateLimit: { perMinute: 10_000 },
      partnerDatabase: database,
    };
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(supergraph),
      subgraphUrls: stack.subgraphUrls,
      logger: createLogger('usage-gateway', { LOG_LEVEL: 'silent' }),
      security,
      usage: { enabled: true, retentionMs: 30 * 86_400_000, flushEveryMs: 200, registry: new Registry() },
      explorer: { headers: () => ({ authorization: `Bearer ${token}` }) },
    });
    origin = new URL(await listenOnFreePort(gateway.httpServer)).origin;
    // A plant without internet access: anything that would leave this machine is refused, and noted.
    ({ browser, context, outside } = await launchOfflineBrowser({ context: { viewport: { width: 1400, height: 860 } } }));
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await stack?.stop();
    await closeDb?.();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  it('runs a query; the docs of the fields it selected show their usage, and who still uses the deprecated one', async () => {
    await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
    await page.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });
    await page
      .locator('.graphiql-query-editor .CodeMirror')
      .first()
      .evaluate((element, value) => {
        (element as unknown as { CodeMirror: { setValue(v: string): void } }).CodeMirror.setValue(value);
      }, QUERY);
    // GraphiQL reads the operation's name from the editor a moment later: run once the tab shows it.
    await eventually(
      () => page.locator('.graphiql-tab-active').innerText(),
      (t) => t.includes('MaterialCard'),
    );
    await page.waitForTimeout(500);
    await page.locator('.graphiql-execute-button').click();
    await page.locator('[data-testid=answer-sources] [data-system]').first().waitFor({ timeout: 30_000 });

    // The gateway writes what it recorded every 200 ms; the explorer names itself as the client.
    const overview = await eventually(
      async () =>
        (await (
          await fetch(`${origin}/explorer/usage.json?since=1d`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as UsageOverview,
      (o) => Boolean(o.fields?.some((f) => f.coordinate === 'Material.materialType')),
    );
    const used = overview.fields.find((f) => f.coordinate === 'Material.materialType')!;
    expect(used).toMatchObject({
      count: 1,
      deprecated: 'Use the classification.',
      clients: [{ name: 'plantgraph-explorer', count: 1 }],
      operations: [{ name: 'MaterialCard', count: 1 }],
    });

    // The docs read usage with the schema: a reload fetches both again.
    await page.reload({ waitUntil: 'load' });
    await page.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });
    await page.locator('[aria-label="Show Documentation Explorer"]').click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Query', { exact: true }).first().click();
    await page
      .locator('.graphiql-doc-explorer-field-name', { hasText: /^material$/ })
      .first()
      .click();
    await docs.getByText('Usage (30 days)').waitFor({ timeout: 15_000 });
    await docs.getByText(/^plantgraph-explorer: 1, last seen /).waitFor();
    await docs.getByText(/^MaterialCard: 1$/).waitFor();
    await docs.getByText(/^Arguments: id \(1\)$/).waitFor();

    // The deprecated field's page names who still selects it.
    await docs
      .locator('a', { hasText: /^Material$/ })
      .first()
      .click();
    await docs.getByRole('button', { name: 'Show Deprecated Fields' }).click();
    await page
      .locator('.graphiql-doc-explorer-field-name', { hasText: /^materialType$/ })
      .first()
      .click();
    await docs
      .getByText(/Still used by plantgraph-explorer/)
      .first()
      .waitFor({ timeout: 15_000 });
    await docs.getByText(/Deprecated, still used by/).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-usage-docs.png') });

    // A field nobody selected says so.
    await page.locator('.graphiql-doc-explorer-back').click();
    await page
      .locator('.graphiql-doc-explorer-field-name', { hasText: /^baseUnitOfMeasure$/ })
      .first()
      .click();
    await docs.getByText('Not selected by any client in the last 30 days.').waitFor({ timeout: 15_000 });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('lists fields by use in the usage view, unused fields and deprecated ones still in use included', async () => {
    await page.locator('[aria-label="Show Usage"]').click();
    const table = page.locator('[data-testid=usage-table]');
    await table.waitFor({ timeout: 15_000 });
    const first = table.locator('tbody tr').first();
    expect(await first.getAttribute('data-coordinate')).not.toBeNull();
    expect(Number(await table.locator('tr[data-coordinate="Material.materialType"] td').nth(1).innerText())).toBe(1);
    expect(await table.locator('tr[data-coordinate="Material.materialType"]').innerText()).toContain('plantgraph-explorer');
    await page
      .locator('[data-testid=usage-deprecated]')
      .getByText(/Material\.materialType/)
      .waitFor();
    expect(await page.locator('[data-testid=usage-deprecated]').innerText()).toContain('by plantgraph-explorer');
    // Least used first: the unused fields lead, each marked.
    await page.locator('[data-testid=usage-order]').selectOption('least');
    await eventually(
      () => first.getAttribute('class'),
      (c) => c === 'pg-usage-unused',
    );
    expect(await first.innerText()).toContain('unused');
    await page.locator('[data-testid=usage-filter]').fill('Material.');
    const shown = await eventually(
      () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-coordinate'))),
      (c) => c.every((x) => x!.includes('Material.')),
    );
    expect(shown).toEqual(expect.arrayContaining(['Material.materialType', 'Material.baseUnitOfMeasure']));
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-usage-view.png') });
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
