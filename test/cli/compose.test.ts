import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeGraph } from '../../cli/compose';
import { implementedSystems } from '../../subgraphs/catalog';

describe('schema/ is generated from the code', () => {
  it('matches what "npm run compose" writes now (run it after changing a subgraph)', async () => {
    const { files } = await composeGraph(implementedSystems());
    for (const [name, content] of Object.entries(files)) {
      const onDisk = readFileSync(path.join(__dirname, '..', '..', 'schema', name), 'utf8');
      expect({ file: name, content: onDisk }).toEqual({ file: name, content });
    }
  });
});
