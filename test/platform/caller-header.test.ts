import { createCallerVerifier, generateCallerKey, signCaller } from '../../platform/caller-header';
import type { Caller } from '../../platform/caller';

const planner: Caller = { subject: 'u-1', kind: 'user', roles: ['planner'], scopes: [] };

function nonceOf(header: string): string {
  return JSON.parse(Buffer.from(header.split('.')[1]!, 'base64url').toString('utf8')).jti;
}

describe('signed caller header', () => {
  it('gives every header a nonce of its own, across refills of the nonce buffer', () => {
    const key = generateCallerKey();
    const nonces = Array.from({ length: 2_000 }, () => nonceOf(signCaller(planner, key)));
    expect(new Set(nonces).size).toBe(2_000);
    for (const n of nonces) expect(Buffer.from(n, 'base64url')).toHaveLength(12);
  });

  it('is accepted once by a subgraph, then refused as a replay', () => {
    const key = generateCallerKey();
    const verify = createCallerVerifier({ key });
    const headers = Array.from({ length: 300 }, () => signCaller(planner, key));
    for (const header of headers) expect(verify(header)).toMatchObject({ ok: true, caller: { subject: 'u-1', roles: ['planner'] } });
    expect(verify(headers[0])).toEqual({ ok: false, reason: expect.stringMatching(/replay/) });
  });
});
