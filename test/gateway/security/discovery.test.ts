import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { createTokenVerifier } from '../../../gateway/security/jwt';
import { loadSecurityConfig } from '../../../gateway/security/config';

const AUDIENCE = 'plantgraph';

/** An issuer on loopback whose discovery document can be made to fail, be missing, or name its keys. */
async function startIssuer(jwk: JWK) {
  const state = { discovery: 'ok' as 'ok' | 'down' | 'missing', discoveryReads: 0, keyReads: 0 };
  const server: Server = createServer((req, res) => {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      state.discoveryReads += 1;
      if (state.discovery === 'down') return json(503, { error: 'starting' });
      if (state.discovery === 'missing') return json(404, { error: 'not found' });
      return json(200, { issuer: issuer(), jwks_uri: `${issuer()}/protocol/keys` });
    }
    if (req.url === '/protocol/keys' || (req.url === '/.well-known/jwks.json' && state.discovery === 'missing')) {
      state.keyReads += 1;
      return json(200, { keys: [jwk] });
    }
    json(404, { error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { state, issuer: issuer(), close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("the issuer's keys through its discovery document", () => {
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  let jwk: JWK;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256' };
    issuer = await startIssuer(jwk);
  });
  afterAll(() => issuer.close());

  const token = () =>
    new SignJWT({ roles: ['viewer'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(issuer.issuer)
      .setAudience(AUDIENCE)
      .setSubject('analyst-1')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);

  it('leaves OIDC_JWKS_URL unset unless configured, so that discovery names the keys', () => {
    expect(loadSecurityConfig({ OIDC_ISSUER: issuer.issuer }).jwksUrl).toBeUndefined();
    expect(loadSecurityConfig({ OIDC_ISSUER: issuer.issuer, OIDC_JWKS_URL: 'https://keys.example/k' }).jwksUrl).toBe(
      'https://keys.example/k',
    );
  });

  it('verifies a token with the keys at the jwks_uri its discovery document names, reading the document once', async () => {
    issuer.state.discovery = 'ok';
    issuer.state.discoveryReads = 0;
    const verify = createTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    expect(await verify(await token())).toMatchObject({ ok: true, caller: { subject: 'analyst-1', roles: ['viewer'] } });
    expect(await verify(await token())).toMatchObject({ ok: true });
    expect(issuer.state.discoveryReads).toBe(1);
  });

  it('answers 503 while the discovery document fails, and verifies once it answers again', async () => {
    issuer.state.discovery = 'down';
    const verify = createTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    const refused = await verify(await token());
    expect(refused).toEqual({
      ok: false,
      status: 503,
      message: `cannot verify tokens now: the issuer's keys (through ${issuer.issuer}/.well-known/openid-configuration) are unreachable`,
    });
    issuer.state.discovery = 'ok';
    expect(await verify(await token())).toMatchObject({ ok: true });
  });

  it('falls back to /.well-known/jwks.json for an issuer without a discovery document', async () => {
    issuer.state.discovery = 'missing';
    issuer.state.keyReads = 0;
    const verify = createTokenVerifier({ issuer: issuer.issuer, audience: AUDIENCE });
    expect(await verify(await token())).toMatchObject({ ok: true });
    expect(issuer.state.keyReads).toBe(1);
  });
});
