/** Date and DateTime: one definition for the subgraphs that serve them and the gateway that checks client input. */
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { preview } from './preview';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(value: string): boolean {
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE.test(value) || !isRealDate(value)) {
    throw new GraphQLError(`Date: expected a calendar date as "YYYY-MM-DD", got ${preview(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return value;
}

function parseDateTime(value: unknown): Date {
  const parsed = typeof value === 'string' ? new Date(value) : undefined;
  if (!parsed || Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value as string)) {
    throw new GraphQLError(`DateTime: expected an ISO 8601 date-time such as "2026-01-31T08:00:00Z", got ${preview(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return parsed;
}

/** A calendar date, "YYYY-MM-DD"; held as that string inside the code. */
export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, "YYYY-MM-DD" (ISO 8601)',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseDate(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** An instant, serialized as ISO 8601 in UTC. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 in UTC ("2026-01-31T08:00:00.000Z")',
  serialize: (value) => {
    const date = value instanceof Date ? value : parseDateTime(value);
    return date.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
