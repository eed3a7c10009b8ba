import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, GraphQLError } from 'graphql';

/**
 * A small GraphQL service standing in for the gateway in the outbox's own tests: it applies
 * `record(key)` once per key, as a system of record does with an idempotency key.
 */
export interface RecordingTarget {
  readonly url: string;
  /** How many requests arrived per key (re-sends included). */
  readonly received: Map<string, number>;
  /** Requests that carried a header, by header name. */
  readonly headers: Record<string, string | undefined>[];
  /** Delay before answering, to hold deliveries in flight. */
  delayMs: number;
  /** Answer with this error code instead of data. */
  failWith: string | undefined;
  close(): Promise<void>;
}

const schema = buildSchema(`type Query { ok: Boolean } type Mutation { record(key: String!): Int! }`);

/** Starts the target on a free port of 127.0.0.1. */
export async function startRecordingTarget(): Promise<RecordingTarget> {
  const received = new Map<string, number>();
  const headers: Record<string, string | undefined>[] = [];
  const target = { delayMs: 0, failWith: undefined as string | undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', async () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
      headers.push({ authorization: req.headers.authorization, 'idempotency-key': req.headers['idempotency-key'] as string | undefined });
      if (target.delayMs) await new Promise((r) => setTimeout(r, target.delayMs));
      const result = await graphql({
        schema,
        source: query,
        variableValues: variables,
        rootValue: {
          record: ({ key }: { key: string }) => {
            if (target.failWith) throw new GraphQLError(`refused ${key}`, { extensions: { code: target.failWith } });
            received.set(key, (received.get(key) ?? 0) + 1);
            return received.get(key);
          },
        },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return Object.assign(target, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    received,
    headers,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
