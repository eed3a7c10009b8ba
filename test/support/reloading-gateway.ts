import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Fetcher } from '@apollo/utils.fetcher';
import { createGatewayServer, type GatewayServer } from '../../gateway/server';
import { createLogger } from '../../platform/logger';
import { listenOnFreePort, type TestStack } from './stack';

/** A gateway serving a supergraph file of its own, which a test rewrites to see it reload. */
export interface ReloadingGateway {
  readonly gateway: GatewayServer;
  readonly url: string;
  /** Writes the file; resolves with the gateway's reload of what was written. */
  publish(supergraph: string): Promise<{ ok: boolean }>;
  /** Stops the gateway and removes its file. */
  stop(): Promise<void>;
}

/** Starts a gateway on `stack`'s subgraphs, serving `supergraph` from a file it watches. */
export async function startReloadingGateway(
  stack: TestStack,
  supergraph: string,
  options: { fetcher?: Fetcher } = {},
): Promise<ReloadingGateway> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-supergraph-'));
  const file = path.join(dir, 'supergraph.graphql');
  writeFileSync(file, supergraph);
  let waiting: ((result: { ok: boolean }) => void)[] = [];
  let gateway: GatewayServer;
  try {
    gateway = await createGatewayServer({
      supergraph: file,
      subgraphUrls: stack.subgraphUrls,
      ...(options.fetcher ? { fetcher: options.fetcher } : {}),
      logger: createLogger('test', { LOG_LEVEL: 'silent' }),
      onSupergraphReload: (result) => {
        const resolved = waiting;
        waiting = [];
        resolved.forEach((resolve) => resolve(result));
      },
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = await listenOnFreePort(gateway.httpServer);
  return {
    gateway,
    url,
    publish(next) {
      const reloaded = new Promise<{ ok: boolean }>((resolve) => waiting.push(resolve));
      writeFileSync(file, next);
      return reloaded;
    },
    async stop() {
      await gateway.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
