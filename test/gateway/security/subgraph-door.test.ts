import { generateCallerKey, signCaller, CALLER_HEADER, createCallerVerifier } from '../../../platform/caller-header';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { postGraphQL, signedCallerHeader, startTestStack, TEST_CALLER, type TestStack } from '../../support/stack';

describe('subgraphs answer only the gateway', () => {
  let stack: TestStack;
  let erp: string;
  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    erp = stack.subgraphUrls.erp!;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const raw = (query: string, headers: Record<string, string>, variables?: Record<string, unknown>) =>
    fetch(erp, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('refuses _service, _entities and ordinary fields without a signed caller header (401)', async () => {
    for (const query of ['{ _service { sdl } }', '{ material(id: "M000001") { id } }']) {
      const { status, body } = await raw(query, {});
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
    const entities = await raw('query($r: [_Any!]!) { _entities(representations: $r) { ... on Material { standardCost } } }', {}, { r: [{ __typename: 'Material', id: 'M000001' }] });
    expect(entities.status).toBe(401);
  });

  it('answers a request signed with the shared key', async () => {
    const { status, body } = await raw('{ _service { sdl } }', { [CALLER_HEADER]: signedCallerHeader() });
    expect(status).toBe(200);
    expect(body.data._service.sdl).toContain('type Material');
  });

  it('refuses a forged header (signed with another key, or altered)', async () => {
    const forged = signCaller({ ...TEST_CALLER, supplierId: 'V00002' }, generateCallerKey());
    expect((await raw('{ material(id: "M000001") { id } }', { [CALLER_HEADER]: forged })).status).toBe(401);
    const genuine = signedCallerHeader();
    const [version, payload, mac] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    claims.roles = ['admin', 'finance'];
    const altered = `${version}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${mac}`;
    const { status, body } = await raw('{ material(id: "M000001") { id } }', { [CALLER_HEADER]: altered });
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/invalid signature/);
  });

  it('refuses a replayed header', async () => {
    const header = signedCallerHeader();
    expect((await raw('{ material(id: "M000001") { id } }', { [CALLER_HEADER]: header })).status).toBe(200);
    const replay = await raw('{ material(id: "M000002") { id standardCost } }', { [CALLER_HEADER]: header });
    expect(replay.status).toBe(401);
    expect(replay.body.errors[0].message).toMatch(/replay/);
  });

  it('refuses an expired header', async () => {
    const old = signCaller(TEST_CALLER, process.env.CALLER_SIGNING_KEY!, { now: Date.now() - 120_000 });
    const { status, body } = await raw('{ material(id: "M000001") { id } }', { [CALLER_HEADER]: old });
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/expired/);
  });

  it('passes the verified caller through, claims intact', () => {
    const key = generateCallerKey();
    const verify = createCallerVerifier({ key });
    const result = verify(signCaller({ subject: 'partner:pk_1', kind: 'partner', roles: ['partner'], scopes: ['partner:supplier'], supplierId: 'V00001' }, key));
    expect(result).toEqual({ ok: true, caller: { subject: 'partner:pk_1', kind: 'partner', roles: ['partner'], scopes: ['partner:supplier'], supplierId: 'V00001' } });
    expect(verify(signCaller(TEST_CALLER, key, { audience: 'plantgraph-gateway' }))).toMatchObject({ ok: false, reason: expect.stringMatching(/audience/) });
  });

  it('still serves the gateway, which signs every subgraph request', async () => {
    const { status, body } = await postGraphQL(stack.gatewayUrl, '{ materialSites(siteId: "S01", materialIds: ["M000009"]) { bookQuantity abcClass material { description } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.materialSites).toHaveLength(1);
  });
});
