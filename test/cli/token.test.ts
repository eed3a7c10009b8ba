import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { token } from '../../cli/token';

describe('plantgraph token: a development token for a role of the plant', () => {
  let dir: string;
  beforeAll(() => void (dir = mkdtempSync(path.join(os.tmpdir(), 'plantgraph-token-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = () => ({ DATA_DIR: dir }) as NodeJS.ProcessEnv;

  it('mints a token carrying the roles asked for', async () => {
    const jwt = await token(['--role', 'planner,counter'], env());
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims.roles).toEqual(['planner', 'counter']);
  });

  it("refuses a relay's role, which only that relay's service identity holds", async () => {
    await expect(token(['--role', 'inventory-relay'], env())).rejects.toThrow(/"inventory-relay" is a relay's role/);
  });

  it('refuses a role no rule names, listing the roles there are', async () => {
    await expect(token(['--role', 'planer'], env())).rejects.toThrow(
      /no rule names the role "planer"; expected one of admin, viewer, planner/,
    );
  });
});
