import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { createTokenVerifier, type TokenResult } from '../../../gateway/security/jwt';
import { loadSecurityConfig } from '../../../gateway/security/config';

const ISSUER = 'urn:test:claims';
const AUDIENCE = 'plantgraph';

describe('strict token claims', () => {
  let sign: (claims: JWTPayload, options?: { exp?: number | null; sub?: string | null; iat?: number }) => Promise<string>;
  let verify: (token: string) => Promise<TokenResult>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
    verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [jwk] }, maxLifetimeSeconds: 3600 });
    sign = async (claims, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(options.iat ?? now);
      if (options.sub !== null) jwt.setSubject(options.sub ?? 'user-1');
      if (options.exp !== null) jwt.setExpirationTime(options.exp ?? now + 600);
      return jwt.sign(privateKey);
    };
  });

  const refusal = async (token: string) => {
    const result = await verify(token);
    if (result.ok) throw new Error(`expected a refusal, got the caller ${JSON.stringify(result.caller)}`);
    return result.message;
  };

  it('binds a user to the supplier or customer a plain string names', async () => {
    const result = await verify(await sign({ supplier_id: 'V00001', roles: ['supplier'] }));
    expect(result).toMatchObject({ ok: true, caller: { subject: 'user-1', supplierId: 'V00001', roles: ['supplier'] } });
    const customer = await verify(await sign({ customer_id: 'C00001' }));
    expect(customer).toMatchObject({ ok: true, caller: { customerId: 'C00001' } });
  });

  it.each([
    [
      'an array (a multivalued attribute mapper)',
      ['V00001', 'V00002'],
      /claim "supplier_id" must be one non-empty string.*got an array \(\["V00001","V00002"\]\)/,
    ],
    ['a number', 1, /claim "supplier_id" must be one non-empty string.*got a number \(1\)/],
    ['an empty string', '', /claim "supplier_id" must be one non-empty string.*got a string \(""\)/],
    ['blank', '   ', /claim "supplier_id"/],
    ['null', null, /claim "supplier_id".*got null/],
  ])('refuses supplier_id given as %s instead of dropping the binding', async (_what, value, message) => {
    expect(await refusal(await sign({ supplier_id: value }))).toMatch(message);
  });

  it('refuses a customer_id that is not one string, and never echoes more than a prefix of it', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `C${i}`);
    const message = await refusal(await sign({ customer_id: long }));
    expect(message).toMatch(/claim "customer_id" must be one non-empty string \(one customer\)/);
    expect(message.length).toBeLessThan(200);
  });

  it('requires exp: a token without it would be good forever', async () => {
    expect(await refusal(await sign({}, { exp: null }))).toMatch(/claim "exp" is missing/);
  });

  it('requires sub: without it every such token would run as one shared caller', async () => {
    expect(await refusal(await sign({}, { sub: null }))).toMatch(/claim "sub" must name the user/);
    expect(await refusal(await sign({}, { sub: '' }))).toMatch(/claim "sub"/);
  });

  it('refuses a token that lives longer than the configured maximum', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await refusal(await sign({}, { exp: now + 7200 }))).toMatch(
      /lives 7200 s \(iat to exp\), longer than the 3600 s this gateway accepts \(TOKEN_MAX_LIFETIME\)/,
    );
    expect(await verify(await sign({}, { exp: now + 3600 }))).toMatchObject({ ok: true });
  });

  it('reads TOKEN_MAX_LIFETIME as seconds or with a unit, defaulting to a day, and names a bad value', () => {
    expect(loadSecurityConfig({}).tokenMaxLifetimeSeconds).toBe(86_400);
    expect(loadSecurityConfig({ TOKEN_MAX_LIFETIME: '8h' }).tokenMaxLifetimeSeconds).toBe(28_800);
    expect(loadSecurityConfig({ TOKEN_MAX_LIFETIME: '900' }).tokenMaxLifetimeSeconds).toBe(900);
    expect(() => loadSecurityConfig({ TOKEN_MAX_LIFETIME: 'forever' })).toThrow(
      /TOKEN_MAX_LIFETIME must be a positive duration such as 3600, 90m, 8h or 1d, got "forever"/,
    );
  });
});
