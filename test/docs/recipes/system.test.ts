import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeSubgraphs, type SubgraphSource } from '../../../cli/compose';
import { ANONYMOUS } from '../../../platform/caller';
import { dbQueryCount } from '../../../platform/metrics';
import { AUTHORITY, SYSTEM_NAMES, type AuthorityRules } from '../../../platform/systems';
import { createTestDatabase, type TestDatabase } from '../../support/databases';
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
    let database: TestDatabase<GaugesDatabase>;
    let apollo: ApolloServer;
    beforeAll(async () => {
      database = await createTestDatabase(gaugesSystem, { seed: true });
      apollo = new ApolloServer({ schema: await gaugesSystem.buildSchema(), plugins: [ApolloServerPluginInlineTraceDisabled()] });
      await apollo.start();
    });
    afterAll(async () => {
      await apollo?.stop();
      await database?.drop();
    });

    async function execute(query: string, variables?: Record<string, unknown>) {
      const response = await apollo.executeOperation(
        { query, variables },
        { contextValue: gaugesSystem.createContext(database.database.db, ANONYMOUS) },
      );
      if (response.body.kind !== 'single') throw new Error('expected a single result');
      return response.body.singleResult as { data?: any; errors?: unknown[] };
    }

    it('serves the added field from its column', async () => {
      const result = await execute('{ gauge(id: "G0002") { id name calibrationIntervalDays } missing: gauge(id: "G9999") { id } }');
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ gauge: { id: 'G0002', name: 'Gauge 2', calibrationIntervalDays: 180 }, missing: null });
    });

    it('answers 200 representations with one SQL statement, in the order asked', async () => {
      const ids = Array.from({ length: 200 }, (_, i) => `G${String(200 - i).padStart(4, '0')}`);
      const before = await dbQueryCount(gaugesSystem.name);
      const result = await execute(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Gauge { id calibrationIntervalDays } } }',
        {
          r: ids.map((id) => ({ __typename: 'Gauge', id })),
        },
      );
      expect(result.errors).toBeUndefined();
      expect(result.data._entities.map((g: { id: string }) => g.id)).toEqual(ids);
      expect((await dbQueryCount(gaugesSystem.name)) - before).toBe(1);
    });
  });
});
