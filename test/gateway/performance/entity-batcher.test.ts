import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { entityBatchFetcher } from '../../../gateway/performance/entity-batcher';
import { createPooledFetcher, type PooledFetcher } from '../../../gateway/performance/pooled-fetcher';
import type { Caller } from '../../../platform/caller';
import { CALLER_HEADER, generateCallerKey, signCaller } from '../../../platform/caller-header';

const key = generateCallerKey();
const alice: Caller = { subject: 'alice', kind: 'user', roles: ['planner'], scopes: [] };
const bob: Caller = { subject: 'bob', kind: 'user', roles: ['planner'], scopes: [] };
const finance: Caller = { subject: 'carol', kind: 'user', roles: ['finance'], scopes: [] };

interface Received {
  body: { query: string; variables: { representations: { id: string }[]; [name: string]: unknown } };
  headers: Record<string, string | string[] | undefined>;
}

/**
 * An entity-answering subgraph stand-in: `_entities` gives `{ id, name }` per representation, an
 * id starting with `bad` gets null and an error on its path, `fail` in a variable fails the whole
 * request with a 500. It records what it received.
 */
function subgraph(): { server: Server; received: Received[]; url: () => string } {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const body = JSON.parse(text) as Received['body'];
      received.push({ body, headers: req.headers });
      if (body.variables.fail) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'boom' }] }));
        return;
      }
      const reps = body.variables.representations;
      const errors = reps.flatMap((r, i) => (r.id.startsWith('bad') ? [{ message: `no ${r.id}`, path: ['_entities', i, 'name'] }] : []));
      if (body.variables.warn) errors.push({ message: 'a warning for all', path: undefined as unknown as ['_entities', number, string] });
      const entities = reps.map((r) => (r.id.startsWith('bad') ? null : { id: r.id, name: `name of ${r.id}` }));
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { _entities: entities }, ...(errors.length ? { errors } : {}) }));
      }, 20).unref();
    });
  });
  return { server, received, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

const ENTITY_QUERY = 'query Q__crm__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{id name}}}';
const body = (ids: string[], extra: Record<string, unknown> = {}, query = ENTITY_QUERY) =>
  JSON.stringify({ query, variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })), ...extra } });

describe('batching concurrent entity fetches', () => {
  let target: ReturnType<typeof subgraph>;
  let pool: PooledFetcher;
  beforeEach(async () => {
    target = subgraph();
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    pool = createPooledFetcher();
  });
  afterEach(async () => {
    await pool.close();
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
  });

  const send = (fetcher: ReturnType<typeof entityBatchFetcher>['fetcher'], caller: Caller, requestBody: string, init: { signal?: AbortSignal; requestId?: string } = {}) =>
    fetcher(target.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key), 'x-request-id': init.requestId ?? 'r' },
      body: requestBody,
      signal: init.signal,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('sends the entity fetches of one turn as one request and gives each its own entities, in order', async () => {
    const batch = entityBatchFetcher(pool.fetcher);
    const [a, b, c] = await Promise.all([
      send(batch.fetcher, alice, body(['C1', 'C2']), { requestId: 'first' }),
      send(batch.fetcher, bob, body(['C3'])),
      send(batch.fetcher, alice, body(['C4', 'C5', 'C6'])),
    ]);
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.body.variables.representations.map((r) => r.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    // The batch goes with the first request's headers: its request id, its signed caller.
    expect(target.received[0]!.headers['x-request-id']).toBe('first');
    expect(a).toEqual({ status: 200, body: { data: { _entities: [{ id: 'C1', name: 'name of C1' }, { id: 'C2', name: 'name of C2' }] } } });
    expect(b.body.data._entities).toEqual([{ id: 'C3', name: 'name of C3' }]);
    expect(c.body.data._entities.map((e: { id: string }) => e.id)).toEqual(['C4', 'C5', 'C6']);
    expect(batch.stats).toEqual({ requests: 3, sent: 1 });
  });

  it("gives an entity's error to the request that asked for it, at its own index, and a general error to all", async () => {
    const batch = entityBatchFetcher(pool.fetcher);
    const [a, b] = await Promise.all([send(batch.fetcher, alice, body(['C1', 'bad-2'], { warn: true })), send(batch.fetcher, alice, body(['bad-3', 'C4'], { warn: true }))]);
    expect(target.received).toHaveLength(1);
    expect(a.body.data._entities).toEqual([{ id: 'C1', name: 'name of C1' }, null]);
    expect(a.body.errors).toEqual([{ message: 'no bad-2', path: ['_entities', 1, 'name'] }, { message: 'a warning for all' }]);
    expect(b.body.data._entities).toEqual([null, { id: 'C4', name: 'name of C4' }]);
    expect(b.body.errors).toEqual([{ message: 'no bad-3', path: ['_entities', 0, 'name'] }, { message: 'a warning for all' }]);
  });

  it('keeps apart callers with other rights, other operations and other variables; sends a lone fetch unchanged', async () => {
    const batch = entityBatchFetcher(pool.fetcher);
    const lone = body(['C9']);
    await Promise.all([
      send(batch.fetcher, alice, body(['C1'])),
      send(batch.fetcher, finance, body(['C2'])),
      send(batch.fetcher, alice, body(['C3'], {}, ENTITY_QUERY.replace('name}', 'name email}'))),
      send(batch.fetcher, alice, body(['C4'], { since: '2026-01-01' })),
    ]);
    expect(target.received).toHaveLength(4);
    await send(batch.fetcher, alice, lone);
    expect(JSON.stringify(target.received[4]!.body)).toBe(lone);
  });

  it('passes root fields and mutations through untouched, one request each', async () => {
    const batch = entityBatchFetcher(pool.fetcher);
    const root = JSON.stringify({ query: 'query Q__crm__0{customers{id}}', variables: { representations: [] } });
    const mutation = JSON.stringify({ query: 'mutation M{touch}', variables: { representations: [] } });
    await Promise.all([send(batch.fetcher, alice, root), send(batch.fetcher, alice, root), send(batch.fetcher, alice, mutation)]);
    expect(target.received).toHaveLength(3);
    expect(batch.stats).toEqual({ requests: 0, sent: 0 });
  });

  it('lets a request whose time ran out stop waiting while the batch answers the others', async () => {
    const batch = entityBatchFetcher(pool.fetcher);
    const impatient = new AbortController();
    const results = Promise.allSettled([send(batch.fetcher, alice, body(['C1']), { signal: impatient.signal }), send(batch.fetcher, alice, body(['C2']), { signal: new AbortController().signal })]);
    setTimeout(() => impatient.abort(new Error('timed out')), 5);
    const [a, b] = await results;
    expect(a).toMatchObject({ status: 'rejected', reason: { message: 'timed out' } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { body: { data: { _entities: [{ id: 'C2', name: 'name of C2' }] } } } });
  });

  it('gives a failed batch to every request as it came, and sends a full batch at once', async () => {
    const batch = entityBatchFetcher(pool.fetcher, { maxRepresentations: 3 });
    const failed = await Promise.all([send(batch.fetcher, alice, body(['C1'], { fail: true })), send(batch.fetcher, alice, body(['C2'], { fail: true }))]);
    expect(failed).toEqual([
      { status: 500, body: { errors: [{ message: 'boom' }] } },
      { status: 500, body: { errors: [{ message: 'boom' }] } },
    ]);
    target.received.length = 0;
    await Promise.all([send(batch.fetcher, alice, body(['C1', 'C2'])), send(batch.fetcher, alice, body(['C3', 'C4'])), send(batch.fetcher, alice, body(['C5']))]);
    expect(target.received.map((r) => r.body.variables.representations.length).sort()).toEqual([1, 4]);
  });
});
