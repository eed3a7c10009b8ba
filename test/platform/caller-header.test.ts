import {
  callerClaims,
  callerRightsOfHeader,
  createCallerVerifier,
  createRequestCallerVerifier,
  generateCallerKey,
  isUnsealed,
  sealCaller,
  signCaller,
} from '../../platform/caller-header';
import type { Caller } from '../../platform/caller';
import { memoryNonceStore } from '../../platform/nonce-store';

const planner: Caller = { subject: 'u-1', kind: 'user', roles: ['planner'], scopes: [] };
const BODY = '{"query":"{ material(id: \\"M000001\\") { id } }"}';

function nonceOf(header: string): string {
  return JSON.parse(Buffer.from(header.split('.')[2]!, 'base64url').toString('utf8')).jti;
}

describe('signed caller header', () => {
  it('gives every header a nonce of its own, across refills of the nonce buffer', () => {
    const key = generateCallerKey();
    const nonces = Array.from({ length: 2_000 }, () => nonceOf(signCaller(planner, key)));
    expect(new Set(nonces).size).toBe(2_000);
    for (const n of nonces) expect(Buffer.from(n, 'base64url')).toHaveLength(12);
  });

  it('is accepted once by a verifier, then refused as a replay', () => {
    const key = generateCallerKey();
    const verify = createCallerVerifier({ key });
    const headers = Array.from({ length: 300 }, () => signCaller(planner, key));
    for (const header of headers) expect(verify(header)).toMatchObject({ ok: true, caller: { subject: 'u-1', roles: ['planner'] } });
    expect(verify(headers[0])).toEqual({ ok: false, reason: expect.stringMatching(/replay/) });
  });
});

describe('a header bound to one system and one request', () => {
  const key = generateCallerKey();
  const verifierOf = (audience: string) => createRequestCallerVerifier({ key, audience, nonces: memoryNonceStore() });

  it('is accepted by the system it names, for the body it was sealed over', async () => {
    const header = sealCaller(callerClaims(planner, 'erp'), BODY, key);
    expect(await verifierOf('erp')(header, Buffer.from(BODY))).toMatchObject({ ok: true, caller: { subject: 'u-1' } });
  });

  it('is refused by another system, naming both audiences', async () => {
    const header = sealCaller(callerClaims(planner, 'inventory'), BODY, key);
    expect(await verifierOf('erp')(header, BODY)).toEqual({
      ok: false,
      reason: expect.stringMatching(/another audience: expected "erp", got "inventory"/),
    });
  });

  it('is refused with another body, or when bound to none', async () => {
    const verify = verifierOf('erp');
    const header = sealCaller(callerClaims(planner, 'erp'), BODY, key);
    expect(await verify(header, BODY.replace('M000001', 'M000002'))).toEqual({
      ok: false,
      reason: expect.stringMatching(/another request body/),
    });
    expect(await verify(signCaller(planner, key, { audience: 'erp' }), BODY)).toEqual({
      ok: false,
      reason: expect.stringMatching(/not bound to a request body/),
    });
  });

  it('is refused unsealed, and once its short window has passed', async () => {
    const verify = verifierOf('erp');
    const claims = callerClaims(planner, 'erp');
    expect(isUnsealed(claims)).toBe(true);
    expect(await verify(claims, BODY)).toEqual({
      ok: false,
      reason: expect.stringMatching(/malformed .* expected v2\.<claims>\.<ticket>\.<signature>, got 2 parts/),
    });
    const old = sealCaller(claims, BODY, key, { now: Date.now() - 16_000 });
    expect(isUnsealed(old)).toBe(false);
    expect(await verify(old, BODY)).toEqual({ ok: false, reason: expect.stringMatching(/expired/) });
  });

  it('is refused by a second verifier sharing the nonce store (another replica)', async () => {
    const nonces = memoryNonceStore();
    const [first, second] = [1, 2].map(() => createRequestCallerVerifier({ key, audience: 'erp', nonces }));
    const header = sealCaller(callerClaims(planner, 'erp'), BODY, key);
    expect(await first!(header, BODY)).toMatchObject({ ok: true });
    expect(await second!(header, BODY)).toEqual({ ok: false, reason: expect.stringMatching(/replay/) });
  });

  it('keeps the rights readable, sealed or not, for merging requests of equal rights', () => {
    const claims = callerClaims(planner, 'erp');
    expect(callerRightsOfHeader(sealCaller(claims, BODY, key))).toBe(callerRightsOfHeader(claims));
    expect(callerRightsOfHeader(claims)).not.toBe(callerRightsOfHeader(callerClaims(planner, 'mes')));
  });
});
