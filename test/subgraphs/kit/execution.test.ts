import { parse } from 'graphql';
import { isCompiledQuery } from 'graphql-jit';
import { crmSystem } from '../../../subgraphs/crm/server';
import { CompiledQueries, compiledExecutor, INTERPRETED, nestsVariables } from '../../../subgraphs/kit/execution';

describe('kit execution: compiled queries, one compilation per query text', () => {
  const ask = (queries: CompiledQueries, source: string, operationName: string | null = null) =>
    queries.get(source, parse(source), operationName);

  it('compiles a text once and answers it again from the cache', async () => {
    const queries = new CompiledQueries(await crmSystem.buildSchema());
    const first = ask(queries, '{ _service { sdl } }');
    const again = ask(queries, '{ _service { sdl } }');
    expect(first !== INTERPRETED && isCompiledQuery(first)).toBe(true);
    expect(again).toBe(first);
    expect([queries.compilations, queries.size]).toEqual([1, 1]);
  });

  it('keeps another text, or another operation of one text, apart', async () => {
    const queries = new CompiledQueries(await crmSystem.buildSchema());
    const two = 'query A { _service { sdl } } query B { __typename }';
    const a = ask(queries, two, 'A');
    const b = ask(queries, two, 'B');
    const other = ask(queries, '{ __typename }');
    expect(new Set([a, b, other]).size).toBe(3);
    expect([queries.compilations, queries.size]).toEqual([3, 3]);
  });

  it('keeps at most maxEntries texts, dropping the least recently used', async () => {
    const queries = new CompiledQueries(await crmSystem.buildSchema(), 2);
    const texts = ['{ __typename }', '{ _service { sdl } }', 'query Named { __typename }'];
    ask(queries, texts[0]!);
    ask(queries, texts[1]!);
    ask(queries, texts[0]!); // now the most recently used
    ask(queries, texts[2]!); // drops texts[1]
    expect(queries.size).toBe(2);
    expect(queries.compilations).toBe(3);
    ask(queries, texts[0]!);
    expect(queries.compilations).toBe(3);
    ask(queries, texts[1]!);
    expect(queries.compilations).toBe(4);
  });

  it('runs the compiled query with the request variables and context', async () => {
    const schema = await crmSystem.buildSchema();
    const execute = compiledExecutor(new CompiledQueries(schema));
    const source = 'query Reps($representations: [_Any!]!) { _entities(representations: $representations) { __typename } }';
    const result = await execute({
      source,
      document: parse(source),
      operationName: null,
      context: {},
      request: { variables: { representations: [] } },
    } as never);
    expect(result).toEqual({ data: { _entities: [] } });
    const refused = await execute({
      source,
      document: parse(source),
      operationName: null,
      context: {},
      request: { variables: {} },
    } as never);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.message).toMatch(/\$representations/);
  });

  it('leaves a text with a variable inside a list or object literal to graphql-js, which passes the variable to the scalar', async () => {
    expect(
      nestsVariables(parse('query ($id: ID!) { _entities(representations: [{ __typename: "Customer", id: $id }]) { __typename } }')),
    ).toBe(true);
    expect(nestsVariables(parse('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }'))).toBe(false);
    expect(nestsVariables(parse('{ _entities(representations: [{ __typename: "Customer", id: "C1" }]) { __typename } }'))).toBe(false);
    const schema = await crmSystem.buildSchema();
    const queries = new CompiledQueries(schema);
    const source = 'query ($id: ID!) { _entities(representations: [{ __typename: "Nothing", id: $id }]) { __typename } }';
    expect(ask(queries, source)).toBe(INTERPRETED);
    expect(queries.compilations).toBe(0);
    // An unknown type is refused by @apollo/subgraph after it read the representation with its variable.
    const result = await compiledExecutor(queries)({
      source,
      document: parse(source),
      schema,
      operationName: null,
      context: {},
      request: { variables: { id: 'C1' } },
    } as never);
    expect(result.errors?.[0]?.message).toMatch(/Nothing/);
  });
});
