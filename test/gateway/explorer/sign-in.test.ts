import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { composeGraph } from '../../../cli/compose';
import { buildExplorerAssets } from '../../../gateway/explorer/assets';
import { savedOperations } from '../../../gateway/explorer/build';
import { createExplorerSignIn, explorerSignInFromConfig, signInConfigFrom } from '../../../gateway/explorer/sign-in';
import { loadSecurityConfig } from '../../../gateway/security/config';
import { createGatewayServer, type GatewayServer } from '../../../gateway/server';
import { createLogger } from '../../../platform/logger';
import { erpSystem } from '../../../subgraphs/erp/server';
import { listenOnFreePort, staticSupergraph } from '../../support/stack';

const ISSUER = 'https://login.plant.example';
const client = {
  issuer: ISSUER,
  clientId: 'plantgraph-explorer',
  scopes: 'openid profile offline_access',
  audience: 'urn:plantgraph:gateway',
};
const discovery = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/authorize`,
  token_endpoint: 'https://tokens.plant.example/token',
  end_session_endpoint: `${ISSUER}/logout`,
  code_challenge_methods_supported: ['S256'],
  authorization_response_iss_parameter_supported: true,
};

describe('explorer sign-in: discovery', () => {
  it('turns a discovery document into the page settings: endpoints, client, scopes, the audience as resource indicator', () => {
    expect(signInConfigFrom(discovery, client)).toEqual({
      ok: true,
      config: {
        clientId: 'plantgraph-explorer',
        scope: 'openid profile offline_access',
        resource: 'urn:plantgraph:gateway',
        server: {
          issuer: ISSUER,
          authorization_endpoint: `${ISSUER}/authorize`,
          token_endpoint: 'https://tokens.plant.example/token',
          end_session_endpoint: `${ISSUER}/logout`,
          authorization_response_iss_parameter_supported: true,
        },
        loopbackHttp: false,
      },
    });
  });

  it('sends no resource indicator for an audience that is not an absolute URI, and allows http only on this machine', () => {
    const local = {
      ...discovery,
      issuer: 'http://127.0.0.1:9000',
      authorization_endpoint: 'http://127.0.0.1:9000/auth',
      token_endpoint: 'http://127.0.0.1:9000/token',
      end_session_endpoint: undefined,
    };
    const result = signInConfigFrom(local, { ...client, issuer: 'http://127.0.0.1:9000', audience: 'plantgraph' });
    expect(result.ok && result.config).toMatchObject({ loopbackHttp: true, server: { token_endpoint: 'http://127.0.0.1:9000/token' } });
    expect(result.ok && 'resource' in result.config).toBe(false);
    expect(result.ok && 'end_session_endpoint' in result.config.server).toBe(false);
  });

  it.each([
    [
      { ...discovery, issuer: 'https://evil.example' },
      'names issuer "https://evil.example", expected https://login.plant.example (OIDC_ISSUER)',
    ],
    [
      { ...discovery, token_endpoint: 'http://tokens.plant.example/token' },
      "the discovery document's token_endpoint must be https, got http://tokens.plant.example/token",
    ],
    [{ ...discovery, authorization_endpoint: undefined }, "the discovery document's authorization_endpoint must be a URL, got nothing"],
    [{ ...discovery, code_challenge_methods_supported: ['plain'] }, 'does not offer PKCE with S256'],
    [['not', 'an', 'object'], 'the discovery document is not a JSON object'],
  ])('refuses a discovery document it cannot use, saying why (%#)', (doc, reason) => {
    const result = signInConfigFrom(doc, client);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });

  it('reads discovery once and caches it; a failure is remembered briefly, then tried again', async () => {
    const calls: string[] = [];
    let up = false;
    const fetchFn = (async (url: string) => {
      calls.push(url);
      if (!up) throw new Error('connect ECONNREFUSED');
      return new Response(JSON.stringify(discovery), { headers: { 'content-type': 'application/json' } });
    }) as unknown as typeof fetch;
    const signIn = createExplorerSignIn({ ...client, fetch: fetchFn, retryMs: 50 });
    const down = await signIn.discover();
    expect(down).toEqual({
      ok: false,
      reason: expect.stringContaining(
        `discovery document at ${ISSUER}/.well-known/openid-configuration could not be read (connect ECONNREFUSED)`,
      ),
    });
    up = true;
    expect((await signIn.discover()).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    const [a, b] = await Promise.all([signIn.discover(), signIn.discover()]);
    expect(a.ok && b.ok).toBe(true);
    expect(await signIn.discover()).toBe(a);
    expect(calls).toEqual([`${ISSUER}/.well-known/openid-configuration`, `${ISSUER}/.well-known/openid-configuration`]);
  });
});

describe('explorer sign-in: configuration', () => {
  const production = { NODE_ENV: 'production', CALLER_SIGNING_KEY: 'ab'.repeat(32), OIDC_ISSUER: ISSUER };

  it('reads OIDC_CLIENT_ID and OIDC_SCOPES (default openid profile offline_access)', () => {
    const config = loadSecurityConfig({ ...production, OIDC_CLIENT_ID: 'plantgraph-explorer' });
    expect([config.clientId, config.scopes]).toEqual(['plantgraph-explorer', 'openid profile offline_access']);
    expect(explorerSignInFromConfig(config)).toBeDefined();
    expect(explorerSignInFromConfig(loadSecurityConfig(production))).toBeUndefined();
    expect(loadSecurityConfig({ ...production, OIDC_CLIENT_ID: 'x', OIDC_SCOPES: ' openid   profile ' }).scopes).toBe('openid profile');
  });

  it('refuses a client id without an issuer, and scopes without openid', () => {
    expect(() => loadSecurityConfig({ OIDC_CLIENT_ID: 'plantgraph-explorer' })).toThrow(
      "OIDC_CLIENT_ID (the explorer's sign-in) needs OIDC_ISSUER",
    );
    expect(() => loadSecurityConfig({ ...production, OIDC_CLIENT_ID: 'x', OIDC_SCOPES: 'profile' })).toThrow(
      'OIDC_SCOPES must include "openid"',
    );
  });
});

describe('explorer sign-in: the page', () => {
  let dir: string;
  let provider: Server;
  let providerUp = true;
  let gateway: GatewayServer;
  let base: string;
  let issuer: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-sign-in-'));
    buildExplorerAssets(path.join(dir, 'assets'), savedOperations());
    provider = createServer((req, res) => {
      if (!providerUp || req.url !== '/.well-known/openid-configuration') return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          ...discovery,
          issuer,
          authorization_endpoint: `${issuer}/auth`,
          token_endpoint: `${issuer}/token`,
          end_session_endpoint: `${issuer}/logout`,
        }),
      );
    });
    issuer = new URL(await listenOnFreePort(provider)).origin;
    const { files } = await composeGraph([erpSystem]);
    gateway = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      explorer: { assetsDir: path.join(dir, 'assets'), signIn: createExplorerSignIn({ ...client, issuer, retryMs: 1 }) },
    });
    base = new URL(await listenOnFreePort(gateway.httpServer)).origin;
  });
  afterAll(async () => {
    await gateway?.stop();
    await new Promise((r) => provider?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  const page = async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    const config = JSON.parse(/<script type="application\/json" id="plantgraph-config">(.*?)<\/script>/s.exec(html)![1]!);
    return { response, html, config };
  };

  it('hands the page the provider endpoints and lets its script reach the token endpoint, nothing else', async () => {
    const { response, html, config } = await page();
    expect(response.status).toBe(200);
    expect(config.signIn).toMatchObject({
      clientId: 'plantgraph-explorer',
      resource: 'urn:plantgraph:gateway',
      loopbackHttp: true,
      server: { token_endpoint: `${issuer}/token` },
    });
    expect(response.headers.get('content-security-policy')).toContain(`connect-src 'self' ${issuer};`);
    // The sign-in module loads before the explorer's script, both from the gateway.
    expect(html.indexOf('/sign-in.')).toBeGreaterThan(0);
    expect(html.indexOf('/sign-in.')).toBeLessThan(html.search(/\/explorer\.[0-9a-f]+\.js/));
    const module = /src="(\/explorer\/assets\/sign-in\.[^"]+)"/.exec(html)![1]!;
    const script = await (await fetch(`${base}${module}`)).text();
    const imported = /from '\.\/(oauth4webapi\.[0-9a-f]{10}\.js)'/.exec(script)![1];
    expect((await fetch(`${base}/explorer/assets/${imported}`)).status).toBe(200);
  });

  it('still opens when the provider is down, saying that sign-in is unavailable, with no extra connect source', async () => {
    providerUp = false;
    await new Promise((r) => setTimeout(r, 5));
    // The earlier success is cached: the page keeps its sign-in until the cache runs out.
    const signIn = createExplorerSignIn({ ...client, issuer, retryMs: 1 });
    const { files } = await composeGraph([erpSystem]);
    const other = await createGatewayServer({
      supergraph: staticSupergraph(files['supergraph.graphql']!),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      explorer: { assetsDir: path.join(dir, 'assets'), signIn },
    });
    try {
      const origin = new URL(await listenOnFreePort(other.httpServer)).origin;
      const response = await fetch(`${origin}/graphql`, { headers: { accept: 'text/html' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("connect-src 'self';");
      const html = await response.text();
      expect(html).toContain('Sign-in is unavailable: the identity provider cannot be reached');
    } finally {
      providerUp = true;
      await other.stop();
    }
  });
});
