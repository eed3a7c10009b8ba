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

/** Closes an HTTP server: stops accepting, lets requests in flight finish, then drops idle sockets. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
