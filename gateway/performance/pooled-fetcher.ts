import type { Fetcher, FetcherHeaders, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';

export interface PooledFetcherOptions {
  /**
   * Sockets kept open per subgraph origin; more requests wait for a free one.
   * @default 64
   */
  connectionsPerOrigin?: number;
  /**
   * How long an idle socket stays open; below the subgraphs' own keep-alive timeout (65 s).
   * @default 30000
   */
  keepAliveTimeoutMs?: number;
}

export interface PooledFetcher {
  readonly fetcher: Fetcher;
  /** Closes every socket once the requests in flight are answered. */
  close(): Promise<void>;
}

/** Response headers as undici hands them over, readable the way the Fetcher interface asks. */
class ResponseHeaders implements FetcherHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  append(): void {
    throw new Error('response headers are read-only');
  }
  set(): void {
    throw new Error('response headers are read-only');
  }
  delete(): void {
    throw new Error('response headers are read-only');
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) yield [name, this.get(name)!];
  }
  *keys(): IterableIterator<string> {
    yield* Object.keys(this.raw);
  }
  *values(): IterableIterator<string> {
    for (const name of Object.keys(this.raw)) yield this.get(name)!;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A response whose body is already read into one buffer: reading it again (a merged request's
 * second reader, `clone()`) costs no I/O, and JSON is decoded from the buffer in one pass.
 */
export class BufferedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = false;
  readonly ok: boolean;
  readonly headers: FetcherHeaders;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly body: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ResponseHeaders(rawHeaders);
  }

  async text(): Promise<string> {
    return this.body.toString('utf8');
  }
  async json(): Promise<any> {
    return JSON.parse(this.body.toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.body.buffer.slice(this.body.byteOffset, this.body.byteOffset + this.body.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.statusText, this.rawHeaders, this.body);
  }
}

/**
 * A response whose body is already decoded (a member's share of a batched answer): its one reader
 * takes the value without a second JSON pass. `clone()` serialises it once and gives each clone
 * its own copy to decode, so readers of a merged request never share objects (the gateway merges
 * entity answers into the objects it is given).
 */
export class ParsedResponse implements FetcherResponse {
  readonly redirected = false;
  readonly bodyUsed = false;
  readonly ok: boolean;
  readonly headers: FetcherHeaders;
  private serialised?: Buffer;

  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
    private readonly rawHeaders: IncomingHttpHeaders,
    private readonly value: unknown,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new ResponseHeaders(rawHeaders);
  }

  private bytes(): Buffer {
    this.serialised ??= Buffer.from(JSON.stringify(this.value), 'utf8');
    return this.serialised;
  }
  async text(): Promise<string> {
    return this.bytes().toString('utf8');
  }
  async json(): Promise<any> {
    return this.value;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const body = this.bytes();
    return body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer;
  }
  clone(): FetcherResponse {
    return new BufferedResponse(this.url, this.status, this.statusText, this.rawHeaders, this.bytes());
  }
}

/**
 * A subgraph HTTP client on a keep-alive pool (undici's request API, without the WHATWG fetch
 * layer). Network failures are raised as `fetch` raises them (`TypeError('fetch failed')` with
 * the cause), so timeouts, retries and breakers classify them the same way.
 */
export function createPooledFetcher(options: PooledFetcherOptions = {}): PooledFetcher {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    pipelining: 1,
  });

  const fetcher: Fetcher = async (url: string, init: FetcherRequestInit = {}) => {
    const target = new URL(url);
    let response;
    try {
      response = await agent.request({
        origin: target.origin,
        path: target.pathname + target.search,
        method: (init.method ?? 'GET') as 'GET',
        headers: init.headers,
        body: init.body ?? null,
        signal: init.signal ?? null,
      });
    } catch (err) {
      throw asFetchError(err);
    }
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of response.body) chunks.push(chunk as Buffer);
    } catch (err) {
      throw asFetchError(err);
    }
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    return new BufferedResponse(url, response.statusCode, response.statusText ?? '', response.headers, body);
  };

  return {
    fetcher,
    close: () => agent.close(),
  };
}

function asFetchError(err: unknown): unknown {
  const name = (err as { name?: string })?.name;
  // An abort carries the timeout: the caller recognises it by name, as with fetch.
  if (name === 'AbortError' || name === 'TimeoutError') return err;
  return new TypeError('fetch failed', { cause: err });
}
