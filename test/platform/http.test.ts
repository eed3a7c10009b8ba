import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { createGraphQLHttpHandler } from '../../platform/http';
import { listenOnFreePort } from '../support/stack';

describe('GraphQL over HTTP on node:http', () => {
  let apollo: ApolloServer;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    apollo = new ApolloServer({
      typeDefs: 'type Query { hello(name: String!): String! }',
      resolvers: { Query: { hello: (_: unknown, a: { name: string }) => `hello ${a.name}` } },
      stopOnTerminationSignals: false,
    });
    await apollo.start();
    server = createServer(createGraphQLHttpHandler({ apollo, context: async () => ({}), maxBodyBytes: 1024 }));
    url = await listenOnFreePort(server);
  });
  afterAll(async () => {
    server.close();
    await apollo.stop();
  });

  const post = (body: string, contentType = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('executes a well-formed request', async () => {
    const response = await post(JSON.stringify({ query: '{ hello(name: "plant") }' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { hello: 'hello plant' } });
  });

  it.each([
    ['malformed JSON', '{"query": ', 400, /not valid JSON/],
    [
      'a body over the limit',
      JSON.stringify({ query: `{ hello(name: "${'x'.repeat(2000)}") }` }),
      413,
      /larger than the limit of 1024 bytes/,
    ],
    ['a missing query', JSON.stringify({ variables: {} }), 400, /query/],
    ['a syntax error', JSON.stringify({ query: '{ hello(' }), 400, /Syntax Error/],
    ['a missing variable', JSON.stringify({ query: 'query ($n: String!) { hello(name: $n) }' }), 400, /\$n/],
  ])('answers %s with a 4xx and a clear error', async (_name, body, status, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { errors: { message: string }[] };
    expect(json.errors[0]!.message).toMatch(message);
  });

  it('answers an unknown path with 404', async () => {
    const response = await fetch(url.replace('/graphql', '/nowhere'));
    expect(response.status).toBe(404);
  });
});
