import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeSubgraphs, type SubgraphSource } from '../../../cli/compose';
import { AUTHORITY, SYSTEM_NAMES, type AuthorityRules } from '../../../platform/systems';
import { startSubgraph, type SubgraphHarness } from '../../support/subgraph';
import type { GaugesDatabase } from './gauges/db';
import { gaugesSystem } from './gauges/server';

// CONTRIBUTING.md's recipes for a system, an entity and a field, followed once: the gauges
// system under ./gauges is built with the kit as they say. These tests fail when the kit or the
// compose checks change in a way the recipes no longer describe.

const ROOT = path.join(__dirname, '..', '..', '..');

/** The registry entry the "Add a system" recipe asks for, as rules the compose guards read. */
const RULES: AuthorityRules = { ...AUTHORITY, entityOwners: { ...AUTHORITY.entityOwners, Gauge: gaugesSystem.name } };

/** The six systems as composed in schema/, and the gauges subgraph beside them. */
async function subgraphs(): Promise<SubgraphSource[]> {
  const six = SYSTEM_NAMES.map((name) => ({
    name,
    url: `http://127.0.0.1:4000/${name}`,
    sdl: readFileSync(path.join(ROOT, 'schema', `${name}.graphql`), 'utf8'),
  }));
  return [
    ...six,
    { name: gaugesSystem.name, url: 'http://127.0.0.1:4100/graphql', sdl: printSubgraphSchema(await gaugesSystem.buildSchema()) },
  ];
}

describe('recipes: a system, an entity and a field added with the kit', () => {
  it('composes with the six systems, and the authority map names gauges as the owner of its fields', async () => {
    const graph = composeSubgraphs(await subgraphs(), { rules: RULES });
    const authority = JSON.parse(graph.files['authority.json']!) as { fields: Record<string, { system: string }> };
    expect(authority.fields['Gauge.calibrationIntervalDays']?.system).toBe('gauges');
    expect(authority.fields['Query.gauge']?.system).toBe('gauges');
    expect(graph.files['supergraph.graphql']).toContain('calibrationIntervalDays: Int!');
  });

  it("is refused by compose when it serves another system's field, as the recipe warns", async () => {
    const sources = await subgraphs();
    const gauges = sources.at(-1)!;
    // A copy of ERP's material description, served as the field itself.
    const copy = { ...gauges, sdl: `${gauges.sdl}\ntype Material @key(fields: "id") { id: ID! description: String! }\n` };
    expect(() => composeSubgraphs([...sources.slice(0, -1), copy], { rules: RULES })).toThrow(/Material\.description/);
  });

  describe('served from its own database', () => {
    let gauges: SubgraphHarness<GaugesDatabase>;
    beforeAll(async () => {
      gauges = await startSubgraph(gaugesSystem);
    });
    afterAll(() => gauges?.stop());
    const execute = (query: string, variables?: Record<string, unknown>) => gauges.execute(query, variables);

    it('serves the added field from its column', async () => {
      const result = await execute('{ gauge(id: "G0002") { id name calibrationIntervalDays } missing: gauge(id: "G9999") { id } }');
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ gauge: { id: 'G0002', name: 'Gauge 2', calibrationIntervalDays: 180 }, missing: null });
    });

    it('answers 200 representations with one SQL statement, in the order asked', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => `G${String(200 - i).padStart(4, '0')}`);
      const result = await execute(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Gauge { id calibrationIntervalDays } } }',
        {
          r: ids.map((id) => ({ __typename: 'Gauge', id })),
        },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data._entities.map((g: { id: string }) => g.id)).toEqual(ids);
      expect(result.statements).toBe(1);
    });
  });
});
