import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPooledFetcher, type PooledFetcher } from '../../../gateway/performance/pooled-fetcher';

/** A tiny subgraph stand-in that counts the sockets it accepted and echoes the request body. */
function countingServer(delayMs = 0): { server: Server; sockets: () => number; url: () => string } {
  let sockets = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { echo: body, header: req.headers['x-test'] ?? null } }));
      }, delayMs).unref();
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', () => (sockets += 1));
  return { server, sockets: () => sockets, url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe('pooled subgraph fetcher', () => {
  let pool: PooledFetcher;
  afterEach(async () => {
    await pool.close();
  });

  // undici hands a socket back to the pool just after the body's end is read, so the request that
  // follows at once may open a second one; from then on the two are reused.
  it('sends 50 sequential requests over at most two kept-alive sockets, bodies and headers intact', async () => {
    const target = countingServer();
    await listen(target.server);
    pool = createPooledFetcher();
    for (let i = 0; i < 50; i++) {
      const response = await pool.fetcher(target.url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-test': `n${i}` },
        body: `{"query":"{ n${i} }"}`,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('application/json');
      expect(await response.json()).toEqual({ data: { echo: `{"query":"{ n${i} }"}`, header: `n${i}` } });
    }
    expect(target.sockets()).toBeLessThanOrEqual(2);
    await close(target.server);
  });

  it('opens no more sockets than requests in flight, bounded by the pool size, and reuses them', async () => {
    const target = countingServer(30);
    await listen(target.server);
    pool = createPooledFetcher({ connectionsPerOrigin: 4 });
    const burst = () =>
      Promise.all(
        Array.from({ length: 12 }, (_, i) => pool.fetcher(target.url(), { method: 'POST', body: `{"i":${i}}` }).then((r) => r.json())),
      );
    const first = await burst();
    expect(first.map((b: { data: { echo: string } }) => b.data.echo)).toEqual(Array.from({ length: 12 }, (_, i) => `{"i":${i}}`));
    expect(target.sockets()).toBe(4);
    await burst();
    expect(target.sockets()).toBe(4);
    await close(target.server);
  });

  it('reads a large response whole and lets a clone read it again', async () => {
    const big = { data: { rows: Array.from({ length: 20_000 }, (_, i) => ({ id: `R${i}`, text: 'x'.repeat(20) })) } };
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(big));
    });
    await listen(server);
    pool = createPooledFetcher();
    const response = await pool.fetcher(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'POST', body: '{}' });
    const copy = response.clone();
    expect(await response.json()).toEqual(big);
    expect((await copy.text()).length).toBe(JSON.stringify(big).length);
    await close(server);
  });

  it('fails as fetch does: a refused connection is a TypeError with the cause, a timeout keeps its name', async () => {
    const target = countingServer(2_000);
    await listen(target.server);
    const port = (target.server.address() as AddressInfo).port;
    pool = createPooledFetcher();
    const timedOut = await pool
      .fetcher(target.url(), { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) })
      .catch((e: unknown) => e);
    expect((timedOut as Error).name).toBe('TimeoutError');
    await close(target.server);
    const refused = await pool.fetcher(`http://127.0.0.1:${port}/graphql`, { method: 'POST', body: '{}' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as Error).message).toBe('fetch failed');
    expect(((refused as Error).cause as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
