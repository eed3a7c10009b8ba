import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** `::ffff:10.0.0.1` and `10.0.0.1` are one client. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Parses `TRUSTED_PROXIES`: addresses and CIDR ranges ("10.0.0.0/8, 192.168.1.7, fd00::/8");
 * returns the problem when an entry is neither.
 */
export function parseTrustedProxies(raw: string | undefined): { ok: true; proxies: readonly string[] } | { ok: false; message: string } {
  const proxies = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of proxies) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const maxBits = family === 6 ? 128 : 32;
    const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
    if (!family || !validBits || extra !== undefined) {
      return {
        ok: false,
        message: `TRUSTED_PROXIES must list IP addresses or CIDR ranges separated by commas, got "${entry.slice(0, 60)}"`,
      };
    }
  }
  return { ok: true, proxies };
}

/**
 * The address a request comes from: the socket's peer, unless that peer is a trusted proxy; then
 * the nearest address in `X-Forwarded-For` that is not itself a trusted proxy. Entries a client
 * wrote to the left of the proxies' own are never believed.
 */
export function clientAddressOf(trustedProxies: readonly string[]): (req: IncomingMessage) => string {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(address, type);
    else trusted.addSubnet(address, Number(bits), type);
  }
  const isTrusted = (address: string) => {
    const family = isIP(address);
    return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
  return (req) => {
    let address = plain(req.socket.remoteAddress ?? 'unknown');
    if (!trustedProxies.length || !isTrusted(address)) return address;
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((s) => plain(s.trim()))
      .filter(Boolean);
    // Right to left: each trusted hop vouches for the one before it.
    while (hops.length) {
      const hop = hops.pop()!;
      if (!isIP(hop)) break;
      address = hop;
      if (!isTrusted(hop)) break;
    }
    return address;
  };
}
