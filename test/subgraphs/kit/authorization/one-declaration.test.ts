import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'graphql';
import { readAuthorizationRules } from '../../../../gateway/security/supergraph-rules';
import { implementedSystems } from '../../../../subgraphs/catalog';
import { readSchemaRules } from '../../../../subgraphs/kit/authorization';

/** The gateway enforces the supergraph's rules, each subgraph those of its own schema: they must be the same declarations. */
describe('one declaration, two enforcement points', () => {
  const supergraph = parse(readFileSync(path.join(__dirname, '..', '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
  const { fieldRules } = readAuthorizationRules(supergraph);

  it.each(implementedSystems().map((s) => [s.name, s] as const))(
    '%s checks every mutation with the rule the gateway enforces',
    async (_name, system) => {
      const schema = await system.buildSchema();
      const own = readSchemaRules(schema);
      const mutations = Object.keys(schema.getMutationType()?.getFields() ?? {});
      for (const name of mutations) {
        const coordinate = `Mutation.${name}`;
        expect({ coordinate, subgraph: own.get(coordinate) }).toEqual({ coordinate, subgraph: [fieldRules.get(coordinate)] });
      }
      for (const [coordinate, rules] of own) {
        if (!coordinate.startsWith('Mutation.'))
          expect({ coordinate, supergraph: fieldRules.get(coordinate) }).toEqual({ coordinate, supergraph: rules[rules.length - 1] });
      }
    },
  );
});
