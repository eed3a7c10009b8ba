import { ANSWER_NEUTRAL_HEADERS, audienceKey, rightsOf } from '../../platform/sharing';
import { CALLER_HEADER, callerClaims } from '../../platform/caller-header';
import { REQUEST_ID_HEADER } from '../../platform/http';
import type { Caller } from '../../platform/caller';

const alice: Caller = { subject: 'alice', kind: 'user', roles: ['planner', 'finance'], scopes: [] };
const bob: Caller = { subject: 'bob', kind: 'user', roles: ['finance', 'planner'], scopes: [] };
const carol: Caller = { subject: 'carol', kind: 'user', roles: ['planner'], scopes: [] };
const URL = 'http://erp.internal/graphql';

describe('the sharing rule (platform/sharing.ts)', () => {
  it('lists the request id and trace context among the headers that do not affect answers, and not the caller', () => {
    expect(ANSWER_NEUTRAL_HEADERS).toEqual(expect.arrayContaining([REQUEST_ID_HEADER, 'traceparent', 'tracestate']));
    expect(ANSWER_NEUTRAL_HEADERS).not.toContain(CALLER_HEADER);
  });

  it('gives callers with the same rights the same key, whoever they are and whatever the neutral headers say', () => {
    expect(rightsOf(alice)).toBe(rightsOf(bob));
    const a = audienceKey(URL, {
      [CALLER_HEADER]: callerClaims(alice, 'erp'),
      [REQUEST_ID_HEADER]: 'r1',
      traceparent: 't1',
      'content-type': 'application/json',
    });
    const b = audienceKey(URL, {
      [CALLER_HEADER]: callerClaims(bob, 'erp'),
      [REQUEST_ID_HEADER]: 'r2',
      traceparent: 't2',
      'content-type': 'application/json',
    });
    expect(a).toBe(b);
  });

  it('keeps apart other rights, other headers and other subgraphs', () => {
    const key = (caller: Caller, headers: Record<string, string> = {}, url = URL) =>
      audienceKey(url, { [CALLER_HEADER]: callerClaims(caller, 'erp'), ...headers });
    expect(rightsOf(carol)).not.toBe(rightsOf(alice));
    expect(key(carol)).not.toBe(key(alice));
    expect(key(alice, { 'idempotency-key': 'k1' })).not.toBe(key(alice, { 'idempotency-key': 'k2' }));
    expect(key(alice, {}, 'http://crm.internal/graphql')).not.toBe(key(alice));
  });
});
