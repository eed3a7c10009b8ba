import { readFileSync } from 'node:fs';
import path from 'node:path';
import { subgraphLinks } from '../../../subgraphs/kit/schema';
import { composeSubgraphs, CompositionError, type SubgraphSource } from '../../../cli/compose';

function subgraph(name: string, body: string, imports = ['@key']): SubgraphSource {
  return { name, url: `http://127.0.0.1:1/${name}`, sdl: subgraphLinks(imports, body) + body };
}

const material = (mutation: string) =>
  subgraph(
    'erp',
    `type Material @key(fields: "id") { id: ID! standardCost: Float @authorized(roles: ["finance"], scopes: ["finance:read"]) }
   type Query { material(id: ID!): Material }
   type Mutation { ${mutation} }`,
  );

function failure(subgraphs: SubgraphSource[]): string {
  try {
    composeSubgraphs(subgraphs);
  } catch (err) {
    expect(err).toBeInstanceOf(CompositionError);
    return (err as Error).message;
  }
  throw new Error('expected the composition to fail');
}

describe('write authorization at compose time', () => {
  it('refuses a mutation that declares nobody, naming it and its system', () => {
    expect(failure([material('releaseWorkOrder(id: ID!): Material')])).toBe(
      "authorization check failed:\n  - Mutation.releaseWorkOrder (erp) declares no @authorized rule: say who may run it, e.g. @Permit({ roles: ['planner'] })",
    );
  });

  it('refuses a rule naming a role platform/roles.ts does not define', () => {
    expect(failure([material('releaseWorkOrder(id: ID!): Material @authorized(roles: ["planer"])')])).toMatch(
      /Mutation\.releaseWorkOrder names the role "planer", which platform\/roles\.ts does not define/,
    );
  });

  it('says who may run a mutation and read a protected field in its description, before the source, and in the matrix', () => {
    const { files } = composeSubgraphs([material('releaseWorkOrder(id: ID!): Material @authorized(roles: ["planner"])')]);
    expect(files['supergraph.graphql']).toContain(
      'Who may run it: role planner (the admin role passes every rule).\n\n  Authoritative source: ERP (system of record)',
    );
    expect(files['supergraph.graphql']).toContain('Who may read it: role finance, or scope finance:read');
    expect(JSON.parse(files['authority.json']!).fields['Mutation.releaseWorkOrder'].authorized).toEqual([
      { roles: ['planner'], scopes: [] },
    ]);
    const row = files['ROLES.md']!.split('\n').find((line) => line.startsWith('| `Mutation.releaseWorkOrder`'))!;
    const header = files['ROLES.md']!.split('\n')
      .find((line) => line.startsWith('| field |'))!
      .split('|')
      .map((c) => c.trim());
    const cells = row.split('|').map((c) => c.trim());
    const ticked = header.filter((_, i) => cells[i] === '✓');
    expect(ticked).toEqual(['`admin`', '`planner`']);
  });

  it('the committed matrix lists every mutation of the plant with at least one role besides admin', () => {
    const roles = readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'ROLES.md'), 'utf8');
    const rows = roles.split('\n').filter((line) => line.startsWith('| `Mutation.'));
    expect(rows.length).toBeGreaterThanOrEqual(27);
    for (const row of rows) expect(row.split('✓').length - 1).toBeGreaterThanOrEqual(2);
  });
});

describe('fields derived from protected fields', () => {
  const erp = material('releaseWorkOrder(id: ID!): Material @authorized(roles: ["planner"])');
  const inventory = (directive: string) =>
    subgraph(
      'inventory',
      `type Material @key(fields: "id") { id: ID! standardCost: Float @external stockValue: Float @requires(fields: "standardCost") ${directive} }`,
      ['@key', '@external', '@requires'],
    );

  it('refuses a field computed from a protected field (@requires) that is open to more callers', () => {
    for (const directive of ['', '@authorized(roles: ["finance", "planner"])']) {
      expect(failure([erp, inventory(directive)])).toMatch(
        /Material\.stockValue \(inventory\) is computed from Material\.standardCost, which needs role finance, or scope finance:read: protect it at least as strictly/,
      );
    }
  });

  it('accepts one protected like its source, or more strictly', () => {
    for (const directive of ['@authorized(roles: ["finance"], scopes: ["finance:read"])', '@authorized(roles: ["finance"])']) {
      expect(() => composeSubgraphs([erp, inventory(directive)])).not.toThrow();
    }
  });
});
