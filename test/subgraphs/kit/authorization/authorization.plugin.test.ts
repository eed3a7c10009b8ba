import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Caller } from '../../../../platform/caller';
import { CALLER_HEADER, generateCallerKey, signCaller } from '../../../../platform/caller-header';
import { authorizedDirective } from '../../../../subgraphs/kit/authorization';
import { subgraphLinks } from '../../../../subgraphs/kit/schema';
import { createSubgraphServer, type SubgraphServer } from '../../../../subgraphs/kit/server';

interface Context {
  caller: Caller;
}

// A small subgraph with the kinds of rule the plant's subgraphs declare.
const sdl = `
type Part @key(fields: "id") {
  id: ID!
  name: String
  cost: Float ${authorizedDirective({ roles: ['finance'], scopes: ['finance:read'] })}
}
type Query { part(id: ID!): Part }
type Mutation {
  release(id: ID!): Part ${authorizedDirective({ roles: ['planner'] })}
  post(id: ID!): Part ${authorizedDirective({ roles: ['inventory-relay'] })}
}
`;
const runs: string[] = [];
const part = (id: string) => ({ id, name: `part ${id}`, cost: 12.5 });
const schema = buildSubgraphSchema({
  typeDefs: parse(subgraphLinks(['@key'], sdl) + sdl),
  resolvers: {
    Query: { part: (_: unknown, { id }: { id: string }) => part(id) },
    Mutation: {
      release: (_: unknown, { id }: { id: string }) => (runs.push(`release ${id}`), part(id)),
      post: (_: unknown, { id }: { id: string }) => (runs.push(`post ${id}`), part(id)),
    },
    Part: { __resolveReference: (ref: { id: string }) => part(ref.id) },
  } as any,
});

const key = generateCallerKey();
const user = (roles: string[], scopes: string[] = []): Caller => ({
  subject: `user-${roles.join('-') || 'none'}`,
  kind: 'user',
  roles,
  scopes,
});
const relay: Caller = { subject: 'service:inventory-relay', kind: 'service', roles: ['inventory-relay'], scopes: [] };

describe("a subgraph re-checks the @authorized rules of its own schema from the signed caller's rights", () => {
  let server: SubgraphServer;
  let url: string;
  beforeAll(async () => {
    server = await createSubgraphServer<Context>({
      system: 'parts',
      schema,
      callerKey: key,
      context: async (caller) => ({ caller }),
      ready: async () => true,
    });
    await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => server.stop());
  beforeEach(() => void (runs.length = 0));

  const ask = async (query: string, caller: Caller, variables?: Record<string, unknown>) => {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key, { audience: 'parts', body }) },
      body,
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] },
    };
  };

  it('refuses a mutation to a caller whose valid header lacks the rule, with 403 FORBIDDEN, before the resolver runs', async () => {
    const { status, body } = await ask('mutation { release(id: "P1") { id } }', user(['viewer']));
    expect(status).toBe(403);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: 'not allowed to run Mutation.release: it needs role planner; the caller has roles viewer',
        extensions: expect.objectContaining({ code: 'FORBIDDEN', field: 'Mutation.release' }),
      }),
    ]);
    expect(runs).toEqual([]);
  });

  it('runs the mutation for a role the rule names, and for admin', async () => {
    expect((await ask('mutation { release(id: "P1") { id } }', user(['planner']))).body).toEqual({ data: { release: { id: 'P1' } } });
    expect((await ask('mutation { release(id: "P2") { id } }', user(['admin']))).body).toEqual({ data: { release: { id: 'P2' } } });
    expect(runs).toEqual(['release P1', 'release P2']);
  });

  it("honours a relay's role only from a service: a user's header that claims it is refused", async () => {
    expect((await ask('mutation { post(id: "P1") { id } }', user(['inventory-relay']))).status).toBe(403);
    expect((await ask('mutation { post(id: "P1") { id } }', relay)).body).toEqual({ data: { post: { id: 'P1' } } });
    expect(runs).toEqual(['post P1']);
  });

  it('refuses a protected field selected through a fragment, also in a mutation the caller may run', async () => {
    const answer = await ask('mutation { release(id: "P1") { ...F } } fragment F on Part { id cost }', user(['planner']));
    expect(answer.status).toBe(403);
    expect(answer.body.errors![0]!.message).toBe(
      'not allowed to read Part.cost: it needs role finance, or scope finance:read; the caller has roles planner',
    );
    expect(runs).toEqual([]);
    expect((await ask('{ part(id: "P1") { cost } }', user(['viewer'], ['finance:read']))).body).toEqual({ data: { part: { cost: 12.5 } } });
  });

  it('checks entity fetches (_entities) too, by the type each inline fragment names', async () => {
    const query = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Part { name cost } } }';
    const denied = await ask(query, user(['planner']), { r: [{ __typename: 'Part', id: 'P1' }] });
    expect(denied.status).toBe(403);
    expect(denied.body.errors![0]!.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Part.cost' });
    const allowed = await ask(query, user(['finance']), { r: [{ __typename: 'Part', id: 'P1' }] });
    expect(allowed.body).toEqual({ data: { _entities: [{ name: 'part P1', cost: 12.5 }] } });
  });

  it('lets anything without a rule through', async () => {
    expect((await ask('{ part(id: "P1") { id name } }', user([]))).body).toEqual({ data: { part: { id: 'P1', name: 'part P1' } } });
  });
});
