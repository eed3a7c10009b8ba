import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { devTokenHeaders, isLoopbackHost, loadDevIssuer, type DevIssuer } from '../../../gateway/security/dev-issuer';

const request = (host: string | undefined, remoteAddress = '127.0.0.1') =>
  ({ headers: host === undefined ? {} : { host }, socket: { remoteAddress } }) as unknown as IncomingMessage;

describe('the development token on the explorer page', () => {
  let dir: string;
  let issuer: DevIssuer;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-dev-token-'));
    issuer = await loadDevIssuer(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('goes to a browser on this machine that calls the gateway by a loopback name', async () => {
    const headers = devTokenHeaders(issuer, { production: false });
    for (const host of ['localhost:4000', '127.0.0.1:4000', '[::1]:4000', 'LOCALHOST']) {
      expect((await headers(request(host))).authorization).toMatch(/^Bearer ey/);
    }
    expect((await headers(request('localhost:4000', '::1'))).authorization).toMatch(/^Bearer /);
  });

  it('never goes to a page reached under another name (DNS rebinding), from another machine, or in production', async () => {
    const headers = devTokenHeaders(issuer, { production: false });
    expect(await headers(request('evil.example:4000'))).toEqual({});
    expect(await headers(request('localhost.evil.example'))).toEqual({});
    expect(await headers(request(undefined))).toEqual({});
    expect(await headers(request('localhost:4000', '192.168.1.20'))).toEqual({});
    expect(await devTokenHeaders(issuer, { production: true })(request('localhost:4000'))).toEqual({});
  });

  it('knows the loopback names', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.nip.io')).toBe(false);
  });
});
