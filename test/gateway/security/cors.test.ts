import { createServer, type Server } from 'node:http';
import { createCorsHandler, isOriginAllowed, parseCorsPolicy, type CorsPolicy } from '../../../gateway/security/cors';
import { loadSecurityConfig } from '../../../gateway/security/config';
import { listenOnFreePort } from '../../support/stack';

const APP = 'https://app.example.com';

function policyOf(env: NodeJS.ProcessEnv, production = true): { policy: CorsPolicy; problems: string[] } {
  const problems: string[] = [];
  return { policy: parseCorsPolicy(env, production, problems), problems };
}

describe('CORS policy from the environment', () => {
  it('allows no other origin in production and loopback origins outside it, by default', () => {
    expect(policyOf({}).policy).toEqual({ origins: [], credentials: false, maxAgeSeconds: 600 });
    expect(policyOf({}, false).policy.origins).toBe('loopback');
  });

  it('reads a comma-separated list, normalised, with credentials and max-age', () => {
    const { policy, problems } = policyOf({
      CORS_ORIGINS: ' https://App.Example.com/ , http://127.0.0.1:5173',
      CORS_CREDENTIALS: 'true',
      CORS_MAX_AGE: '120',
    });
    expect(problems).toEqual([]);
    expect(policy).toEqual({ origins: [APP, 'http://127.0.0.1:5173'], credentials: true, maxAgeSeconds: 120 });
    // A list set outside production replaces the loopback default.
    expect(policyOf({ CORS_ORIGINS: APP }, false).policy.origins).toEqual([APP]);
  });

  it('names every wrong value, quoting a short prefix only', () => {
    const { problems } = policyOf({
      CORS_ORIGINS: `*,https://a.example.com/path,ftp://x,${'h'.repeat(500)}`,
      CORS_CREDENTIALS: 'yes',
      CORS_MAX_AGE: '-1',
    });
    expect(problems).toHaveLength(6);
    expect(problems[0]).toBe(
      'CORS_ORIGINS must list origins such as https://app.example.com (scheme, host and port only, no "*"), got "*"',
    );
    expect(problems[1]).toContain('got "https://a.example.com/path"');
    expect(problems[3]).toContain('(500 characters)');
    expect(problems[3]!.length).toBeLessThan(200);
    expect(problems[4]).toBe('CORS_CREDENTIALS must be "true" or "false" (the default), got "yes"');
    expect(problems[5]).toBe('CORS_MAX_AGE must be a number of seconds from 0 to 86400, got "-1"');
  });

  it('makes the gateway refuse to start with a wrong value, and reads INTROSPECTION', () => {
    expect(() => loadSecurityConfig({ AUTH_MODE: 'none', CORS_ORIGINS: 'app.example.com' })).toThrow(/CORS_ORIGINS must list origins/);
    expect(() => loadSecurityConfig({ AUTH_MODE: 'none', INTROSPECTION: 'maybe' })).toThrow(
      'INTROSPECTION must be "on" (the default) or "off", got "maybe"',
    );
    expect(loadSecurityConfig({ AUTH_MODE: 'none' }).introspection).toBe(true);
    expect(loadSecurityConfig({ AUTH_MODE: 'none', INTROSPECTION: 'OFF' }).introspection).toBe(false);
    expect(loadSecurityConfig({ AUTH_MODE: 'none', NODE_ENV: 'production', CALLER_SIGNING_KEY: 'ab'.repeat(32) }).cors.origins).toEqual([]);
  });

  it("allows a listed origin, the gateway's own (by the Host the browser addressed), and loopback in development", () => {
    const listed: CorsPolicy = { origins: [APP], credentials: false, maxAgeSeconds: 600 };
    expect(isOriginAllowed(listed, APP, 'graph.example.com')).toBe(true);
    expect(isOriginAllowed(listed, 'https://app.example.com:8443', 'graph.example.com')).toBe(false);
    expect(isOriginAllowed(listed, 'https://graph.example.com', 'graph.example.com')).toBe(true);
    expect(isOriginAllowed(listed, 'http://127.0.0.1:5173', 'graph.example.com')).toBe(false);
    expect(isOriginAllowed(listed, 'null', 'graph.example.com')).toBe(false);
    const loopback: CorsPolicy = { ...listed, origins: 'loopback' };
    expect(isOriginAllowed(loopback, 'http://localhost:5173', '127.0.0.1:4000')).toBe(true);
    expect(isOriginAllowed(loopback, 'http://[::1]:3000', '127.0.0.1:4000')).toBe(true);
    expect(isOriginAllowed(loopback, APP, '127.0.0.1:4000')).toBe(false);
  });
});

describe('CORS handler', () => {
  let server: Server;
  let url: string;
  let reached: string[];
  const policy: CorsPolicy = { origins: [APP], credentials: false, maxAgeSeconds: 600 };

  beforeAll(async () => {
    reached = [];
    const cors = createCorsHandler(policy);
    const withCredentials = createCorsHandler({ ...policy, credentials: true });
    server = createServer((req, res) =>
      (req.url === '/credentials' ? withCredentials : cors)(req, res, () => {
        reached.push(`${req.method} ${req.url}`);
        res.writeHead(req.method === 'OPTIONS' ? 405 : 200, { 'content-type': 'application/json' });
        res.end('{}');
      }),
    );
    url = await listenOnFreePort(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (reached = []));

  const preflight = (origin: string, path = '/graphql') =>
    fetch(new URL(path, url), {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it("answers an allowed origin's preflight itself: methods, headers, max-age, Vary: Origin", async () => {
    const response = await preflight(APP);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET,POST,OPTIONS');
    const allowed = response.headers.get('access-control-allow-headers')!.split(',');
    for (const header of [
      'authorization',
      'content-type',
      'x-api-key',
      'apollographql-client-name',
      'apollographql-client-version',
      'traceparent',
    ])
      expect(allowed).toContain(header);
    expect(response.headers.get('access-control-max-age')).toBe('600');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(reached).toEqual([]);
  });

  it("refuses another origin's preflight with 403 and no CORS headers, quoting a short prefix of it", async () => {
    const response = await preflight(`https://evil.example.com${'x'.repeat(300)}`);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
    expect(response.headers.get('vary')).toBe('Origin');
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
    expect(body.errors[0]!.message).toMatch(
      /^the origin "https:\/\/evil\.example\.comx+"… \(324 characters\) may not call this gateway from a browser/,
    );
    expect(reached).toEqual([]);
  });

  it('reflects an allowed origin on the actual request and exposes the headers a client reads', async () => {
    const response = await fetch(url, { method: 'POST', headers: { origin: APP } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP);
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id,retry-after,server-timing');
    expect(response.headers.get('vary')).toBe('Origin');
    expect(reached).toEqual(['POST /graphql']);
  });

  it("serves another origin's request without CORS headers (the browser withholds the answer) and says that it varies", async () => {
    for (const headers of [{ origin: 'https://evil.example.com' }, {}] as Record<string, string>[]) {
      const response = await fetch(url, { method: 'POST', headers });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.headers.get('access-control-expose-headers')).toBeNull();
      expect(response.headers.get('vary')).toBe('Origin');
    }
  });

  it('allows credentials only when configured', async () => {
    expect((await preflight(APP, '/credentials')).headers.get('access-control-allow-credentials')).toBe('true');
    expect((await fetch(new URL('/credentials', url), { headers: { origin: APP } })).headers.get('access-control-allow-credentials')).toBe(
      'true',
    );
  });

  it('passes an OPTIONS request that is no preflight on to its route', async () => {
    expect((await fetch(url, { method: 'OPTIONS' })).status).toBe(405);
    expect(reached).toEqual(['OPTIONS /graphql']);
  });
});
