import type { IncomingMessage } from 'node:http';
import { clientAddressOf, parseTrustedProxies } from '../../../gateway/security/client-address';
import { loadSecurityConfig } from '../../../gateway/security/config';

const request = (remoteAddress: string, forwardedFor?: string) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('client address', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const of = clientAddressOf([]);
    expect(of(request('203.0.113.7', '10.1.1.1'))).toBe('203.0.113.7');
    expect(of(request('::ffff:127.0.0.1'))).toBe('127.0.0.1');
  });

  it('is the nearest untrusted hop of X-Forwarded-For behind trusted proxies; a forged left part is never believed', () => {
    const of = clientAddressOf(['10.0.0.0/8', '192.168.1.7']);
    expect(of(request('192.168.1.7', '198.51.100.4'))).toBe('198.51.100.4');
    expect(of(request('10.0.0.2', '1.2.3.4, 198.51.100.4, 10.0.0.9'))).toBe('198.51.100.4');
    expect(of(request('10.0.0.2'))).toBe('10.0.0.2');
    expect(of(request('10.0.0.2', 'garbage'))).toBe('10.0.0.2');
    // A peer that is not a trusted proxy speaks for itself.
    expect(of(request('203.0.113.7', '198.51.100.4'))).toBe('203.0.113.7');
  });

  it('reads TRUSTED_PROXIES, naming a bad entry', () => {
    expect(parseTrustedProxies('10.0.0.0/8, fd00::/8 ,192.168.1.7')).toEqual({
      ok: true,
      proxies: ['10.0.0.0/8', 'fd00::/8', '192.168.1.7'],
    });
    expect(loadSecurityConfig({ TRUSTED_PROXIES: '10.0.0.1' }).trustedProxies).toEqual(['10.0.0.1']);
    expect(() => loadSecurityConfig({ TRUSTED_PROXIES: '10.0.0.1, proxy.local' })).toThrow(
      /TRUSTED_PROXIES must list IP addresses or CIDR ranges separated by commas, got "proxy.local"/,
    );
    expect(() => loadSecurityConfig({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/got "10.0.0.0\/33"/);
  });
});
