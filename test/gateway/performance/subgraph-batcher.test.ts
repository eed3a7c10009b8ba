import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, execute, parse, validate } from 'graphql';
import { subgraphBatchFetcher } from '../../../gateway/performance/subgraph-batcher';
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

  const send = (
    fetcher: ReturnType<typeof subgraphBatchFetcher>['fetcher'],
    caller: Caller,
    requestBody: string,
    init: { signal?: AbortSignal; requestId?: string } = {},
  ) =>
    fetcher(target.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key), 'x-request-id': init.requestId ?? 'r' },
      body: requestBody,
      signal: init.signal,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('sends the entity fetches of one turn as one request and gives each its own entities, in order', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const [a, b, c] = await Promise.all([
      send(batch.fetcher, alice, body(['C1', 'C2']), { requestId: 'first' }),
      send(batch.fetcher, bob, body(['C3'])),
      send(batch.fetcher, alice, body(['C4', 'C5', 'C6'])),
    ]);
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.body.variables.representations.map((r) => r.id)).toEqual(['C1', 'C2', 'C3', 'C4', 'C5', 'C6']);
    // The batch goes with the first request's headers: its request id, its signed caller.
    expect(target.received[0]!.headers['x-request-id']).toBe('first');
    expect(a).toEqual({
      status: 200,
      body: {
        data: {
          _entities: [
            { id: 'C1', name: 'name of C1' },
            { id: 'C2', name: 'name of C2' },
          ],
        },
      },
    });
    expect(b.body.data._entities).toEqual([{ id: 'C3', name: 'name of C3' }]);
    expect(c.body.data._entities.map((e: { id: string }) => e.id)).toEqual(['C4', 'C5', 'C6']);
    expect(batch.stats).toEqual({ requests: 3, sent: 1, queued: 0 });
  });

  it("gives an entity's error to the request that asked for it, at its own index, and a general error to all", async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const [a, b] = await Promise.all([
      send(batch.fetcher, alice, body(['C1', 'bad-2'], { warn: true })),
      send(batch.fetcher, alice, body(['bad-3', 'C4'], { warn: true })),
    ]);
    expect(target.received).toHaveLength(1);
    expect(a.body.data._entities).toEqual([{ id: 'C1', name: 'name of C1' }, null]);
    expect(a.body.errors).toEqual([{ message: 'no bad-2', path: ['_entities', 1, 'name'] }, { message: 'a warning for all' }]);
    expect(b.body.data._entities).toEqual([null, { id: 'C4', name: 'name of C4' }]);
    expect(b.body.errors).toEqual([{ message: 'no bad-3', path: ['_entities', 0, 'name'] }, { message: 'a warning for all' }]);
  });

  it('keeps apart callers with other rights and other operations; sends a lone fetch unchanged', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const lone = body(['C9']);
    await Promise.all([
      send(batch.fetcher, alice, body(['C1'])),
      send(batch.fetcher, finance, body(['C2'])),
      send(batch.fetcher, alice, body(['C3'], {}, ENTITY_QUERY.replace('name}', 'name email}'))),
    ]);
    expect(target.received).toHaveLength(3);
    await send(batch.fetcher, alice, lone);
    expect(JSON.stringify(target.received[3]!.body)).toBe(lone);
  });

  it('passes mutations and bodies of another shape through untouched, one request each', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const mutation = JSON.stringify({ query: 'mutation M{touch}', variables: { representations: [] } });
    const other = JSON.stringify({ variables: { representations: [] }, query: 'query Q{_entities(representations:[]){__typename}}' });
    await Promise.all([send(batch.fetcher, alice, mutation), send(batch.fetcher, alice, mutation), send(batch.fetcher, alice, other)]);
    expect(target.received).toHaveLength(3);
    expect(batch.stats).toMatchObject({ requests: 0, sent: 0 });
  });

  it('lets a request whose time ran out stop waiting while the batch answers the others', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const impatient = new AbortController();
    const results = Promise.allSettled([
      send(batch.fetcher, alice, body(['C1']), { signal: impatient.signal }),
      send(batch.fetcher, alice, body(['C2']), { signal: new AbortController().signal }),
    ]);
    setTimeout(() => impatient.abort(new Error('timed out')), 5);
    const [a, b] = await results;
    expect(a).toMatchObject({ status: 'rejected', reason: { message: 'timed out' } });
    expect(b).toMatchObject({ status: 'fulfilled', value: { body: { data: { _entities: [{ id: 'C2', name: 'name of C2' }] } } } });
  });

  it('gives a failed batch to every request as it came, and sends a full batch at once', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher, { maxRepresentations: 3 });
    const failed = await Promise.all([
      send(batch.fetcher, alice, body(['C1'], { fail: true })),
      send(batch.fetcher, alice, body(['C2'], { fail: true })),
    ]);
    expect(failed).toEqual([
      { status: 500, body: { errors: [{ message: 'boom' }] } },
      { status: 500, body: { errors: [{ message: 'boom' }] } },
    ]);
    target.received.length = 0;
    await Promise.all([
      send(batch.fetcher, alice, body(['C1', 'C2'])),
      send(batch.fetcher, alice, body(['C3', 'C4'])),
      send(batch.fetcher, alice, body(['C5'])),
    ]);
    expect(target.received.map((r) => r.body.variables.representations.length).sort()).toEqual([1, 4]);
  });
});

/**
 * A root-answering subgraph stand-in that really executes GraphQL: `customer(id)` is null with an
 * error for an id starting with `bad`, `strict(id)` is non-null (a bad id nulls the whole answer),
 * `customers(limit: Int)` lists. It records every body it received.
 */
function executingSubgraph(): {
  server: Server;
  received: { query: string; variables: Record<string, unknown> }[];
  url: () => string;
  /** Holds every answer until the returned function is called (a request kept in flight as long as a test needs). */
  hold: () => () => void;
} {
  const schema = buildSchema(`
    scalar _Any
    type Customer { id: ID! name(upper: Boolean): String }
    type Query { customer(id: ID!): Customer strict(id: ID!): Customer! customers(limit: Int): [Customer!]! _entities(representations: [_Any!]!): [Customer] }
  `);
  const customer = ({ id }: { id: string }) => {
    if (id.startsWith('bad')) throw new Error(`no customer ${id}`);
    return { id, name: ({ upper }: { upper?: boolean }) => (upper ? `NAME OF ${id}` : `name of ${id}`) };
  };
  const rootValue = {
    customer,
    strict: customer,
    customers: ({ limit }: { limit: number }) => Array.from({ length: limit }, (_, i) => customer({ id: `C${i}` })),
    _entities: ({ representations }: { representations: { id: string }[] }) => representations.map((r) => customer(r)),
  };
  const received: { query: string; variables: Record<string, unknown> }[] = [];
  let held: Promise<void> = Promise.resolve();
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', async () => {
      await held;
      const body = JSON.parse(text) as { query: string; variables: Record<string, unknown> };
      received.push(body);
      const document = parse(body.query);
      const invalid = validate(schema, document);
      const result = invalid.length ? { errors: invalid } : await execute({ schema, document, rootValue, variableValues: body.variables });
      // A variable of the wrong type is refused before execution, as Apollo Server does it: 400, no data.
      const status = !('data' in result) || result.data === undefined ? 400 : 200;
      setTimeout(() => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      }, 20).unref();
    });
  });
  return {
    server,
    received,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    hold: () => {
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      return release;
    },
  };
}

const CUSTOMER_QUERY = 'query Q__crm__0($id:ID!){customer(id:$id){id name}}';
const rootBody = (query: string, variables: Record<string, unknown>) => JSON.stringify({ query, variables, operationName: 'Q__crm__0' });

describe('batching concurrent root queries', () => {
  let target: ReturnType<typeof executingSubgraph>;
  let pool: PooledFetcher;
  beforeEach(async () => {
    target = executingSubgraph();
    await new Promise<void>((resolve) => target.server.listen(0, '127.0.0.1', resolve));
    pool = createPooledFetcher();
  });
  afterEach(async () => {
    await pool.close();
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
  });

  const ask = (fetcher: ReturnType<typeof subgraphBatchFetcher>['fetcher'], caller: Caller, requestBody: string) =>
    fetcher(target.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key) },
      body: requestBody,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  it('sends one query asked with other variables in one turn as one document, each its own answer under its own field names', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const answers = await Promise.all(
      ['C1', 'C2', 'C3'].map((id, i) => ask(batch.fetcher, i === 1 ? bob : alice, rootBody(CUSTOMER_QUERY, { id }))),
    );
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.variables).toEqual({ _b0_id: 'C1', _b1_id: 'C2', _b2_id: 'C3' });
    expect(target.received[0]!.query).toContain('_b2_customer: customer(id: $_b2_id)');
    expect(answers).toEqual(['C1', 'C2', 'C3'].map((id) => ({ status: 200, body: { data: { customer: { id, name: `name of ${id}` } } } })));
    expect(batch.stats).toEqual({ requests: 3, sent: 1, queued: 0 });
  });

  it("gives a root field's error to its own member, on its own path, and none to the others", async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const [good, bad] = await Promise.all([
      ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id: 'C1' })),
      ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id: 'bad-2' })),
    ]);
    expect(target.received).toHaveLength(1);
    expect(good.body).toEqual({ data: { customer: { id: 'C1', name: 'name of C1' } } });
    expect(bad.body.data).toEqual({ customer: null });
    expect(bad.body.errors).toEqual([expect.objectContaining({ message: 'no customer bad-2', path: ['customer'] })]);
  });

  it('asks each member on its own when the combined answer cannot be divided (a non-null field failed, a variable was refused)', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const strict = 'query Q__crm__0($id:ID!){strict(id:$id){id}}';
    const [good, bad] = await Promise.all([
      ask(batch.fetcher, alice, rootBody(strict, { id: 'C1' })),
      ask(batch.fetcher, alice, rootBody(strict, { id: 'bad-2' })),
    ]);
    expect(target.received).toHaveLength(3);
    expect(good.body).toEqual({ data: { strict: { id: 'C1' } } });
    expect(bad.body.data).toBeNull();
    expect(bad.body.errors[0]).toMatchObject({ message: 'no customer bad-2', path: ['strict'] });

    target.received.length = 0;
    const list = 'query Q__crm__0($limit:Int){customers(limit:$limit){id}}';
    const [two, refused] = await Promise.all([
      ask(batch.fetcher, alice, rootBody(list, { limit: 2 })),
      ask(batch.fetcher, alice, rootBody(list, { limit: 'many' })),
    ]);
    expect(target.received).toHaveLength(3);
    expect(two).toEqual({ status: 200, body: { data: { customers: [{ id: 'C0' }, { id: 'C1' }] } } });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].message).toMatch(/\$limit.*Int/);
  });

  it('keeps apart callers with other rights and other query texts; sends a lone query and one with fragments as they are', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const withFragment = 'query Q__crm__0($id:ID!){customer(id:$id){...F}} fragment F on Customer{id}';
    await Promise.all([
      ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id: 'C1' })),
      ask(batch.fetcher, finance, rootBody(CUSTOMER_QUERY, { id: 'C2' })),
      ask(batch.fetcher, alice, rootBody('query Q__crm__0($id:ID!){customer(id:$id){id}}', { id: 'C3' })),
      ask(batch.fetcher, alice, rootBody(withFragment, { id: 'C4' })),
      ask(batch.fetcher, alice, rootBody(withFragment, { id: 'C5' })),
    ]);
    expect(target.received).toHaveLength(5);
    expect(target.received.map((r) => r.variables).sort((a, b) => String(a.id).localeCompare(String(b.id)))).toEqual(
      ['C1', 'C2', 'C3', 'C4', 'C5'].map((id) => ({ id })),
    );
    target.received.length = 0;
    const lone = rootBody(CUSTOMER_QUERY, { id: 'C9' });
    await ask(batch.fetcher, alice, lone);
    expect(JSON.stringify(target.received[0])).toBe(lone);
  });

  const ENTITIES_WITH_ARGUMENT =
    'query Q__crm__1($representations:[_Any!]!,$upper:Boolean){_entities(representations:$representations){...on Customer{id name(upper:$upper)}}}';
  const entities = (ids: string[], upper: boolean) =>
    JSON.stringify({
      query: ENTITIES_WITH_ARGUMENT,
      variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })), upper },
    });

  it('by default sends entity fetches whose other variables differ as one request per variables, representations concatenated', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher);
    const [lower, upper, lowerToo] = await Promise.all([
      ask(batch.fetcher, alice, entities(['C1'], false)),
      ask(batch.fetcher, alice, entities(['C2', 'C3'], true)),
      ask(batch.fetcher, bob, entities(['C4'], false)),
    ]);
    // One copy of the selection per request: no aliased `_entities` fields.
    expect(target.received.map((r) => r.query)).toEqual([ENTITIES_WITH_ARGUMENT, ENTITIES_WITH_ARGUMENT]);
    // Two requests on two sockets: the order they arrive in is not the order they left in.
    const seen = target.received.map((r) => [r.variables.upper, (r.variables.representations as { id: string }[]).map((x) => x.id)]);
    expect(seen.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [false, ['C1', 'C4']],
      [true, ['C2', 'C3']],
    ]);
    expect(lower.body).toEqual({ data: { _entities: [{ id: 'C1', name: 'name of C1' }] } });
    expect(upper.body.data._entities.map((e: { name: string }) => e.name)).toEqual(['NAME OF C2', 'NAME OF C3']);
    expect(lowerToo.body).toEqual({ data: { _entities: [{ id: 'C4', name: 'name of C4' }] } });
    expect(batch.stats).toEqual({ requests: 3, sent: 2, queued: 0 });
  });

  it('with `aliases: off` sends root queries with other variables one by one, and still concatenates entity fetches', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher, { aliases: 'off' });
    const answers = await Promise.all(['C1', 'C2'].map((id) => ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id }))));
    expect(target.received.map((r) => r.variables.id).sort()).toEqual(['C1', 'C2']);
    expect(answers.map((a) => a.body.data.customer.id)).toEqual(['C1', 'C2']);
    target.received.length = 0;
    await Promise.all([ask(batch.fetcher, alice, entities(['C1'], false)), ask(batch.fetcher, alice, entities(['C2'], false))]);
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.query).toBe(ENTITIES_WITH_ARGUMENT);
  });

  it('with `aliases: all` combines entity fetches whose other variables differ as aliased fields, each its own entities', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher, { aliases: 'all' });
    const [lower, upper, lowerToo] = await Promise.all([
      ask(batch.fetcher, alice, entities(['C1'], false)),
      ask(batch.fetcher, alice, entities(['C2', 'C3'], true)),
      ask(batch.fetcher, bob, entities(['C4'], false)),
    ]);
    expect(target.received).toHaveLength(1);
    expect(target.received[0]!.query).toContain('_b1__entities: _entities(representations: $_b1_representations)');
    expect(lower.body).toEqual({ data: { _entities: [{ id: 'C1', name: 'name of C1' }] } });
    expect(upper.body).toEqual({
      data: {
        _entities: [
          { id: 'C2', name: 'NAME OF C2' },
          { id: 'C3', name: 'NAME OF C3' },
        ],
      },
    });
    expect(lowerToo.body).toEqual({ data: { _entities: [{ id: 'C4', name: 'name of C4' }] } });
  });

  it('while a subgraph has `concurrency` requests in flight, gathers new fetches and sends them as one when one is answered', async () => {
    const batch = subgraphBatchFetcher(pool.fetcher, { concurrency: 1 });
    // The first stays in flight until all are asked, however late a loaded machine runs the timers.
    const release = target.hold();
    const first = ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id: 'C1' }));
    // Asked on later turns, while the first is in flight.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = [ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id: 'C2' }))];
    await new Promise((resolve) => setTimeout(resolve, 5));
    later.push(
      ask(batch.fetcher, bob, rootBody(CUSTOMER_QUERY, { id: 'C3' })),
      ask(batch.fetcher, alice, rootBody(CUSTOMER_QUERY, { id: 'C4' })),
    );
    release();
    const answers = await Promise.all([first, ...later]);
    expect(target.received.map((r) => Object.values(r.variables))).toEqual([['C1'], ['C2', 'C3', 'C4']]);
    expect(answers.map((a) => a.body.data.customer.id)).toEqual(['C1', 'C2', 'C3', 'C4']);
    expect(batch.stats).toEqual({ requests: 4, sent: 2, queued: 3 });
  });
});
