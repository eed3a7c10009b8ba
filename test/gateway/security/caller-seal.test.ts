import type { Fetcher, FetcherRequestInit } from '@apollo/utils.fetcher';
import { dedupFetcher } from '../../../gateway/performance/dedup';
import { BufferedResponse } from '../../../gateway/performance/pooled-fetcher';
import { subgraphBatchFetcher } from '../../../gateway/performance/subgraph-batcher';
import { callerSealingFetcher } from '../../../gateway/security/caller-seal';
import type { Caller } from '../../../platform/caller';
import {
  CALLER_HEADER,
  callerClaims,
  createRequestCallerVerifier,
  generateCallerKey,
  parseCallerKey,
} from '../../../platform/caller-header';
import { memoryNonceStore } from '../../../platform/nonce-store';

const key = generateCallerKey();
const alice: Caller = { subject: 'alice', kind: 'user', roles: ['planner'], scopes: [] };
const bob: Caller = { subject: 'bob', kind: 'user', roles: ['planner'], scopes: [] };
const URL_CRM = 'http://crm.internal/graphql';
const ENTITY_QUERY = 'query Q__crm__1($representations:[_Any!]!){_entities(representations:$representations){...on Customer{id name}}}';
const body = (ids: string[]) =>
  JSON.stringify({ query: ENTITY_QUERY, variables: { representations: ids.map((id) => ({ __typename: 'Customer', id })) } });

/** The wire: records what would be sent and answers every representation. */
function wire() {
  const sent: { url: string; init: FetcherRequestInit }[] = [];
  const fetcher: Fetcher = async (url, init = {}) => {
    sent.push({ url, init });
    const reps = (JSON.parse(init.body as string) as { variables: { representations: { id: string }[] } }).variables.representations;
    return new BufferedResponse(
      url,
      200,
      'OK',
      { 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ data: { _entities: reps.map((r) => ({ id: r.id, name: r.id })) } })),
    );
  };
  return { sent, fetcher };
}

const ask = (fetcher: Fetcher, caller: Caller, requestBody: string) =>
  fetcher(URL_CRM, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [CALLER_HEADER]: callerClaims(caller, 'crm') },
    body: requestBody,
  }).then((r) => r.json());

describe('sealing the caller header at the last step before the wire', () => {
  it('seals a batch of several fetches over the one body actually sent, for the system named', async () => {
    const { sent, fetcher } = wire();
    const path = dedupFetcher(subgraphBatchFetcher(callerSealingFetcher(fetcher, parseCallerKey(key))).fetcher).fetcher;
    const answers = await Promise.all([ask(path, alice, body(['C1'])), ask(path, bob, body(['C2', 'C3'])), ask(path, alice, body(['C1']))]);
    expect(answers.map((a: any) => a.data._entities.length)).toEqual([1, 2, 1]);
    expect(sent).toHaveLength(1);
    const { init } = sent[0]!;
    const header = init.headers![CALLER_HEADER]!;
    const crm = createRequestCallerVerifier({ key, audience: 'crm', nonces: memoryNonceStore() });
    // The members' own bodies are not what went out: the header fits only the combined one.
    expect(await crm(header, body(['C1']))).toMatchObject({ ok: false, reason: expect.stringMatching(/another request body/) });
    expect(await crm(header, init.body as string)).toMatchObject({ ok: true, caller: { roles: ['planner'] } });
    const erp = createRequestCallerVerifier({ key, audience: 'erp', nonces: memoryNonceStore() });
    expect(await erp(header, init.body as string)).toMatchObject({ ok: false, reason: expect.stringMatching(/audience/) });
  });

  it('gives every request that leaves its own nonce, and leaves whole headers and requests without one alone', async () => {
    const { sent, fetcher } = wire();
    const sealing = callerSealingFetcher(fetcher, parseCallerKey(key));
    await ask(sealing, alice, body(['C1']));
    await ask(sealing, alice, body(['C1']));
    const [first, second] = sent.map((s) => s.init.headers![CALLER_HEADER]!);
    expect(first).not.toBe(second);
    expect(first!.split('.')).toHaveLength(4);
    await sealing(URL_CRM, { method: 'POST', headers: { [CALLER_HEADER]: 'v2.a.b.c' }, body: body(['C1']) });
    await sealing(URL_CRM, { method: 'POST', headers: {}, body: body(['C1']) });
    expect(sent[2]!.init.headers![CALLER_HEADER]).toBe('v2.a.b.c');
    expect(sent[3]!.init.headers![CALLER_HEADER]).toBeUndefined();
  });
});
