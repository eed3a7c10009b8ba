import { createServer, type Server } from 'node:http';
import { Writable } from 'node:stream';
import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { createGraphQLHttpHandler, nestsDeeperThan } from '../../platform/http';
import { listenOnFreePort } from '../support/stack';

/** `{"a":{"a":…{"a":1}…}}`, written out so that building it needs no recursion. */
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('request bodies nested too deep, and requests that fail outside GraphQL', () => {
  let apollo: ApolloServer;
  let server: Server;
  let url: string;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    apollo = new ApolloServer({
      typeDefs: 'scalar JSON\ntype Query { echo(value: JSON): Int! }',
      resolvers: { Query: { echo: () => 1 } },
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    server = createServer(
      createGraphQLHttpHandler({
        apollo,
        context: async () => ({}),
        logger: pino({ level: 'info' }, sink),
        routes: { 'GET /boom': () => Promise.reject(new Error('the route failed')) },
      }),
    );
    url = await listenOnFreePort(server);
  });
  afterAll(async () => {
    server.close();
    await apollo.stop();
  });

  it('measures nesting without recursion', () => {
    expect(nestsDeeperThan(JSON.parse(nested(3)), 3)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(nested(4)), 3)).toBe(true);
    expect(nestsDeeperThan([[[]]], 3)).toBe(false);
    expect(nestsDeeperThan('text', 0)).toBe(false);
    expect(nestsDeeperThan(JSON.parse(nested(100_000)), 32)).toBe(true);
  });

  it('answers variables nested 10,000 levels deep with a 400 that says why, and logs it with the request id', async () => {
    const body = `{"query":"query ($v: JSON) { echo(value: $v) }","variables":{"v":${nested(10_000)}}}`;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'deep-1' }, body });
    expect(response.status).toBe(400);
    const json = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(json.errors[0]).toEqual({
      message: expect.stringMatching(/nests objects and arrays more than 32 levels deep/),
      extensions: { code: 'BAD_REQUEST' },
    });
    expect(lines).toContainEqual(expect.objectContaining({ requestId: 'deep-1', msg: 'request body refused: nested too deep' }));
  });

  it('answers deep variables of a GET (as deep as a URL allows) the same way', async () => {
    const query = encodeURIComponent('query ($v: JSON) { echo(value: $v) }');
    const response = await fetch(`${url}?query=${query}&variables=${encodeURIComponent(`{"v":${nested(500)}}`)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/more than 31 levels deep/);
  });

  it('logs a request that fails outside GraphQL with its request id, and answers 500 without the cause', async () => {
    const response = await fetch(url.replace('/graphql', '/boom'), { headers: { 'x-request-id': 'boom-1' } });
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain('the route failed');
    expect(lines).toContainEqual(
      expect.objectContaining({
        requestId: 'boom-1',
        msg: 'request failed',
        err: expect.objectContaining({ message: 'the route failed' }),
      }),
    );
  });

  it('still serves variables nested a few levels deep', async () => {
    const body = `{"query":"query ($v: JSON) { echo(value: $v) }","variables":{"v":${nested(20)}}}`;
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { echo: 1 } });
  });
});
