import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient as createSseClient, type Client as SseClient } from 'graphql-sse';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { loadSecurityConfig } from '../../gateway/security/config';
import { createPartnerKey } from '../../gateway/security/partners/partner-key.repository';
import { defaultPartnerScopes } from '../../gateway/security/partners/store';
import { resolveSecurity } from '../../gateway/security/setup';
import type { GatewaySecurityOptions } from '../../gateway/security';
import { liveMetrics } from '../../gateway/subscriptions/live-metrics';
import { localChangeBus, type ChangeBus } from '../../platform/change-bus';
import { dropDatabases, withDatabase } from '../../platform/db/database';
import { createLogger } from '../../platform/logger';
import { freePortBlock } from '../../platform/ports';
import { erpSystem } from '../../subgraphs/erp/server';
import { mesSystem } from '../../subgraphs/mes/server';
import { startChangeRelay, type ChangeRelay } from '../../subgraphs/kit/events';
import { testServerUrl } from '../support/databases';
import { runNode, type NodeProcess } from '../support/processes';
import { postGraphQL, startTestStack, type TestStack } from '../support/stack';
import { Inbox } from '../support/inbox';
import { openOrderLineOf } from '../support/plant-rows';

const AUDIENCE = 'urn:plantgraph:gateway';
const CLIENT_ID = 'plant-screens';
// Every access token the provider issues lives this long: long enough for a test's subscription
// and change, short enough to see one expire.
const ACCESS_TOKEN_TTL_SECONDS = 12;
/** A browser app allowed by CORS_ORIGINS, and one that is not. */
const APP_ORIGIN = 'https://screens.plant.example';
const OTHER_ORIGIN = 'https://elsewhere.example';

const WORK_CENTER_CHANGED = 'subscription { workCenterStateChanged(siteId: "S01") { id state stateReasonCode } }';

const openSubscriptions = async () => (await liveMetrics.open.get()).values[0]?.value ?? 0;

async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (check(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/**
 * Signs a user in at the provider as a browser app would (authorization code with PKCE through
 * the provider's own login and consent forms, cookies kept between steps) and returns the access
 * token, a JWT for the gateway's audience.
 */
async function signIn(issuer: string, redirectUri: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  const go = async (url: string, init: { method?: string; form?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') };
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(new URL(url, issuer), {
      method: init.method ?? 'GET',
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';', 1)[0]!;
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
      if (value) jar.set(name, value);
      else jar.delete(name);
    }
    return response;
  };
  const verifier = randomBytes(32).toString('base64url');
  let response = await go(
    `/auth?${new URLSearchParams({
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: randomBytes(8).toString('hex'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })}`,
  );
  let code: string | null = null;
  for (let step = 0; step < 12 && code === null; step++) {
    const location = response.headers.get('location');
    if (!location) throw new Error(`sign-in stopped at HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    await response.arrayBuffer();
    const next = new URL(location, issuer);
    if (next.href.startsWith(redirectUri)) {
      code = next.searchParams.get('code');
      if (!code) throw new Error(`the provider answered the app with ${next.search}`);
    } else if (next.pathname.startsWith('/interaction/')) {
      // The provider's development forms: any login and password, then consent.
      const form = await (await go(next.href)).text();
      response = await go(next.href, {
        method: 'POST',
        form: /name="prompt" value="login"/.test(form) ? { prompt: 'login', login, password: 'not-checked' } : { prompt: 'consent' },
      });
    } else {
      response = await go(next.href);
    }
  }
  if (!code) throw new Error('sign-in did not come back to the app');
  const token = await go('/token', {
    method: 'POST',
    form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: CLIENT_ID, code_verifier: verifier },
  });
  const body = (await token.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`no access token: ${body.error} ${body.error_description}`);
  return body.access_token;
}

/** Opens a raw graphql-transport-ws socket and waits for its upgrade: 'open', or the HTTP answer that refused it. */
function upgrade(url: string, origin?: string): Promise<{ socket: WebSocket; status?: number; body?: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', origin ? { origin } : {});
    socket.once('open', () => resolve({ socket }));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ socket, status: res.statusCode, body }));
    });
    socket.once('error', (err) => reject(err));
  });
}

/** Sends connection_init and resolves with connection_ack, or the close code and reason if the gateway refuses. */
function init(socket: WebSocket, payload: Record<string, unknown>): Promise<{ ack: boolean; code?: number; reason?: string }> {
  return new Promise((resolve) => {
    socket.on('message', (data) => {
      if ((JSON.parse(data.toString()) as { type: string }).type === 'connection_ack') resolve({ ack: true });
    });
    socket.once('close', (code, reason) => resolve({ ack: false, code, reason: reason.toString() }));
    socket.send(JSON.stringify({ type: 'connection_init', payload }));
  });
}

describe('live subscriptions in production: tokens from a real OpenID provider, partner keys, browser origins', () => {
  let provider: NodeProcess;
  let issuer: string;
  let redirectUri: string;
  let stack: TestStack;
  let security: GatewaySecurityOptions;
  let bus: ChangeBus;
  let relay: ChangeRelay;
  let erpRelay: ChangeRelay;
  let gatewayUrl: string;
  let wsUrl: string;
  const gatewayDbName = `t_${randomBytes(4).toString('hex')}_gateway`;
  const clients: (WsClient | SseClient)[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    const port = await freePortBlock([0]);
    issuer = `http://127.0.0.1:${port}`;
    redirectUri = `${APP_ORIGIN}/signed-in`;
    provider = runNode('test/support/oidc-provider.mjs', {
      PORT: String(port),
      OIDC_AUDIENCE: AUDIENCE,
      CLIENT_ID,
      REDIRECT_URI: redirectUri,
      ACCESS_TOKEN_TTL: String(ACCESS_TOKEN_TTL_SECONDS),
      ROLES: 'admin',
    });
    await provider.waitFor(/oidc provider listening/);
    // The gateway's security as `node dist/gateway/main.js` resolves it with NODE_ENV=production:
    // the provider as issuer (its keys from its jwks_uri), partner keys in a gateway database, one
    // browser app allowed. Rate limits stay in this process (no REDIS_URL), apart from other tests'.
    const config = loadSecurityConfig({
      NODE_ENV: 'production',
      OIDC_ISSUER: issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_JWKS_URL: `${issuer}/jwks`,
      CALLER_SIGNING_KEY: process.env.CALLER_SIGNING_KEY,
      GATEWAY_DATABASE_URL: withDatabase(testServerUrl(), gatewayDbName),
      CORS_ORIGINS: APP_ORIGIN,
    });
    expect(config).toMatchObject({ production: true, mode: 'jwt', issuer });
    security = (await resolveSecurity(config, createLogger('live-production', { LOG_LEVEL: 'silent' }))).options;
    bus = localChangeBus();
    stack = await startTestStack([erpSystem, mesSystem], {
      security,
      live: {
        bus,
        config: {
          limits: { maxSubscriptionsPerCaller: 5, maxEventsPerSecondPerCaller: 200, maxBufferedPerSubscriber: 64 },
          channel: 'unused',
        },
      },
    });
    gatewayUrl = stack.gatewayUrl;
    wsUrl = gatewayUrl.replace(/^http:/, 'ws:');
    relay = startChangeRelay({ system: 'mes', database: stack.databases.mes!.database, bus, pollMs: 200 });
    erpRelay = startChangeRelay({ system: 'erp', database: stack.databases.erp!.database, bus, pollMs: 200 });
  }, 180_000);

  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    for (const socket of sockets.splice(0)) socket.terminate();
    await until(openSubscriptions, (n) => n === 0, 5_000);
  });

  afterAll(async () => {
    await relay?.stop();
    await erpRelay?.stop();
    // The gateway closes the gateway database with its security.
    await stack?.stop();
    await bus?.close();
    await provider?.stop();
    await dropDatabases(testServerUrl(), [gatewayDbName]);
  });

  async function firstWorkCenter(): Promise<string> {
    const row = await (stack.databases.mes!.database.db as any)
      .selectFrom('workCenters')
      .select(['id'])
      .where('siteId', '=', 'S01')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    return row.id as string;
  }

  it('follows a work center over WebSocket and SSE with a token the provider issued to a signed-in user', async () => {
    const token = await signIn(issuer, redirectUri, 'ana.lyst');
    expect(claimsOf(token)).toMatchObject({ iss: issuer, aud: AUDIENCE, sub: 'ana.lyst', roles: ['admin'] });
    const overWs = new Inbox();
    const overSse = new Inbox();
    const ws = createWsClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const sse = createSseClient({ url: gatewayUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(ws, sse);
    ws.subscribe({ query: WORK_CENTER_CHANGED }, overWs.sink);
    sse.subscribe({ query: WORK_CENTER_CHANGED }, overSse.sink);
    expect(await until(openSubscriptions, (n) => n === 2)).toBe(2);

    const id = await firstWorkCenter();
    const reason = `PROD_${randomBytes(3).toString('hex').toUpperCase()}`;
    const changed = await postGraphQL(
      gatewayUrl,
      'mutation ($id: ID!, $reason: String) { setWorkCenterState(id: $id, state: DOWN, reasonCode: $reason) { id state } }',
      { id, reason },
      { authorization: `Bearer ${token}` },
    );
    expect(changed.body.errors).toBeUndefined();
    for (const inbox of [overWs, overSse]) {
      await inbox.until('the change', () => inbox.results.some((r) => r.data?.workCenterStateChanged?.stateReasonCode === reason));
      expect(inbox.results.find((r) => r.data?.workCenterStateChanged?.stateReasonCode === reason)).toEqual({
        data: { workCenterStateChanged: { id, state: 'DOWN', stateReasonCode: reason } },
      });
    }
  }, 60_000);

  it('ends the subscriptions when the token expires, then closes the WebSocket with 4401', async () => {
    const token = await signIn(issuer, redirectUri, 'ana.lyst');
    const expiresAt = (claimsOf(token).exp as number) * 1000;
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(ACCESS_TOKEN_TTL_SECONDS * 1000);

    const { socket } = await upgrade(wsUrl);
    sockets.push(socket);
    const messages: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    const closed = new Promise<{ code: number; reason: string; at: number }>((resolve) =>
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), at: Date.now() })),
    );
    expect(await init(socket, { authorization: `Bearer ${token}` })).toEqual({ ack: true });
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: WORK_CENTER_CHANGED } }));
    const overSse = new Inbox();
    const sse = createSseClient({ url: gatewayUrl, headers: { authorization: `Bearer ${token}` }, retryAttempts: 0 });
    clients.push(sse);
    sse.subscribe({ query: WORK_CENTER_CHANGED }, overSse.sink);
    expect(await until(openSubscriptions, (n) => n === 2)).toBe(2);

    const { code, reason, at } = await closed;
    expect(code).toBe(4401);
    expect(reason).toMatch(/^UNAUTHENTICATED: the token has expired/);
    // Not before the token's own expiry, and soon after it.
    expect(at).toBeGreaterThanOrEqual(expiresAt);
    expect(at - expiresAt).toBeLessThan(3_000);
    // The subscription was ended with the reason before the socket closed…
    expect(messages.find((m) => m.id === '1' && m.type === 'next')?.payload.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // …and so was the SSE stream opened with the same token.
    await overSse.until('the end of the SSE stream', () => overSse.completed || overSse.error !== undefined);
    expect(overSse.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await until(openSubscriptions, (n) => n === 0)).toBe(0);

    // Connecting again with the expired token: within the 5 s the gateway tolerates for clock skew
    // the connection is admitted, then closed at once, as past its token's expiry…
    const again = await upgrade(wsUrl);
    sockets.push(again.socket);
    const closedAgain = new Promise<{ code: number; reason: string }>((resolve) =>
      again.socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    await init(again.socket, { authorization: `Bearer ${token}` });
    expect(await closedAgain).toEqual({ code: 4401, reason: expect.stringMatching(/^UNAUTHENTICATED: the token has expired/) });
    // …and past that tolerance it is refused at connection_init.
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt + 5_500 - Date.now())));
    const late = await upgrade(wsUrl);
    sockets.push(late.socket);
    const refused = await init(late.socket, { authorization: `Bearer ${token}` });
    expect(refused).toMatchObject({ ack: false, code: 4401 });
    expect(refused.reason).toMatch(/^UNAUTHENTICATED/);
  }, 60_000);

  it('authenticates a partner key sent in connection_init, refuses its subscriptions (partners run trusted documents only), and closes on an unknown key', async () => {
    const { key } = await createPartnerKey(security.partnerDatabase!.db, {
      supplierId: 'V00001',
      scopes: defaultPartnerScopes({ supplierId: 'V00001' }),
    });
    const { socket } = await upgrade(wsUrl);
    sockets.push(socket);
    const messages: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
    expect(await init(socket, { 'x-api-key': key })).toEqual({ ack: true });
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: WORK_CENTER_CHANGED } }));
    const error = await until(
      async () => messages.find((m) => m.id === '1'),
      (m) => m !== undefined,
    );
    expect(error?.type).toBe('error');
    expect(error?.payload[0].extensions.code).toBe('TRUSTED_DOCUMENT_REQUIRED');
    expect(socket.readyState).toBe(WebSocket.OPEN);

    const unknown = await upgrade(wsUrl);
    sockets.push(unknown.socket);
    const refused = await init(unknown.socket, { 'x-api-key': `${key.slice(0, -4)}AAAA` });
    expect(refused).toMatchObject({ ack: false, code: 4401 });
    expect(refused.reason).toMatch(/^UNAUTHENTICATED/);
  }, 60_000);

  it("follows a supplier's own purchase orders with its partner key and the trusted subscription, over both transports, and never another supplier's", async () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'questions', 'partner-manifest.json'), 'utf8')) as {
      operations: { name: string; body: string; id: string }[];
    };
    const changedDocument = manifest.operations.find((o) => o.name === 'MyPurchaseOrderChanged')!;
    const confirmDocument = manifest.operations.find((o) => o.name === 'ConfirmPurchaseOrderLine')!;
    const erp = stack.databases.erp!.database.db as any;
    const suppliers = ['V00001', 'V00002'] as const;
    const keys: Record<string, string> = {};
    for (const supplierId of suppliers) {
      keys[supplierId] = (
        await createPartnerKey(security.partnerDatabase!.db, { supplierId, scopes: defaultPartnerScopes({ supplierId }) })
      ).key;
    }
    const ordersOf = async (supplierId: string) =>
      new Set<string>(
        (await erp.selectFrom('purchaseOrders').select('number').where('supplierId', '=', supplierId).execute()).map(
          (r: { number: string }) => r.number,
        ),
      );
    const own = { V00001: await ordersOf('V00001'), V00002: await ordersOf('V00002') };

    // V00001 over WebSocket, V00002 over SSE; each sends the published text, as a partner's client does.
    const inboxes = { V00001: new Inbox(), V00002: new Inbox() };
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { 'x-api-key': keys.V00001! }, retryAttempts: 0 });
    const sse = createSseClient({ url: gatewayUrl, headers: { 'x-api-key': keys.V00002! }, retryAttempts: 0 });
    clients.push(ws, sse);
    ws.subscribe({ query: changedDocument.body, variables: { supplierId: 'V00001' } }, inboxes.V00001.sink);
    sse.subscribe({ query: changedDocument.body, variables: { supplierId: 'V00002' } }, inboxes.V00002.sink);
    // Following another supplier is refused when asked, over either transport.
    const prying = new Inbox();
    ws.subscribe({ query: changedDocument.body, variables: { supplierId: 'V00002' } }, prying.sink);
    await prying.until('the refusal', () => prying.error !== undefined);
    expect((prying.error as { extensions: { code: string } }[])[0]!.extensions.code).toBe('FORBIDDEN');
    const pryingOverSse = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': keys.V00002! },
      body: JSON.stringify({ query: changedDocument.body, variables: { supplierId: 'V00001' } }),
    });
    expect(pryingOverSse.status).toBe(403);
    expect(await pryingOverSse.text()).toMatch(/FORBIDDEN/);
    expect(await until(openSubscriptions, (n) => n === 2)).toBe(2);

    // Each supplier confirms a date on one line of one of its open orders.
    const confirmed: Record<string, string> = {};
    for (const supplierId of suppliers) {
      const line = await openOrderLineOf(erp, supplierId);
      const promisedDate = '2027-03-15';
      const response = await postGraphQL(
        gatewayUrl,
        confirmDocument.body,
        { poNumber: line.poNumber, materialId: line.materialId, promisedDate },
        { 'x-api-key': keys[supplierId]! },
      );
      expect(response.body.errors).toBeUndefined();
      confirmed[supplierId] = line.poNumber;
    }

    for (const supplierId of suppliers) {
      const inbox = inboxes[supplierId];
      await inbox.until(`${supplierId}'s change`, () =>
        inbox.results.some((r) => r.data?.purchaseOrderChanged?.number === confirmed[supplierId]),
      );
      for (const result of inbox.results) {
        expect(result.errors).toBeUndefined();
        expect(own[supplierId].has(result.data.purchaseOrderChanged.number)).toBe(true);
      }
      const mine = inbox.results.find((r) => r.data.purchaseOrderChanged.number === confirmed[supplierId])!;
      expect(mine.data.purchaseOrderChanged.lines.some((l: { promisedDate: string | null }) => l.promisedDate === '2027-03-15')).toBe(true);
    }
    // The other supplier's change has been published too: a moment more, and still nothing of it.
    await new Promise((r) => setTimeout(r, 500));
    expect(inboxes.V00001.results.some((r) => r.data.purchaseOrderChanged.number === confirmed.V00002)).toBe(false);
    expect(inboxes.V00002.results.some((r) => r.data.purchaseOrderChanged.number === confirmed.V00001)).toBe(false);
  }, 60_000);

  it('refuses a WebSocket upgrade from a browser origin CORS does not admit; admits CORS_ORIGINS, its own origin and clients without Origin', async () => {
    const before = (await liveMetrics.refused.get()).values.find((v) => v.labels.reason === 'origin')?.value ?? 0;
    const foreign = await upgrade(wsUrl, OTHER_ORIGIN);
    expect(foreign.status).toBe(403);
    const body = JSON.parse(foreign.body!) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(body.errors[0]!.message).toMatch(/CORS_ORIGINS/);
    // A sandboxed page or a file says "null": not an origin anyone listed.
    expect((await upgrade(wsUrl, 'null')).status).toBe(403);
    expect((await liveMetrics.refused.get()).values.find((v) => v.labels.reason === 'origin')?.value).toBe(before + 2);

    const token = await signIn(issuer, redirectUri, 'ana.lyst');
    for (const origin of [APP_ORIGIN, new URL(gatewayUrl).origin, undefined]) {
      const opened = await upgrade(wsUrl, origin);
      sockets.push(opened.socket);
      expect(opened.status ?? 'open').toBe('open');
      expect(await init(opened.socket, { authorization: `Bearer ${token}` })).toEqual({ ack: true });
    }

    // SSE is plain HTTP: the browser asks before it posts, and the gateway's CORS answers.
    const preflight = (origin: string) =>
      fetch(gatewayUrl, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
    expect((await preflight(OTHER_ORIGIN)).status).toBe(403);
    const allowed = await preflight(APP_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    // The stream itself: readable by an admitted origin's page, by no other (no Access-Control-Allow-Origin).
    const stream = (origin: string) =>
      fetch(gatewayUrl, {
        method: 'POST',
        headers: { origin, accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: WORK_CENTER_CHANGED }),
      });
    for (const [origin, readable] of [
      [APP_ORIGIN, APP_ORIGIN],
      [OTHER_ORIGIN, null],
    ] as const) {
      const response = await stream(origin);
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get('access-control-allow-origin')).toBe(readable);
      // A proxy (nginx) must pass each event on as it comes, not gather the stream in a buffer.
      expect(response.headers.get('x-accel-buffering')).toBe('no');
      await response.body?.cancel();
    }
  }, 60_000);
});
