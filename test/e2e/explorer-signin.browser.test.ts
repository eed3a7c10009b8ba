import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildExplorerAssets, defaultAssetsDir } from '../../gateway/explorer/assets';
import { savedOperations } from '../../gateway/explorer/build';
import { composeGraph } from '../../cli/compose';
import { implementedSystems } from '../../subgraphs/catalog';
import { freePortBlock } from '../../platform/ports';
import { runNode, type NodeProcess } from '../support/processes';
import { startTestStack, type TestStack } from '../support/stack';
import { ARTIFACTS, describeWithBrowser, editorText, eventually, launchOfflineBrowser } from '../support/browser';

const AUDIENCE = 'urn:plantgraph:gateway';
const CLIENT_ID = 'plantgraph-explorer';
// Short enough that the page renews the token during the test (it renews 30 s before expiry).
const ACCESS_TOKEN_TTL = 36;

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** What the page keeps in web storage (evaluated in the page; the test's types know no DOM). */
const storedInPage = new Function('return JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } })') as () => string;

describeWithBrowser("the explorer's sign-in test")('explorer sign-in with an OpenID provider, in a browser', () => {
  let provider: NodeProcess;
  let gateway: NodeProcess;
  let issuer: string;
  let stack: TestStack;
  let origin: string;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let outside: string[] = [];
  const pageErrors: string[] = [];
  const bearers: (string | undefined)[] = [];
  const grants: string[] = [];
  const introspections: { authorized: boolean; schema: boolean; text?: string }[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    buildExplorerAssets(defaultAssetsDir(), savedOperations());
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-sign-in-'));
    stack = await startTestStack(implementedSystems());
    const { files } = await composeGraph(implementedSystems());
    writeFileSync(path.join(dataDir, 'supergraph.graphql'), files['supergraph.graphql']!);
    writeFileSync(path.join(dataDir, 'authority.json'), files['authority.json']!);
    const port = await freePortBlock([0, 1]);
    issuer = `http://127.0.0.1:${port}`;
    origin = `http://127.0.0.1:${port + 1}`;
    provider = runNode('test/support/oidc-provider.mjs', {
      PORT: String(port),
      OIDC_AUDIENCE: AUDIENCE,
      CLIENT_ID,
      REDIRECT_URI: `${origin}/graphql`,
      ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL),
      ROLES: 'admin',
    });
    // The gateway as deployed (dist/gateway/main.js, NODE_ENV=production): the provider as issuer,
    // its keys from its jwks_uri, the explorer's public client; the suite's caller signing key.
    gateway = runNode('dist/gateway/main.js', {
      PORT: String(port + 1),
      SUPERGRAPH_PATH: path.join(dataDir, 'supergraph.graphql'),
      ...Object.fromEntries(Object.entries(stack.subgraphUrls).map(([system, url]) => [`${system.toUpperCase()}_URL`, url])),
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: `${issuer}/jwks`,
      // The suite's own key file (global-setup) would take precedence over the provider's keys.
      OIDC_JWKS_FILE: undefined,
      OIDC_CLIENT_ID: CLIENT_ID,
      DATA_DIR: dataDir,
      DATABASE_URL: undefined,
      GATEWAY_DATABASE_URL: undefined,
      REDIS_URL: undefined,
    });
    await provider.waitFor(/oidc provider listening/);
    await gateway.waitFor(/gateway listening/);

    ({ browser, context, outside } = await launchOfflineBrowser({
      context: { viewport: { width: 1280, height: 800 } },
      onLoopbackRequest: (request) => {
        const url = new URL(request.url());
        if (request.method() === 'POST' && url.origin === origin && url.pathname === '/graphql')
          bearers.push(request.headers().authorization);
        if (request.method() === 'POST' && url.origin === issuer && url.pathname === '/token')
          grants.push(new URLSearchParams(request.postData() ?? '').get('grant_type') ?? '');
      },
    }));
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // GraphiQL's docs come from introspection, which the gateway answers for signed-in users.
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || !(request.postData() ?? '').includes('IntrospectionQuery')) return;
      void response.json().then(
        (body: { data?: { __schema?: unknown } }) =>
          introspections.push({
            authorized: Boolean(request.headers().authorization),
            schema: Boolean(body.data?.__schema),
            ...(body.data?.__schema ? {} : { text: JSON.stringify(body).slice(0, 300) }),
          }),
        () => introspections.push({ authorized: Boolean(request.headers().authorization), schema: false }),
      );
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
    await provider?.stop();
    await stack?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in at the provider, runs q01 with the provider’s token, renews it, and signs out', async () => {
    await page.goto(`${origin}/graphql`, { waitUntil: 'load' });
    await page.locator('[data-testid=sources-panel]').waitFor({ timeout: 30_000 });
    const signInButton = page.locator('[data-testid=sign-in] button', { hasText: 'Sign in' });
    await signInButton.waitFor();

    // Signed out, the page sends no token and the gateway refuses.
    expect(bearers.every((b) => b === undefined)).toBe(true);

    await signInButton.click();
    await page.waitForURL((url) => url.origin === issuer, { timeout: 15_000 });
    // The provider's own sign-in page (node-oidc-provider's development form: any login and password).
    await page.locator('input[name=login]').fill('ana.lyst');
    await page.locator('input[name=password]').fill('not-checked');
    await page.locator('button[type=submit]').click();
    // Consent to the explorer's access.
    await page.locator('button[type=submit]', { hasText: 'Continue' }).click();
    await page.waitForURL((url) => url.origin === origin, { timeout: 15_000 });
    await page.locator('[data-testid=signed-in-as]', { hasText: 'ana.lyst' }).waitFor({ timeout: 15_000 });

    // The code and state left the address bar; the PKCE verifier left sessionStorage; no token was stored.
    expect(page.url()).toBe(`${origin}/graphql`);
    const stored = await page.evaluate(storedInPage);
    expect(stored).not.toContain('plantgraph:sign-in');
    expect(grants).toEqual(['authorization_code']);
    // Signed in, GraphiQL's introspection carried the token and got the schema (its docs).
    expect(
      await eventually(
        async () => introspections,
        (seen) => seen.some((i) => i.authorized),
        20_000,
      ),
    ).toContainEqual(expect.objectContaining({ authorized: true, schema: true }));

    // Past the renewal point, q01 runs: the page renews the token first, with the refresh token.
    await new Promise((r) => setTimeout(r, (ACCESS_TOKEN_TTL - 30) * 1000 + 500));
    // GraphiQL restores the tabs it kept before the redirect, q01's variables with them.
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ siteId: 'S01' });
    expect(await page.locator('.graphiql-tab').count()).toBe(10);
    const sent = bearers.length;
    await page.locator('.graphiql-execute-button').click();
    await page
      .locator('[data-testid=answer-sources] [data-system]')
      .first()
      .waitFor({ timeout: 30_000 })
      .catch(async (err: Error) => {
        const shown = {
          result: (await editorText(page, '.result-window')).slice(0, 600),
          grants,
          pageErrors,
          bearers: bearers.map((b) => b?.slice(0, 20)),
        };
        throw new Error(`${err.message}\n${JSON.stringify(shown, null, 2)}`);
      });
    const response = JSON.parse(await editorText(page, '.result-window')) as {
      data?: { workOrders: { nodes: unknown[] } };
      errors?: unknown[];
    };
    expect(response.errors).toBeUndefined();
    expect(response.data!.workOrders.nodes.length).toBeGreaterThan(0);
    expect(grants).toContain('refresh_token');

    // What went to the gateway: the provider's JWT access token, for the gateway's audience, with the user's roles.
    const token = bearers
      .slice(sent)
      .find(Boolean)!
      .replace(/^Bearer /, '');
    expect(claimsOf(token)).toMatchObject({ iss: issuer, aud: AUDIENCE, sub: 'ana.lyst', roles: ['admin'], client_id: CLIENT_ID });
    expect(stored).not.toContain(token.slice(0, 40));
    const after = await page.evaluate(storedInPage);
    expect(after).not.toContain(token.slice(0, 40));

    // The Sources panel names the systems q01 came from.
    const answerChips = await page
      .locator('[data-testid=answer-sources] [data-system]')
      .evaluateAll((chips) => chips.map((c) => c.getAttribute('data-system')));
    expect(answerChips).toContain('erp');
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-signed-in.png') });

    // Sign out: the provider's session ends too, and the page comes back signed out.
    await page.locator('[data-testid=sign-in] button', { hasText: 'Sign out' }).click();
    await page.waitForURL((url) => url.origin === issuer, { timeout: 15_000 });
    await page.locator('button', { hasText: 'Yes, sign me out' }).click();
    await page.waitForURL((url) => url.origin === origin, { timeout: 15_000 });
    await signInButton.waitFor({ timeout: 15_000 });
    // Back from each redirect, the ten tabs and q01's variables are as they were.
    expect(JSON.parse(await editorText(page, '.graphiql-editor-tool'))).toEqual({ siteId: 'S01' });
    expect(await page.locator('.graphiql-tab').count()).toBe(10);
    const before = bearers.length;
    await page.locator('.graphiql-execute-button').click();
    const refused = await eventually(
      async () => editorText(page, '.result-window'),
      (text) => text.includes('UNAUTHENTICATED'),
      20_000,
    );
    expect(refused).toContain('UNAUTHENTICATED');
    expect(bearers.slice(before).every((b) => b === undefined)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'explorer-signed-out.png') });

    expect(pageErrors).toEqual([]);
    // Nothing left the machine but the web font that the provider's development login page asks for.
    expect(outside.filter((url) => !url.startsWith('https://fonts.googleapis.com/'))).toEqual([]);
  }, 120_000);
});
