import { composeGraph } from '../../../cli/compose';
import type { FetchNode, QueryPlan } from '../../../gateway/apollo-internals';
import { createOperationPlanner, summarize, type OperationPlanner } from '../../../gateway/explorer/plan';
import { erpSystem } from '../../../subgraphs/erp/server';
import { inventorySystem } from '../../../subgraphs/inventory/server';

describe('operation planner', () => {
  let planner: OperationPlanner;
  beforeAll(async () => {
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    planner = createOperationPlanner(files['supergraph.graphql']!);
  });

  it('orders the systems as the gateway would call them: ERP first, then inventory for a field that requires ERP data', () => {
    const result = planner.plan('{ materialSites(siteId: "S01") { nodes { bookQuantity abcClass countVarianceQuantity } } }');
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
    const { plan } = result;
    expect(plan.systems).toEqual(['erp', 'inventory']);
    expect(plan.fetches.map((f) => [f.system, f.stage])).toEqual([
      ['erp', 1],
      ['inventory', 2],
    ]);
    const [root, entities] = plan.fetches;
    expect(root!.path).toBe('');
    expect(root!.entityTypes).toEqual([]);
    expect(entities!.path).toBe('materialSites.nodes.@');
    expect(entities!.entityTypes).toEqual(['MaterialSite']);
    expect(entities!.operation).toContain('countVarianceQuantity');
    expect(plan.text).toContain('Fetch(service: "inventory")');
  });

  it('starts from inventory when inventory owns the root field, and goes to ERP for the material', () => {
    const result = planner.plan(
      'query Worklist($siteId: ID!) { countTasks(siteId: $siteId) { nodes { id binCode materialSite { material { description } } } } }',
      'Worklist',
    );
    expect(result.ok && result.plan.systems).toEqual(['inventory', 'erp']);
  });

  it('plans one system alone when it answers everything', () => {
    const result = planner.plan('{ material(id: "M000001") { description } }');
    expect(result.ok && result.plan.fetches.map((f) => f.system)).toEqual(['erp']);
  });

  it('plans the named operation of a document with several', () => {
    const document = 'query A { material(id: "M000001") { description } } query B { countPolicies(siteId: "S01") { abcClass } }';
    const a = planner.plan(document, 'A');
    const b = planner.plan(document, 'B');
    expect(a.ok && a.plan.systems).toEqual(['erp']);
    expect(b.ok && b.plan.systems).toEqual(['inventory']);
  });

  it('refuses, before validating or planning, what POST /graphql would refuse', () => {
    let chain = 'query { material(id: "M000001") { ...F120 } } fragment F0 on Material { id }';
    for (let i = 1; i <= 120; i++) chain += ` fragment F${i} on Material { ...F${i - 1} }`;
    const aliases = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: material(id: "M${i}") { id }`).join(' ')} }`;
    const tokens = `{ __typename ${'@skip(if: false) '.repeat(4000)}}`;
    let nested = 'id';
    for (let i = 0; i < 3_000; i++) nested = `material(id: "M1") { ${nested} }`;
    const refusals = [chain, aliases, tokens, `{ ${nested} }`].map((query) => {
      const result = planner.plan(query);
      return result.ok ? 'planned' : `${result.errors[0]!.extensions.code} ${result.errors[0]!.extensions.limit ?? ''}`.trim();
    });
    expect(refusals).toEqual(['OPERATION_TOO_COMPLEX fragments', 'OPERATION_TOO_COMPLEX aliases', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    let deep = 'id';
    for (let i = 0; i < 3_000; i++) deep = `material(id: "M1") { ${deep} }`;
    const tooDeep = planner.plan(`{ ${deep} }`);
    expect(!tooDeep.ok && tooDeep.errors[0]!.message).toMatch(/nests selections too deeply/);
    // The HTTP status belongs to the endpoint, not to the error's body.
    const refused = planner.plan(aliases);
    expect(!refused.ok && refused.errors[0]!.extensions).toEqual({ code: 'OPERATION_TOO_COMPLEX', limit: 'aliases', value: 31, max: 30 });
  });

  it('keeps the plans of recent documents and forgets the least recently used first', async () => {
    const { files } = await composeGraph([erpSystem, inventorySystem]);
    const small = createOperationPlanner(files['supergraph.graphql']!, { cacheSize: 2 });
    const a = '{ material(id: "M000001") { description } }';
    const b = '{ countPolicies(siteId: "S01") { abcClass } }';
    const c = '{ materialSites(siteId: "S01") { nodes { bookQuantity } } }';
    const first = small.plan(a);
    expect(small.plan(a)).toBe(first);
    const bFirst = small.plan(b);
    small.plan(a); // a is now the most recent, b the least
    small.plan(c); // evicts b
    expect(small.plan(a)).toBe(first);
    const again = small.plan(b);
    expect(again).not.toBe(bFirst);
    expect(again).toEqual(bFirst);
    expect(small.plan(a, 'Other')).not.toBe(first);
  });

  it('rejects a field the graph does not have, naming it, as a validation error', () => {
    const result = planner.plan('{ material(id: "M000001") { colour } }');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors[0]!.message).toContain('colour');
    expect(result.errors[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects a document that does not parse, and an unknown operation name, as bad input', () => {
    const syntax = planner.plan('{ material(id: ');
    expect(!syntax.ok && syntax.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    const unknown = planner.plan('query A { material(id: "M000001") { description } }', 'Nope');
    expect(!unknown.ok && unknown.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(!unknown.ok && unknown.errors[0]!.message).toContain('Nope');
  });

  it('puts fetches in stages: a sequence advances, a parallel block, a condition and deferred parts follow their own branches', () => {
    const fetch = (serviceName: string): FetchNode => ({
      kind: 'Fetch',
      serviceName,
      operation: `{ ${serviceName} }`,
      operationName: undefined,
      operationKind: 'query' as FetchNode['operationKind'],
    });
    const plan: QueryPlan = {
      kind: 'QueryPlan',
      node: {
        kind: 'Sequence',
        nodes: [
          fetch('a'),
          {
            kind: 'Parallel',
            nodes: [
              { kind: 'Flatten', path: ['x', '@'], node: fetch('b') },
              { kind: 'Sequence', nodes: [fetch('c'), fetch('d')] },
            ],
          },
          { kind: 'Condition', condition: 'v', ifClause: fetch('e'), elseClause: fetch('f') },
          { kind: 'Defer', primary: { node: fetch('g') }, deferred: [{ depends: [], queryPath: [], node: fetch('h') }] },
        ],
      },
    };
    const summary = summarize(plan);
    expect(summary.fetches.map((f) => `${f.stage}${f.system}${f.path ? `@${f.path}` : ''}`)).toEqual([
      '1a',
      '2b@x.@',
      '2c',
      '3d',
      '4e',
      '4f',
      '5g',
      '6h',
    ]);
    expect(summary.systems).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(summarize({ kind: 'QueryPlan' }).fetches).toEqual([]);
  });
});
