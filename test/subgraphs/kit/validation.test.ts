import { graphql, GraphQLError } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { guardTextInputs, TEXT_LIMITS } from '../../../subgraphs/kit/validation';

// A schema shaped like the subgraphs' mutations: string and ID arguments, nested input lists.
const schema = guardTextInputs(
  makeExecutableSchema({
    typeDefs: `
      input Line { lotId: ID!, note: String, reasonCode: String }
      input Report { description: String!, lines: [Line!]! }
      type Query { hello(search: String): String }
      type Mutation {
        placeHold(lotId: ID!, reason: String!): String
        report(input: Report!): String
        count(n: Int): Int
      }`,
    resolvers: {
      Query: { hello: (_: unknown, args: { search?: string }) => `hi ${args.search ?? ''}` },
      Mutation: { placeHold: () => 'placed', report: () => 'reported', count: (_: unknown, args: { n: number }) => args.n },
    },
  }),
);

async function run(source: string, variables?: Record<string, unknown>) {
  const result = await graphql({ schema, source, variableValues: variables });
  const error = result.errors?.[0] as GraphQLError | undefined;
  return { data: result.data, message: error?.message, extensions: error?.extensions };
}

const HOLD = 'mutation ($lot: ID!, $r: String!) { placeHold(lotId: $lot, reason: $r) }';
const REPORT = 'mutation ($i: Report!) { report(input: $i) }';

describe('guardTextInputs: every string argument bounded, no control characters, never echoed', () => {
  it('lets text within its limits through, with tabs and new lines in free text', async () => {
    expect((await run(HOLD, { lot: 'L00000001', r: 'Cracks\n\tfound at station 3' })).data).toEqual({ placeHold: 'placed' });
    expect((await run(HOLD, { lot: 'L'.repeat(TEXT_LIMITS.id), r: 'x'.repeat(TEXT_LIMITS.text) })).data).toEqual({ placeHold: 'placed' });
  });

  it('refuses free text over its limit, naming the field and the length, without quoting it', async () => {
    const huge = 'A'.repeat(900_000);
    const refused = await run(HOLD, { lot: 'L00000001', r: huge });
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(refused.message).toBe(`reason: expected at most ${TEXT_LIMITS.text} characters, got 900000`);
    expect(refused.data).toEqual({ placeHold: null });
  });

  it('counts characters, not UTF-16 units', async () => {
    const emoji = '😀'.repeat(TEXT_LIMITS.text);
    expect((await run(HOLD, { lot: 'L1', r: emoji })).data).toEqual({ placeHold: 'placed' });
    expect((await run(HOLD, { lot: 'L1', r: `${emoji}😀` })).message).toMatch(/got 2001$/);
  });

  it('refuses an ID over its limit', async () => {
    const refused = await run(HOLD, { lot: 'L'.repeat(TEXT_LIMITS.id + 1), r: 'ok' });
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'lotId' });
  });

  it.each([
    ['a NUL byte in an ID', { lot: 'L0\u0000', r: 'ok' }, 'lotId', 'U+0000 at character 3'],
    ['a NUL byte in free text', { lot: 'L1', r: 'bad\u0000text' }, 'reason', 'U+0000 at character 4'],
    ['an escape character in free text', { lot: 'L1', r: 'bad\u001btext' }, 'reason', 'U+001B at character 4'],
    ['a new line in an ID', { lot: 'L1\nL2', r: 'ok' }, 'lotId', 'U+000A at character 3'],
  ])('refuses %s', async (_name, variables, field, where) => {
    const refused = await run(HOLD, variables);
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(refused.message).toBe(`${field}: expected text without control characters, got ${where}`);
  });

  it('refuses a lone surrogate, which PostgreSQL would store as U+FFFD, and keeps pairs', async () => {
    const refused = await run(HOLD, { lot: 'L1', r: 'ok \ud83d then' });
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(refused.message).toBe('reason: expected well-formed Unicode, got a lone surrogate U+D83D at UTF-16 position 4');
    expect((await run(HOLD, { lot: 'L1', r: 'trailing \ude00' })).message).toMatch(/lone surrogate U\+DE00 at UTF-16 position 10$/);
    expect((await run(HOLD, { lot: 'L1', r: 'ok \ud83d\ude00' })).data).toEqual({ placeHold: 'placed' });
  });

  it('checks strings inside input objects and lists, naming their path', async () => {
    const ok = { description: 'Leaks', lines: [{ lotId: 'L1', note: 'fine', reasonCode: 'R1' }] };
    expect((await run(REPORT, { i: ok })).data).toEqual({ report: 'reported' });
    const refused = await run(REPORT, {
      i: { ...ok, lines: [ok.lines[0], { lotId: 'L2', reasonCode: 'R'.repeat(TEXT_LIMITS.code + 1) }] },
    });
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lines[1].reasonCode' });
    const tooLongLine = await run(REPORT, { i: { ...ok, lines: [{ lotId: 'L2', note: 'n'.repeat(TEXT_LIMITS.line + 1) }] } });
    expect(tooLongLine.extensions).toMatchObject({ field: 'input.lines[0].note' });
  });

  it('checks literals as well as variables, and queries as well as mutations', async () => {
    const refused = await run(`{ hello(search: "${'s'.repeat(TEXT_LIMITS.name + 1)}") }`);
    expect(refused.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    expect((await run('{ hello(search: "pump") }')).data).toEqual({ hello: 'hi pump' });
  });

  it('leaves fields without string arguments alone', async () => {
    expect((await run('mutation { count(n: 3) }')).data).toEqual({ count: 3 });
  });
});
