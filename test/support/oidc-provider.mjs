/*
 * A real OpenID provider for the explorer's sign-in test: node-oidc-provider (OpenID Certified),
 * run as its own process because the package is ESM-only. Its development login form accepts any
 * login and password; the user's `sub` is the login.
 *
 * Environment: PORT (127.0.0.1), OIDC_AUDIENCE (the gateway's audience, a resource indicator),
 * CLIENT_ID, REDIRECT_URI (the explorer page), ACCESS_TOKEN_TTL (seconds, default 300),
 * ROLES (comma-separated roles put in every access token, default admin).
 * Prints `oidc provider listening on <issuer>` once it serves.
 */
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const audience = process.env.OIDC_AUDIENCE;
const redirectUri = process.env.REDIRECT_URI;
const accessTokenTTL = Number(process.env.ACCESS_TOKEN_TTL || 300);
const roles = (process.env.ROLES || 'admin').split(',').filter(Boolean);
if (!port || !audience || !redirectUri || !process.env.CLIENT_ID) {
  process.stderr.write('oidc-provider.mjs needs PORT, OIDC_AUDIENCE, CLIENT_ID and REDIRECT_URI\n');
  process.exit(2);
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      // A public client: a browser page keeps no secret; PKCE protects the code.
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [redirectUri],
    },
  ],
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, name: id }) }),
  claims: { openid: ['sub'], profile: ['name'] },
  scopes: ['openid', 'profile', 'offline_access'],
  pkce: { required: () => true },
  ttl: { AccessToken: accessTokenTTL, IdToken: 3600, RefreshToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== audience) throw new Provider.errors.InvalidTarget(`unknown resource ${resource}`);
        return {
          scope: 'openid profile offline_access',
          audience,
          accessTokenFormat: 'jwt',
          accessTokenTTL,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  extraTokenClaims: () => ({ roles }),
  // The page's origin may call the token endpoint (a public client's redirect URI origin).
  clientBasedCORS: (_ctx, origin, client) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc provider listening on ${issuer}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => server.close(() => process.exit(0)));
