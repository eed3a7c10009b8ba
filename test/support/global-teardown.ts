import { rmSync } from 'node:fs';
import path from 'node:path';

export default async function globalTeardown(): Promise<void> {
  const pg = globalThis.__plantgraphTestPostgres;
  if (!pg) return;
  await pg.stop();
  const dataDir = process.env.TEST_EMBEDDED_DATA_DIR;
  if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
}
