import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { composeGraph } from '../../../cli/compose';
import { buildExplorerAssets } from '../../../gateway/explorer/assets';
import { savedOperations } from '../../../gateway/explorer/build';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { listenOnFreePort, staticSupergraph, testToken } from '../../support/stack';

const logger = createLogger('test', { LOG_LEVEL: 'silent' });

describe('explorer routes of the gateway', () => {
  let dir: string;
  let gateway: GatewayServer;
  let base: string;
  let unbuilt: GatewayServer;
  let unbuiltBase: string;

  let token: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    token = await testToken({ roles: ['analyst'], subject: 'explorer-test' });
    auth = { authorization: `Bearer ${token}` };
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-explorer-'));
    buildExplorerAssets(path.join(dir, 'assets'), savedOperations());
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    writeFileSync(path.join(dir, 'authority.json'), files['authority.json']!);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      logger,
      explorer: {
        assetsDir: path.join(dir, 'assets'),
        authorityFile: path.join(dir, 'authority.json'),
        headers: () => ({ authorization: 'Bearer dev-token' }),
      },
    });
    base = (await listenOnFreePort(gateway.httpServer)).replace(/\/graphql$/, '');
    unbuilt = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      logger,
      explorer: { assetsDir: path.join(dir, 'missing') },
    });
    unbuiltBase = (await listenOnFreePort(unbuilt.httpServer)).replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway?.stop();
    await unbuilt?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = () => fetch(`${base}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  const assetUrls = (html: string) => [...html.matchAll(/(?:src|href)="(\/explorer\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  const config = (html: string) => JSON.parse(/<script type="application\/json" id="plantgraph-config">(.*?)<\/script>/s.exec(html)![1]!);

  it('serves the explorer page to a browser at GET /graphql, uncached and allowed to load nothing but its own origin', async () => {
    const response = await page();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await response.text();
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);
    expect(assetUrls(html)).toHaveLength(7);
    // Without sign-in configured, the page talks to its own origin only and offers no sign-in.
    expect(csp).toContain("connect-src 'self';");
    expect(config(html).signIn).toBeUndefined();
  });

  it('opens with the ten questions, their seed variables and the configured headers', async () => {
    const { operations, headers, endpoint, planEndpoint } = config(await (await page()).text());
    expect(operations.map((o: { id: string }) => o.id)).toEqual(['q01', 'q02', 'q03', 'q04', 'q05', 'q06', 'q07', 'q08', 'q09', 'q10']);
    expect(operations[0]).toMatchObject({ name: 'WorkOrderDashboard', variables: { siteId: 'S01' } });
    expect(operations[0].document).toContain('workOrders(siteId: $siteId');
    expect(operations[2].variables).toEqual({ id: 'C00001' });
    expect(operations[5].partner).toBe(true);
    expect(headers).toEqual({ authorization: 'Bearer dev-token' });
    expect([endpoint, planEndpoint]).toEqual(['/graphql', '/explorer/plan']);
  });

  it('serves every asset with its content type, cached for good under a content-hashed name, gzipped when asked', async () => {
    const urls = assetUrls(await (await page()).text());
    for (const url of urls) {
      const plain = await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'identity' } });
      expect([url, plain.status]).toEqual([url, 200]);
      expect(plain.headers.get('content-type')).toBe(url.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
      const body = Buffer.from(await plain.arrayBuffer());
      expect(body.length).toBeGreaterThan(1000);
      const zipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        // Node's fetch decompresses transparently; read the bytes on the wire instead.
        require('node:http')
          .get(`${base}${url}`, { headers: { 'accept-encoding': 'gzip' } }, (res: import('node:http').IncomingMessage) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
          })
          .on('error', reject);
      });
      expect(zipped.encoding).toBe('gzip');
      expect(gunzipSync(zipped.body).equals(body)).toBe(true);
      const again = await fetch(`${base}${url}`, { headers: { 'if-none-match': plain.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    const graphiql = urls.find((u) => u.includes('/graphiql.') && u.endsWith('.js'))!;
    const text = await (await fetch(`${base}${graphiql}`)).text();
    expect(text).not.toContain('sourceMappingURL');
    expect((await fetch(`${base}/explorer/assets/graphiql.0000000000.js`)).status).toBe(404);
    expect((await fetch(`${base}/explorer/assets/../manifest.json`)).status).toBe(404);
  });

  it('leaves GraphQL as it was: POST /graphql answers, GET /graphql without text/html is Apollo’s, / redirects to the explorer', async () => {
    const post = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await post.json()).toEqual({ data: { __typename: 'Query' } });
    const get = await fetch(`${base}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true', ...auth },
    });
    expect(get.headers.get('content-type')).toContain('application/json');
    expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect([root.status, root.headers.get('location')]).toEqual([302, '/graphql']);
  });

  it('plans an operation without running it: the systems it touches, in order', async () => {
    const response = await fetch(`${base}/explorer/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({
        query: 'query V { materialSites(siteId: "S01") { nodes { abcClass countVarianceQuantity } } }',
        operationName: 'V',
      }),
    });
    expect(response.status).toBe(200);
    const { plan } = (await response.json()) as any;
    expect(plan.systems).toEqual(['erp', 'inventory']);
    expect(plan.fetches.map((f: { system: string; stage: number }) => `${f.stage}:${f.system}`)).toEqual(['1:erp', '2:inventory']);
  });

  it('answers bad plan requests with a GraphQL error and a 4xx, never a 500', async () => {
    const plan = (body: string) =>
      fetch(`${base}/explorer/plan`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body });
    const cases: [string, number, string, string][] = [
      ['{not json', 400, 'BAD_REQUEST', 'not valid JSON'],
      ['{}', 400, 'BAD_USER_INPUT', 'query'],
      ['{"query": 42}', 400, 'BAD_USER_INPUT', 'query'],
      ['{"query": "{ __typename }", "operationName": 7}', 400, 'BAD_USER_INPUT', 'operationName'],
      ['{"query": "{ material(id: \\"M1\\") { colour } }"}', 400, 'GRAPHQL_VALIDATION_FAILED', 'colour'],
      ['{"query": "{ material("}', 400, 'BAD_USER_INPUT', 'Syntax Error'],
      [JSON.stringify({ query: `{ __typename ${' '.repeat(300_000)}}` }), 413, 'PAYLOAD_TOO_LARGE', 'limit'],
    ];
    for (const [body, status, code, words] of cases) {
      const response = await plan(body);
      const json = (await response.json()) as any;
      expect([body.slice(0, 40), response.status, json.errors[0].extensions.code]).toEqual([body.slice(0, 40), status, code]);
      expect(json.errors[0].message).toContain(words);
    }
  });

  it('plans only for the users the gateway authenticates: no token, a bad token, a bound user, an unknown key are refused', async () => {
    const body = JSON.stringify({ query: '{ material(id: "M000001") { description } }' });
    const plan = (headers: Record<string, string>) =>
      fetch(`${base}/explorer/plan`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const supplier = await testToken({ roles: ['supplier'], supplierId: 'V00001', scopes: ['partner:supplier'] });
    const cases: [Record<string, string>, number, string][] = [
      [{}, 401, 'UNAUTHENTICATED'],
      [{ authorization: 'Bearer not-a-token' }, 401, 'UNAUTHENTICATED'],
      [{ authorization: `Bearer ${supplier}` }, 403, 'FORBIDDEN'],
      [{ 'x-api-key': 'pk_anything' }, 401, 'UNAUTHENTICATED'],
    ];
    for (const [headers, status, code] of cases) {
      const response = await plan(headers);
      const json = (await response.json()) as any;
      expect([Object.keys(headers).join(), response.status, json.errors[0].extensions.code]).toEqual([
        Object.keys(headers).join(),
        status,
        code,
      ]);
      expect(json.plan).toBeUndefined();
    }
    expect((await fetch(`${base}/explorer/authority.json`)).status).toBe(401);
    expect((await fetch(`${base}/explorer/authority.json`, { headers: { authorization: `Bearer ${supplier}` } })).status).toBe(403);
    expect((await plan(auth)).status).toBe(200);
  });

  it('shows the authority map to users only: without a token it says how to open it, and lists no field', async () => {
    const response = await fetch(`${base}/authority`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('Open the authority map from the explorer');
    expect(html).not.toContain('data-field=');
  });

  it('draws the authority map at GET /authority from authority.json, systems of record apart from systems of engagement', async () => {
    const response = await fetch(`${base}/authority`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('schema/authority.json');
    expect(html).toMatch(/<svg[^>]*role="img"/);
    expect(html).toContain('data-system="erp" data-kind="record"');
    expect(html).toContain('data-system="inventory" data-kind="engagement"');
    expect(html).toMatch(
      /<g class="cell" data-type="MaterialSite" data-system="inventory">.*data-field="MaterialSite.countVarianceQuantity"/,
    );
  });

  it('serves the authority map as JSON for the page, with the sentence the docs show', async () => {
    const map = (await (await fetch(`${base}/explorer/authority.json`, { headers: auth })).json()) as any;
    expect(map.source).toBe('authority.json');
    const bookQuantity = map.fields.find((f: { type: string; field: string }) => f.type === 'MaterialSite' && f.field === 'bookQuantity');
    expect(bookQuantity).toMatchObject({ system: 'erp', kind: 'record', note: 'Authoritative source: ERP (system of record)' });
  });

  it('derives the map from the supergraph while authority.json is not there', async () => {
    const html = await (await fetch(`${unbuiltBase}/authority`, { headers: auth })).text();
    expect(html).toContain('derived from the running supergraph');
    expect(html).toContain('data-field="MaterialSite.abcClass"');
  });

  it('says how to build the explorer when its files are missing, and GraphQL still answers', async () => {
    const response = await fetch(`${unbuiltBase}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build');
    const post = await fetch(`${unbuiltBase}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
  });
});

describe('explorer over a supergraph file', () => {
  let dir: string;
  let gateway: GatewayServer;
  let base: string;
  let auth: Record<string, string>;
  let reloads: ((result: { ok: boolean }) => void)[] = [];
  const nextReload = () => new Promise<{ ok: boolean }>((resolve) => reloads.push(resolve));

  beforeAll(async () => {
    auth = { authorization: `Bearer ${await testToken({ roles: ['analyst'] })}` };
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-explorer-file-'));
    writeFileSync(path.join(dir, 'supergraph.graphql'), (await composeGraph([erpSystem])).files['supergraph.graphql']!);
    gateway = await createGatewayServer({
      supergraph: path.join(dir, 'supergraph.graphql'),
      logger,
      explorer: { assetsDir: path.join(dir, 'no-assets') },
      onSupergraphReload: (result) => {
        const waiting = reloads;
        reloads = [];
        waiting.forEach((resolve) => resolve(result));
      },
    });
    base = (await listenOnFreePort(gateway.httpServer)).replace(/\/graphql$/, '');
  });
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const plan = async (query: string) => {
    const response = await fetch(`${base}/explorer/plan`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('plans against the new supergraph once it is reloaded, and reads authority.json once compose writes it beside', async () => {
    const countTasks = '{ countTasks(siteId: "S01") { nodes { id materialSite { bookQuantity } } } }';
    const before = await plan(countTasks);
    expect([before.status, before.body.errors[0].extensions.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect(await (await fetch(`${base}/authority`, { headers: auth })).text()).toContain('is not there yet');

    const { files } = await composeGraph([erpSystem, inventorySystem]);
    const reloaded = nextReload();
    writeFileSync(path.join(dir, 'supergraph.graphql'), files['supergraph.graphql']!);
    expect((await reloaded).ok).toBe(true);
    const after = await plan(countTasks);
    expect(after.status).toBe(200);
    expect(after.body.plan.systems).toEqual(['inventory', 'erp']);

    writeFileSync(path.join(dir, 'authority.json'), files['authority.json']!);
    const html = await (await fetch(`${base}/authority`, { headers: auth })).text();
    expect(html).toContain('Owners from <code>schema/authority.json</code>');
    expect(html).toContain('data-system="inventory" data-kind="engagement"');
  });
});
