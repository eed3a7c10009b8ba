import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dedupFetcher } from '../../../gateway/performance/dedup';
import { createPooledFetcher, ParsedResponse, type PooledFetcher } from '../../../gateway/performance/pooled-fetcher';
import type { Fetcher } from '@apollo/utils.fetcher';
import type { Caller } from '../../../platform/caller';
import { CALLER_HEADER, createCallerVerifier, generateCallerKey, signCaller } from '../../../platform/caller-header';

const key = generateCallerKey();
const alice: Caller = { subject: 'alice', kind: 'user', roles: ['planner'], scopes: [] };
// Bob has Alice's rights (roles listed in another order); Carol is a planner with finance access.
const bob: Caller = { subject: 'bob', kind: 'user', roles: ['planner'], scopes: [] };
const carol: Caller = { subject: 'carol', kind: 'user', roles: ['finance', 'planner'], scopes: [] };
const dave: Caller = { subject: 'dave', kind: 'user', roles: ['planner', 'finance'], scopes: [] };
const supplier: Caller = { subject: 'partner:k1', kind: 'partner', roles: [], scopes: ['partner:supplier'], supplierId: 'V00001' };

/**
 * A subgraph stand-in that verifies the signed caller like a real subgraph (a replayed header is
 * refused), answers after 40 ms with the rights of the caller it saw (as every subgraph does: a
 * query's answer never depends on who asks), and counts the requests it received.
 */
function subgraph(): { server: Server; received: () => number; url: () => string } {
  let received = 0;
  const verify = createCallerVerifier({ key });
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const n = (received += 1);
      const verified = verify(req.headers[CALLER_HEADER] as string | undefined);
      setTimeout(() => {
        res.writeHead(verified.ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            verified.ok
              ? { data: { roles: verified.caller.roles.join('+'), supplier: verified.caller.supplierId ?? null, n, body } }
              : { errors: [{ message: verified.reason }] },
          ),
        );
      }, 40).unref();
    });
  });
  return { server, received: () => received, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

const QUERY = JSON.stringify({
  query: 'query Q__erp__0($representations:[_Any!]!){_entities(representations:$representations){...on Lot{id}}}',
  variables: { representations: [{ __typename: 'Lot', id: 'L1' }] },
});
const MUTATION = JSON.stringify({ query: 'mutation M__erp__0{releaseWorkOrder(id:"W1"){id}}' });

describe('merging identical in-flight subgraph requests', () => {
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

  // Each request is signed on its own, as the gateway does: a fresh nonce and request id every time.
  const send = (fetcher: ReturnType<typeof dedupFetcher>['fetcher'], caller: Caller, body: string, requestId: string) =>
    fetcher(target.url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [CALLER_HEADER]: signCaller(caller, key), 'x-request-id': requestId },
      body,
    }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('sends one request for five identical concurrent queries of one caller, and each reader gets the answer', async () => {
    const dedup = dedupFetcher(pool.fetcher);
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => send(dedup.fetcher, alice, QUERY, `r${i}`)));
    expect(target.received()).toBe(1);
    expect(dedup.stats).toEqual({ sent: 1, merged: 4 });
    for (const answer of answers)
      expect(answer).toEqual({ status: 200, body: { data: { roles: 'planner', supplier: null, n: 1, body: QUERY } } });
    // Separate objects: one reader changing its answer does not change another's.
    expect(answers[0]!.body).not.toBe(answers[1]!.body);
  });

  it('merges the queries of different callers with the same rights, whatever order their roles come in', async () => {
    const dedup = dedupFetcher(pool.fetcher);
    const answers = await Promise.all([
      send(dedup.fetcher, alice, QUERY, 'a'),
      send(dedup.fetcher, bob, QUERY, 'b'),
      send(dedup.fetcher, carol, QUERY, 'c'),
      send(dedup.fetcher, dave, QUERY, 'd'),
    ]);
    expect(target.received()).toBe(2);
    expect(answers.map((a) => a.body.data.roles)).toEqual(['planner', 'planner', 'finance+planner', 'finance+planner']);
  });

  it('never merges requests of callers whose rights differ: roles, scopes, partner binding', async () => {
    const dedup = dedupFetcher(pool.fetcher);
    const otherSupplier: Caller = { ...supplier, subject: 'partner:k2', supplierId: 'V00002' };
    const scoped: Caller = { ...alice, scopes: ['finance:read'] };
    const [a, f, s, o, sc] = await Promise.all([
      send(dedup.fetcher, alice, QUERY, 'a'),
      send(dedup.fetcher, carol, QUERY, 'f'),
      send(dedup.fetcher, supplier, QUERY, 's'),
      send(dedup.fetcher, otherSupplier, QUERY, 'o'),
      send(dedup.fetcher, scoped, QUERY, 'sc'),
    ]);
    expect(target.received()).toBe(5);
    expect(dedup.stats.merged).toBe(0);
    expect(a.body.data).toMatchObject({ roles: 'planner', supplier: null });
    expect(f.body.data).toMatchObject({ roles: 'finance+planner', supplier: null });
    expect(s.body.data).toMatchObject({ supplier: 'V00001' });
    expect(o.body.data).toMatchObject({ supplier: 'V00002' });
    expect(sc.body.data.n).not.toBe(a.body.data.n);
  });

  it('never merges mutations', async () => {
    const dedup = dedupFetcher(pool.fetcher);
    const answers = await Promise.all(Array.from({ length: 3 }, (_, i) => send(dedup.fetcher, alice, MUTATION, `m${i}`)));
    expect(target.received()).toBe(3);
    expect(answers.map((a) => a.body.data.n).sort()).toEqual([1, 2, 3]);
    expect(dedup.stats.merged).toBe(0);
  });

  it('never merges different queries, and keeps nothing once an answer arrived (not a cache)', async () => {
    const dedup = dedupFetcher(pool.fetcher);
    const other = QUERY.replace('L1', 'L2');
    await Promise.all([send(dedup.fetcher, alice, QUERY, 'a'), send(dedup.fetcher, alice, other, 'b')]);
    expect(target.received()).toBe(2);
    const later = await send(dedup.fetcher, alice, QUERY, 'c');
    expect(target.received()).toBe(3);
    expect(later.body.data.n).toBe(3);
  });

  it('shares a failure with every merged reader and forgets it', async () => {
    const dedup = dedupFetcher(pool.fetcher);
    const port = (target.server.address() as AddressInfo).port;
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
    const url = `http://127.0.0.1:${port}/graphql`;
    const call = () =>
      dedup
        .fetcher(url, { method: 'POST', headers: { [CALLER_HEADER]: signCaller(alice, key) }, body: QUERY })
        .catch((e: Error) => e.message);
    expect(await Promise.all([call(), call()])).toEqual(['fetch failed', 'fetch failed']);
    expect(dedup.stats).toEqual({ sent: 1, merged: 1 });
    target = subgraph();
    await new Promise<void>((resolve) => target.server.listen(port, '127.0.0.1', resolve));
    const answer = await dedup.fetcher(url, { method: 'POST', headers: { [CALLER_HEADER]: signCaller(alice, key) }, body: QUERY });
    expect(answer.status).toBe(200);
  });

  it('hands a lone reader the decoded answer itself, and merged readers copies of their own', async () => {
    const value = { data: { lot: { id: 'L1', tags: ['a'] } } };
    let sent = 0;
    const inner: Fetcher = async (url) => {
      sent += 1;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return new ParsedResponse(url, 200, 'OK', { 'content-type': 'application/json' }, value);
    };
    const merging = dedupFetcher(inner);
    const init = { method: 'POST', headers: { [CALLER_HEADER]: signCaller(alice, key) }, body: QUERY };
    const lone = await (await merging.fetcher('http://subgraph/graphql', init)).json();
    expect(lone).toBe(value);
    const readers = await Promise.all(
      [1, 2, 3].map(() =>
        merging.fetcher('http://subgraph/graphql', { ...init, headers: { [CALLER_HEADER]: signCaller(bob, key) } }).then((r) => r.json()),
      ),
    );
    expect(sent).toBe(2);
    readers[0].data.lot.tags.push('changed by the first reader');
    expect(readers[1]).toEqual({ data: { lot: { id: 'L1', tags: ['a'] } } });
    expect(readers[2]).not.toBe(readers[1]);
    expect(readers.some((r) => r === value)).toBe(false);
  });
});
