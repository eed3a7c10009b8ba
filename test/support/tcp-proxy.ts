import { connect, createServer, type Server, type Socket } from 'node:net';

/** forward: relay to the target; hang: accept and never answer; refuse: nothing listens on the port. */
export type ProxyMode = 'forward' | 'hang' | 'refuse';

export interface TcpProxy {
  readonly port: number;
  /** The proxied URL for a path of the target (`/graphql`). */
  url(path: string): string;
  /** Holds each request for `ms` before relaying it (a slow system); 0 relays at once. */
  setDelay(ms: number): void;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Switches mode; open connections are cut so that keep-alive sockets see the change too. */
  setMode(mode: ProxyMode): Promise<void>;
  close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 in front of a local port, whose behaviour a test switches at will. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  let delayMs = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const onConnection = (client: Socket) => {
    connections += 1;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (mode === 'hang') {
      client.resume(); // read and drop: the peer sees an accepted connection that never answers
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.pipe(client);
    client.on('data', (chunk: Buffer) => {
      if (delayMs === 0) upstream.write(chunk);
      else setTimeout(() => upstream.writable && upstream.write(chunk), delayMs);
    });
  };

  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer(onConnection);
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const shut = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server) return resolve();
      const closing = server;
      server = undefined;
      closing.close(() => resolve());
    });

  await open();
  return {
    get port() {
      return port;
    },
    get connections() {
      return connections;
    },
    url: (path) => `http://127.0.0.1:${port}${path}`,
    setDelay(ms) {
      delayMs = ms;
    },
    async setMode(next) {
      for (const socket of sockets) socket.destroy();
      if (next === 'refuse' && server) await shut();
      if (next !== 'refuse' && !server) await open();
      mode = next;
    },
    close: shut,
  };
}
