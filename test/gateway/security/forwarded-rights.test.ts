import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import { composeGraph } from '../../../cli/compose';
import { ADMIN_ONLY, callerForwarder, forwardedCaller, namedRightsOf } from '../../../gateway/security/forwarded-rights';
import type { Caller } from '../../../platform/caller';
import { CALLER_HEADER } from '../../../platform/caller-header';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';
import { startReloadingGateway, type ReloadingGateway } from '../../support/reloading-gateway';
import { postGraphQL, startTestStack, testToken, type TestStack } from '../../support/stack';

describe('the rights named by rules', () => {
  const named = namedRightsOf([
    { roles: ['finance'], scopes: ['finance:read'] },
    { roles: ['planner', 'inventory-relay'], scopes: [] },
  ]);

  it('are the roles and scopes the rules name, and admin', () => {
    expect([...named.roles].sort()).toEqual(['admin', 'finance', 'inventory-relay', 'planner']);
    expect([...named.scopes]).toEqual(['finance:read']);
    expect([...ADMIN_ONLY.roles]).toEqual(['admin']);
    expect([...ADMIN_ONLY.scopes]).toEqual([]);
  });

  it('cut a caller to them, sorted and without repeats, keeping who it is and whom it is bound to', () => {
    const caller: Caller = {
      subject: 'u-1',
      kind: 'partner',
      roles: ['planner', 'offline_access', 'finance', 'default-roles-plant', 'planner'],
      scopes: ['profile', 'finance:read', 'partner:supplier'],
      supplierId: 'V00001',
    };
    expect(forwardedCaller(caller, named)).toEqual({
      subject: 'u-1',
      kind: 'partner',
      roles: ['finance', 'planner'],
      scopes: ['finance:read'],
      supplierId: 'V00001',
    });
    // A relay's role is kept when a rule names it: whether it counts is the rule check's (kind service only).
    expect(
      forwardedCaller({ subject: 'service:inventory', kind: 'service', roles: ['inventory-relay', 'service'], scopes: [] }, named).roles,
    ).toEqual(['inventory-relay']);
  });

  it('cut each caller object once for a set of named rights', () => {
    const forward = callerForwarder(named);
    const caller: Caller = { subject: 'u-2', kind: 'user', roles: ['admin', 'x'], scopes: ['y'] };
    expect(forward(caller)).toBe(forward(caller));
    expect(forward(caller)).toEqual({ subject: 'u-2', kind: 'user', roles: ['admin'], scopes: [] });
  });
});

/** The claims of a sealed caller header, unchecked (the subgraph checks them). */
function claimsOf(header: string): { sub: string; kind: string; roles: string[]; scopes: string[]; aud: string } {
  return JSON.parse(Buffer.from(header.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('what the gateway tells subgraphs of a caller, following its supergraph', () => {
  let stack: TestStack;
  let served: ReloadingGateway | undefined;
  let full: string;
  /** Every request the gateway sent to a subgraph, with the header it sealed. */
  const hops: { url: string; init: FetcherRequestInit }[] = [];

  beforeAll(async () => {
    stack = await startTestStack([erpSystem, inventorySystem]);
    full = (await composeGraph([erpSystem, inventorySystem])).files['supergraph.graphql']!;
    // The supergraph from before inventory guarded its counts: the gateway knows no rule naming `counter`.
    const older = full.replace(/ @authorized\(roles: \["counter"\]\)/g, '');
    expect(older.length).toBeLessThan(full.length);
    expect(older).not.toContain('"counter"');
    const wiretap: Fetcher = (target, init) => {
      hops.push({ url: target, init: init! });
      return (globalThis.fetch as unknown as Fetcher)(target, init);
    };
    served = await startReloadingGateway(stack, older, { fetcher: wiretap });
  });
  afterAll(async () => {
    await served?.stop();
    await stack?.stop();
  });

  const as = async (subject: string, roles: string[], scopes: string[] = []) => ({
    authorization: `Bearer ${await testToken({ subject, roles, scopes })}`,
  });
  /** Asks as a caller; returns the answer and the claims of each header sent, by system. */
  async function ask(headers: Record<string, string>, query: string, variables?: Record<string, unknown>) {
    hops.length = 0;
    const answer = await postGraphQL(served!.url, query, variables, headers);
    const sent = (system: 'erp' | 'inventory') =>
      hops.filter((h) => h.url === stack.subgraphUrls[system]).map((h) => claimsOf(h.init.headers![CALLER_HEADER]!));
    return { answer, erp: sent('erp'), inventory: sent('inventory') };
  }

  const COST = '{ material(id: "M000001") { id standardCost } }';
  const SUBMIT = 'mutation { submitCount(taskId: "CT-NONE", countedQuantity: 1, countedBy: "ana.ruiz") { id } }';

  it('signs only the roles and scopes a rule names, and admin; kind and subject unchanged', async () => {
    const finance = await as(
      'rights-finance',
      ['finance', 'planner', 'offline_access', 'default-roles-plant', 'counter', 'viewer'],
      ['profile', 'finance:read', 'user:42'],
    );
    const { answer, erp } = await ask(finance, COST);
    expect(answer.body.errors).toBeUndefined();
    expect(erp).toHaveLength(1);
    expect(erp[0]).toMatchObject({
      sub: 'rights-finance',
      kind: 'user',
      roles: ['finance', 'planner'],
      scopes: ['finance:read'],
      aud: 'erp',
    });

    const admin = await as('rights-admin', ['offline_access', 'admin'], ['profile']);
    const asAdmin = await ask(admin, COST);
    expect(asAdmin.erp[0]).toMatchObject({ sub: 'rights-admin', roles: ['admin'], scopes: [] });
  });

  it('still lets a named role, a named scope and admin through the subgraph rule', async () => {
    for (const [subject, roles, scopes] of [
      ['rights-role', ['finance', 'offline_access'], ['profile']],
      ['rights-scope', ['offline_access'], ['finance:read', 'profile']],
      ['rights-admin', ['admin', 'offline_access'], []],
    ] as const) {
      const { answer, erp } = await ask(await as(subject, [...roles], [...scopes]), COST);
      expect({ subject, errors: answer.body.errors }).toEqual({ subject, errors: undefined });
      expect(typeof answer.body.data.material.standardCost).toBe('number');
      expect(erp).toHaveLength(1);
    }
  });

  it('refuses a caller whose roles no rule names, as before: FORBIDDEN naming what the field needs', async () => {
    const { answer, erp } = await ask(await as('rights-none', ['offline_access', 'viewer'], ['profile']), COST);
    expect(answer.body.data.material).toEqual({ id: 'M000001', standardCost: null });
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ path: ['material', 'standardCost'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }),
    ]);
    expect(answer.body.errors![0]!.message).toContain('Material.standardCost');
    expect(erp[0]).toMatchObject({ roles: [], scopes: [] });
  });

  it('fails closed: a role only the subgraph names is not forwarded, and the subgraph refuses with FORBIDDEN', async () => {
    const counter = await as('rights-counter', ['counter', 'offline_access']);
    const { answer, inventory } = await ask(counter, SUBMIT);
    expect(inventory).toHaveLength(1);
    expect(inventory[0]).toMatchObject({ sub: 'rights-counter', roles: [], scopes: [] });
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect(answer.body.errors![0]!.message).toBe('not allowed to run Mutation.submitCount: it needs role counter; the caller has no role');
  });

  it('forwards a role once a new supergraph names it', async () => {
    expect((await served!.publish(full)).ok).toBe(true);
    const counter = await as('rights-counter', ['counter', 'offline_access']);
    const { answer, inventory } = await ask(counter, SUBMIT);
    expect(inventory).toHaveLength(1);
    expect(inventory[0]).toMatchObject({ sub: 'rights-counter', roles: ['counter'], scopes: [] });
    // Past the rule: the task does not exist.
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
  });
});
