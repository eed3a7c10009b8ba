import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, operationFromDocument, Supergraph, type Operation } from '@apollo/federation-internals';
import { parse, type GraphQLError } from 'graphql';
import { apolloComputeResponse, computeResponse, installResultShaping, resultShapingMode } from '../../../gateway/apollo-internals';
import * as gatewayShaping from '@apollo/gateway/dist/resultShaping';
import { loadQuestions } from '../../../questions';
import { answerFor, seededRandom } from '../../../bench/answers';

/**
 * The planned shaper must give what `@apollo/gateway`'s gives, to the byte: the same data in the
 * same key order, the same errors (message, path, code) and the same exceptions. Both are run
 * on answers generated from the operation (seeded, so a failure repeats), valid ones and answers
 * with nulls where the schema says non-null, values of the wrong type, unknown `__typename`s,
 * missing fields and extra ones.
 */

function outcome(shape: typeof computeResponse, operation: Operation, variables: Record<string, unknown>, input: Record<string, unknown>) {
  try {
    const { data, errors } = shape({
      operation,
      variables,
      input: structuredClone(input),
      introspectionHandling: (selection) => ({ introspected: selection.element.responseName() }),
    });
    return {
      data: JSON.stringify(data),
      errors: errors.map((e: GraphQLError) => ({ message: e.message, path: e.path, code: e.extensions.code })),
    };
  } catch (err) {
    return { threw: (err as Error).message };
  }
}

function compare(
  operation: Operation,
  variables: Record<string, unknown>,
  cases: number,
  seed: number,
  corruption: number,
): { differences: number; withErrors: number; threw: number } {
  let differences = 0;
  let withErrors = 0;
  let threw = 0;
  for (let i = 0; i < cases; i++) {
    const input = answerFor(operation, { random: seededRandom(seed + i), corruption });
    const ours = outcome(computeResponse, operation, variables, input);
    const theirs = outcome(apolloComputeResponse, operation, variables, input);
    expect(ours).toEqual(theirs);
    if (JSON.stringify(ours) !== JSON.stringify(theirs)) differences += 1;
    if ('errors' in theirs && theirs.errors!.length > 0) withErrors += 1;
    if ('threw' in theirs) threw += 1;
  }
  return { differences, withErrors, threw };
}

const SDL = `
  scalar DateTime
  enum Status { OPEN CLOSED }
  interface Node { id: ID! }
  type Lot implements Node { id: ID! quantity: Float! status: Status consumed: [Lot!]! parent: Lot }
  type Site implements Node { id: ID! name: String! active: Boolean lots(first: Int): [Lot] grid: [[Int!]]! }
  union Thing = Lot | Site
  type Query {
    node(id: ID!): Node
    things: [Thing!]!
    site(id: ID!): Site!
    sites: [Site!]
    at: DateTime
    count: Int!
  }
`;

describe('planned result shaping', () => {
  const schema = buildSchema(SDL);
  const op = (query: string) => operationFromDocument(schema, parse(query), { validate: false });

  const operations: [string, string, Record<string, unknown>][] = [
    [
      'fields, aliases and nesting',
      '{ site(id: "S1") { id label: name active lots { id quantity status parent { id } consumed { id } } grid } count at }',
      {},
    ],
    [
      'interfaces and unions with inline and named fragments',
      '{ node(id: "x") { id __typename ... on Lot { quantity status } ...S } things { __typename kind: __typename ... on Site { name } ... on Node { id } ... on Lot { consumed { id } } } } fragment S on Site { name lots { id } }',
      {},
    ],
    [
      '@skip and @include with variables and defaults',
      'query ($a: Boolean!, $b: Boolean = false) { sites { id name @skip(if: $a) active @include(if: $b) lots @include(if: true) { id quantity @skip(if: $b) } } count @skip(if: false) }',
      { a: true },
    ],
    [
      'the same field selected twice, merged',
      '{ site(id: "S1") { id lots { id } ... on Site { lots { quantity } name } } site2: site(id: "S2") { name } }',
      {},
    ],
    ['introspection beside data', '{ __typename __schema { queryType { name } } count }', {}],
  ];

  it.each(operations)('gives what Apollo gives: %s', (_name, query, variables) => {
    const operation = op(query);
    const valid = compare(operation, variables, 150, 1, 0);
    const broken = compare(operation, variables, 300, 10_000, 0.12);
    expect(valid.differences + broken.differences).toBe(0);
    // The broken answers did exercise the error paths of both.
    expect(broken.withErrors + broken.threw).toBeGreaterThan(30);
  });

  it('gives what Apollo gives on the ten questions over the real supergraph', () => {
    const supergraph = Supergraph.build(readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8'));
    const api = supergraph.apiSchema();
    let errors = 0;
    for (const question of loadQuestions()) {
      const operation = operationFromDocument(api, parse(question.document), { validate: false });
      const valid = compare(operation, { ...question.variables }, 40, 100, 0);
      const broken = compare(operation, { ...question.variables }, 60, 200, 0.05);
      expect(valid.differences + broken.differences).toBe(0);
      errors += broken.withErrors + broken.threw;
    }
    expect(errors).toBeGreaterThan(50);
  });

  it('leaves operations selecting a name Object.prototype has to Apollo, with the same result', () => {
    const operation = op('{ site(id: "S1") { constructor: name toString: id } }');
    const input = { site: { constructor: 'Plant 1', toString: 'S1' } };
    expect(outcome(computeResponse, operation, {}, input)).toEqual(outcome(apolloComputeResponse, operation, {}, input));
    expect(JSON.parse(outcome(computeResponse, operation, {}, input).data!)).toEqual({ site: { constructor: 'Plant 1', toString: 'S1' } });
  });

  it('nulls bubble to the nearest nullable parent, with one error naming the field', () => {
    const operation = op('{ sites { id name } count }');
    const { data, errors } = computeResponse({
      operation,
      input: {
        sites: [
          { id: 'S1', name: 'A' },
          { id: 'S2', name: null },
        ],
        count: 3,
      },
      introspectionHandling: () => null,
    });
    expect(JSON.stringify(data)).toBe('{"sites":null,"count":3}');
    expect(errors.map((e) => [e.message, e.path])).toEqual([
      ['Cannot return null for non-nullable field Site.name.', ['sites', 1, 'name']],
    ]);
  });

  it('is what @apollo/gateway calls once installed, and can be switched back', () => {
    const before = resultShapingMode();
    try {
      installResultShaping('planned');
      expect(gatewayShaping.computeResponse).toBe(computeResponse);
      installResultShaping('apollo');
      expect(gatewayShaping.computeResponse).toBe(apolloComputeResponse);
      expect(resultShapingMode()).toBe('apollo');
    } finally {
      installResultShaping(before);
    }
  });
});
