import { performance } from 'node:perf_hooks';
import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import { generateCallerKey, signCaller, CALLER_HEADER, createCallerVerifier } from '../../../platform/caller-header';
import { dbQueryCount } from '../../../platform/metrics';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { postGraphQL, signedCallerHeader, startTestStack, TEST_CALLER, type TestStack } from '../../support/stack';

const MATERIAL = JSON.stringify({ query: '{ material(id: "M000001") { id } }' });
const STEAL_COST = JSON.stringify({ query: '{ material(id: "M000002") { id standardCost } }' });
// Counts at inventory, each with its material site at ERP: one fetch on each hop.
const ORDINARY = '{ countTasks(siteId: "S01", status: [SCHEDULED]) { nodes { id materialSite { bookQuantity } } } }';
// How much slower than just before the ordinary query may be while the door refuses a burst of
// hostile requests: four times, or one second more on a machine so busy that four times is little.
const SLOWDOWN = 4;
const SLACK_MS = 1_000;

describe('subgraphs answer only the gateway, one header per system and request', () => {
  let stack: TestStack;
  let erp: string;
  let inventory: string;
  /** Every request the gateway sent to a subgraph, with the header it sealed for it. */
  const hops: { url: string; init: FetcherRequestInit }[] = [];
  beforeAll(async () => {
    // The gateway's own requests pass through here after sealing: what a wiretap on the hop sees.
    const wiretap: Fetcher = (url, init) => {
      hops.push({ url, init: init! });
      return (globalThis.fetch as unknown as Fetcher)(url, init);
    };
    stack = await startTestStack([erpSystem, inventorySystem], { fetcher: wiretap });
    erp = stack.subgraphUrls.erp!;
    inventory = stack.subgraphUrls.inventory!;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const raw = (url: string, body: string, headers: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as any,
    }));
  const toErp = (body: string, headers: Record<string, string>) => raw(erp, body, headers);

  /** A header and body the gateway just sent to the subgraph at `url`. */
  async function capture(url: string): Promise<{ header: string; body: string }> {
    hops.length = 0;
    const answer = await stack.query(ORDINARY);
    expect(answer.body.errors).toBeUndefined();
    const hop = hops.find((h) => h.url === url)!;
    return { header: hop.init.headers![CALLER_HEADER]!, body: hop.init.body as string };
  }

  /** The ordinary query once: its answer, its time and the SQL statements it cost the two systems. */
  async function ordinaryQuery() {
    const statements = async () => (await dbQueryCount('erp')) + (await dbQueryCount('inventory'));
    const before = await statements();
    const started = performance.now();
    const answer = await stack.query(ORDINARY);
    return { answer, ms: performance.now() - started, statements: (await statements()) - before };
  }

  /**
   * Sends `count` hostile requests while an ordinary query runs through the gateway, after timing
   * the ordinary query alone (the median of three) on the machine as busy as it is now.
   */
  async function underAttack(attack: () => Promise<{ status: number; body: any }>, count = 40) {
    const alone = [await ordinaryQuery(), await ordinaryQuery(), await ordinaryQuery()].sort((a, b) => a.ms - b.ms)[1]!;
    const [ordinary, hostile] = await Promise.all([ordinaryQuery(), Promise.all(Array.from({ length: count }, attack))]);
    return { alone, ordinary, hostile };
  }

  /** The ordinary query answered in full, not much slower than alone, and the refusals cost no SQL. */
  function expectOrdinaryFast({
    alone,
    ordinary,
  }: {
    alone: Awaited<ReturnType<typeof ordinaryQuery>>;
    ordinary: Awaited<ReturnType<typeof ordinaryQuery>>;
  }) {
    expect(ordinary.answer.status).toBe(200);
    expect(ordinary.answer.body.errors).toBeUndefined();
    expect(ordinary.answer.body.data.countTasks.nodes.length).toBeGreaterThan(0);
    expect(ordinary.ms).toBeLessThan(Math.max(SLOWDOWN * alone.ms, alone.ms + SLACK_MS));
    expect(ordinary.statements).toBe(alone.statements);
  }

  it('refuses _service, _entities and ordinary fields without a signed caller header (401)', async () => {
    for (const query of ['{ _service { sdl } }', '{ material(id: "M000001") { id } }']) {
      const { status, body } = await toErp(JSON.stringify({ query }), {});
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
    const entities = JSON.stringify({
      query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Material { standardCost } } }',
      variables: { r: [{ __typename: 'Material', id: 'M000001' }] },
    });
    expect((await toErp(entities, {})).status).toBe(401);
  });

  it('answers a request signed for it and for its body', async () => {
    const body = JSON.stringify({ query: '{ _service { sdl } }' });
    const { status, body: answer } = await toErp(body, { [CALLER_HEADER]: signedCallerHeader({ audience: 'erp', body }) });
    expect(status).toBe(200);
    expect(answer.data._service.sdl).toContain('type Material');
  });

  it('refuses a forged header (signed with another key, or altered)', async () => {
    const forged = signCaller({ ...TEST_CALLER, supplierId: 'V00002' }, generateCallerKey(), { audience: 'erp', body: MATERIAL });
    expect((await toErp(MATERIAL, { [CALLER_HEADER]: forged })).status).toBe(401);
    const [version, claims, ticket, mac] = signedCallerHeader({ audience: 'erp', body: MATERIAL }).split('.');
    const widened = JSON.parse(Buffer.from(claims!, 'base64url').toString());
    widened.roles = ['admin', 'finance'];
    const altered = `${version}.${Buffer.from(JSON.stringify(widened)).toString('base64url')}.${ticket}.${mac}`;
    const { status, body } = await toErp(MATERIAL, { [CALLER_HEADER]: altered });
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/invalid signature/);
  });

  it('refuses a header sent with another body than the one it was signed for', async () => {
    const header = signedCallerHeader({ audience: 'erp', body: MATERIAL });
    const { status, body } = await toErp(STEAL_COST, { [CALLER_HEADER]: header });
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/signed for another request body/);
    expect(body.data).toBeUndefined();
  });

  it("refuses a header captured on the gateway's hop to inventory and replayed to ERP, while ordinary queries stay fast", async () => {
    const captured = await capture(inventory);
    const { alone, ordinary, hostile } = await underAttack(() => toErp(STEAL_COST, { [CALLER_HEADER]: captured.header }));
    for (const { status, body } of hostile) {
      expect(status).toBe(401);
      expect(body.errors[0].message).toMatch(/another audience: expected "erp", got "inventory"/);
      expect(body.data).toBeUndefined();
    }
    // Its own body does not help either: the header names inventory.
    expect((await toErp(captured.body, { [CALLER_HEADER]: captured.header })).status).toBe(401);
    expectOrdinaryFast({ alone, ordinary });
  });

  it('refuses a header captured on the hop to ERP and sent to inventory', async () => {
    const captured = await capture(erp);
    const { status, body } = await raw(inventory, captured.body, { [CALLER_HEADER]: captured.header });
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/another audience: expected "inventory", got "erp"/);
  });

  it('refuses a captured header replayed to its own system with its own body, while ordinary queries stay fast', async () => {
    const captured = await capture(erp);
    const { alone, ordinary, hostile } = await underAttack(() => toErp(captured.body, { [CALLER_HEADER]: captured.header }));
    for (const { status, body } of hostile) {
      expect(status).toBe(401);
      expect(body.errors[0].message).toMatch(/already used \(replay\)/);
    }
    expectOrdinaryFast({ alone, ordinary });
  });

  it('refuses an expired header', async () => {
    const old = signCaller(TEST_CALLER, process.env.CALLER_SIGNING_KEY!, { audience: 'erp', body: MATERIAL, now: Date.now() - 120_000 });
    const { status, body } = await toErp(MATERIAL, { [CALLER_HEADER]: old });
    expect(status).toBe(401);
    expect(body.errors[0].message).toMatch(/expired/);
  });

  it('passes the verified caller through, claims intact', () => {
    const key = generateCallerKey();
    const verify = createCallerVerifier({ key, audience: 'erp' });
    const result = verify(
      signCaller(
        { subject: 'partner:pk_1', kind: 'partner', roles: ['partner'], scopes: ['partner:supplier'], supplierId: 'V00001' },
        key,
        { audience: 'erp' },
      ),
    );
    expect(result).toEqual({
      ok: true,
      caller: { subject: 'partner:pk_1', kind: 'partner', roles: ['partner'], scopes: ['partner:supplier'], supplierId: 'V00001' },
    });
    expect(verify(signCaller(TEST_CALLER, key, { audience: 'plantgraph-gateway' }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/audience/),
    });
  });

  it('still serves the gateway, which seals every subgraph request', async () => {
    const { status, body } = await postGraphQL(
      stack.gatewayUrl,
      '{ materialSites(siteId: "S01", materialIds: ["M000009"]) { nodes { bookQuantity abcClass material { description } } } }',
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.materialSites.nodes).toHaveLength(1);
  });
});
