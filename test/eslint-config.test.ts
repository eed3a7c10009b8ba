import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The layer rules of eslint.config.mjs, run by ESLint itself on sources given as if they sat at a
 * path of the tree: each import that crosses a layer is refused, and those that keep to the
 * layers pass.
 */

const ROOT = path.join(__dirname, '..');
const ESLINT = path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');

/** The messages of the import rules for `source` placed at `file`. */
function importFindings(file: string, source: string): string[] {
  const run = spawnSync(process.execPath, [ESLINT, '--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
  });
  if (!run.stdout) throw new Error(`eslint gave no report (exit ${run.status}): ${run.stderr}`);
  const [report] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return report!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const importing = (...specifiers: string[]) =>
  specifiers.map((s, i) => `import * as m${i} from '${s}';\nexport const e${i} = m${i};\n`).join('');

describe('the layer rules of npm run lint', () => {
  it('refuse a subgraph in the gateway, with the reconciliation subgraph allowed the kit schema builder only', () => {
    expect(importFindings('gateway/performance/probe.ts', importing('../../subgraphs/crm/server'))).toEqual([
      expect.stringContaining('the gateway must not import subgraphs/'),
    ]);
    expect(importFindings('gateway/authority/reconciliation/reconciliation.ts', importing('../../../subgraphs/kit/schema'))).toEqual([]);
    expect(importFindings('gateway/authority/reconciliation/reconciliation.ts', importing('../../../subgraphs/kit/errors'))).toEqual([
      expect.stringContaining("kit's schema builder only"),
    ]);
  }, 60_000);

  it('refuse another subgraph in a subgraph, and let it use the kit and platform', () => {
    expect(importFindings('subgraphs/inventory/count-task/probe.ts', importing('../../erp/server'))).toEqual([
      expect.stringContaining('subgraphs/inventory must not import another subgraph'),
    ]);
    expect(
      importFindings(
        'subgraphs/inventory/count-task/probe.ts',
        importing('../../kit/errors', '../../../platform/db/transact', '../loaders'),
      ),
    ).toEqual([]);
  }, 60_000);

  it("refuse Apollo's internals outside the fence, and the processes in platform", () => {
    const outside = importFindings(
      'gateway/explorer/probe.ts',
      importing('@apollo/federation-internals', '@apollo/query-planner', '@apollo/gateway/dist/resultShaping', '@apollo/gateway'),
    );
    expect(outside).toHaveLength(3);
    expect(
      importFindings('gateway/apollo-internals/probe.ts', importing('@apollo/federation-internals', '@apollo/gateway/dist/resultShaping')),
    ).toEqual([]);
    expect(importFindings('platform/probe.ts', importing('../gateway/server'))).toEqual([
      expect.stringContaining('platform/ must not import'),
    ]);
  }, 60_000);
});
