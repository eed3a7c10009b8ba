import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import type { Caller } from '../../../platform/caller';
import { CALLER_HEADER, generateCallerKey, signCaller } from '../../../platform/caller-header';
import { createSubgraphServer, type SubgraphServer } from '../../../subgraphs/kit/server';

interface Context {
  caller: Caller;
}

const readSubject = { type: GraphQLString, resolve: (_: unknown, __: unknown, ctx: Context) => ctx.caller.subject };
const schema = new GraphQLSchema({
  query: new GraphQLObjectType<unknown, Context>({
    name: 'Query',
    fields: {
      rights: {
        type: GraphQLString,
        resolve: (_, __, ctx) => `${ctx.caller.kind}:${ctx.caller.roles.join('+')}:${ctx.caller.supplierId ?? '-'}`,
      },
      who: readSubject,
    },
  }),
  mutation: new GraphQLObjectType<unknown, Context>({ name: 'Mutation', fields: { touch: readSubject } }),
});

const key = generateCallerKey();
const alice: Caller = { subject: 'alice', kind: 'user', roles: ['planner'], scopes: [] };

describe('the caller a subgraph resolver sees', () => {
  let server: SubgraphServer;
  let url: string;
  const lines: { msg: string; err?: { message: string } }[] = [];
  beforeAll(async () => {
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    server = await createSubgraphServer<Context>({
      system: 'guarded',
      schema,
      callerKey: key,
      context: async (caller) => ({ caller }),
      ready: async () => true,
      logger: pino({ level: 'error' }, sink),
    });
    await new Promise<void>((resolve) => server.httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => server.stop());

  const ask = async (query: string, caller: Caller = alice) => {
    const body = JSON.stringify({ query });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key, { audience: 'guarded', body }) },
      body,
    });
    return (await response.json()) as {
      data?: Record<string, unknown>;
      errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
    };
  };

  it("gives a query the caller's rights", async () => {
    expect(await ask('{ rights }')).toEqual({ data: { rights: 'user:planner:-' } });
    expect(await ask('{ rights }', { subject: 'partner:k1', kind: 'partner', roles: [], scopes: [], supplierId: 'V00001' })).toEqual({
      data: { rights: 'partner::V00001' },
    });
  });

  it('fails a query that reads who the caller is, since callers with the same rights share its answer', async () => {
    const answer = await ask('{ rights who }');
    expect(answer.data).toEqual({ rights: 'user:planner:-', who: null });
    expect(answer.errors).toHaveLength(1);
    // A programming error: the client reads a generic internal error, the log says what happened.
    expect(answer.errors![0]).toMatchObject({ path: ['who'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(lines.find((l) => l.msg === 'internal error')?.err?.message).toMatch(/caller\.subject read while a query runs/);
  });

  it('lets a mutation read who the caller is, for its audit trail', async () => {
    expect(await ask('mutation { touch }')).toEqual({ data: { touch: 'alice' } });
  });
});
