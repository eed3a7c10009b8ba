import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runningGatewayDatabaseUrl } from '../../cli/gateway-database';

describe('the gateway database the commands find without starting one', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'plantgraph-gateway-db-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("takes GATEWAY_DATABASE_URL as given, else the <prefix>_gateway database on DATABASE_URL's server", () => {
    expect(runningGatewayDatabaseUrl({ GATEWAY_DATABASE_URL: 'postgres://u@db:5432/mine', DATABASE_URL: 'postgres://u@other/x' })).toBe(
      'postgres://u@db:5432/mine',
    );
    expect(runningGatewayDatabaseUrl({ DATABASE_URL: 'postgres://u@db:5432/postgres' })).toBe('postgres://u@db:5432/plantgraph_gateway');
    expect(runningGatewayDatabaseUrl({ DATABASE_URL: 'postgres://u@db:5432/acme' })).toBe('postgres://u@db:5432/acme_gateway');
  });

  it("uses npm start's embedded PostgreSQL only while it runs (its pid file exists), on PG_PORT or PORT + 10", () => {
    const env = { DATA_DIR: dir, PORT: '4100' };
    expect(runningGatewayDatabaseUrl(env)).toBeUndefined();
    mkdirSync(path.join(dir, 'pg'), { recursive: true });
    writeFileSync(path.join(dir, 'pg', 'postmaster.pid'), '1\n');
    expect(new URL(runningGatewayDatabaseUrl(env)!)).toMatchObject({
      hostname: '127.0.0.1',
      port: '4110',
      pathname: '/plantgraph_gateway',
    });
    expect(new URL(runningGatewayDatabaseUrl({ ...env, PG_PORT: '5999' })!).port).toBe('5999');
  });
});
