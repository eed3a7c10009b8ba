import type { Server } from 'node:http';

/** A start-up failure whose message is meant for the operator, printed without a stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** Listens on host:port; a port already taken becomes a StartupError that names it and its owner. */
export function listen(server: Server, port: number, host: string, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(new StartupError(`${what}: port ${port} on ${host} is already in use; set PORT to move it`));
      } else if (err.code === 'EACCES') {
        reject(new StartupError(`${what}: not allowed to listen on ${host}:${port}`));
      } else {
        reject(new StartupError(`${what}: cannot listen on ${host}:${port}: ${err.message}`));
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Closes an HTTP server gracefully: stops accepting, lets requests in flight finish (closing each
 * keep-alive connection as soon as it falls idle), and after `graceMs` cuts whatever is left.
 */
export function close(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    // Responses sent while draining tell the client not to reuse the connection.
    server.prependListener('request', (_req, res) => res.setHeader('connection', 'close'));
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
