import { Writable } from 'node:stream';
import { makeExecutableSchema } from '@graphql-tools/schema';
import pino from 'pino';
import { INTERNAL_MESSAGE } from '../../../subgraphs/kit/error-masking';
import { badInput } from '../../../subgraphs/kit/errors';
import { createSubgraphServer, type SubgraphServer } from '../../../subgraphs/kit/server';
import { listenOnFreePort, postGraphQL } from '../../support/stack';

/** What node-postgres throws when a statement fails: the database's own text, with its SQLSTATE. */
class DatabaseError extends Error {
  code = '22021';
  severity = 'ERROR';
}

describe('a subgraph masks internal errors and logs them with the request id', () => {
  let server: SubgraphServer;
  let url: string;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    const schema = makeExecutableSchema({
      typeDefs: 'type Query { failing: String, refused: String, fine: String }',
      resolvers: {
        Query: {
          failing: () => Promise.reject(new DatabaseError('invalid byte sequence for encoding "UTF8": 0x00 in relation quality_holds')),
          refused: () => {
            throw badInput('reason', 'expected a non-empty text, got ""');
          },
          fine: () => 'fine',
        },
      },
    });
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    server = await createSubgraphServer({
      system: 'test',
      schema,
      context: async (caller) => ({ caller }),
      ready: async () => true,
      logger: pino({ level: 'info' }, sink),
    });
    url = await listenOnFreePort(server.httpServer);
  });
  afterAll(() => server.stop());

  it('sends a generic INTERNAL_SERVER_ERROR instead of the database text, keeps the other fields', async () => {
    const { status, body } = await postGraphQL(url, '{ failing fine }', undefined, { 'x-request-id': 'mask-1' });
    expect(status).toBe(200);
    expect(body.data).toEqual({ failing: null, fine: 'fine' });
    expect(body.errors).toEqual([
      { message: INTERNAL_MESSAGE, path: ['failing'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/UTF8|quality_holds|22021/);
  });

  it('logs the failure with the request id, the path and the database text', () => {
    const line = lines.find((l) => l.msg === 'internal error');
    expect(line).toMatchObject({
      level: 50,
      requestId: 'mask-1',
      path: ['failing'],
      err: expect.objectContaining({ message: expect.stringContaining('0x00'), code: '22021' }),
    });
  });

  it('passes errors raised on purpose through with their message and code, unlogged', async () => {
    lines.length = 0;
    const { body } = await postGraphQL(url, '{ refused }');
    expect(body.errors?.[0]).toMatchObject({
      message: 'reason: expected a non-empty text, got ""',
      extensions: { code: 'BAD_USER_INPUT', field: 'reason' },
    });
    expect(lines.filter((l) => l.msg === 'internal error')).toEqual([]);
  });
});
