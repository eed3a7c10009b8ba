import { rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  if (process.env.PLANTGRAPH_TEST_ISSUER_DIR) rmSync(process.env.PLANTGRAPH_TEST_ISSUER_DIR, { recursive: true, force: true });
  const pg = globalThis.__plantgraphTestPostgres;
  if (!pg) return;
  await pg.stop();
  const dataDir = process.env.TEST_EMBEDDED_DATA_DIR;
  if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
}
