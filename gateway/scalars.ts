import type { GraphQLSchema } from 'graphql';
import { isScalarType } from 'graphql';
import { DateScalar, DateTimeScalar } from '../platform/scalars';

const ENFORCED = [DateScalar, DateTimeScalar];

/**
 * Gives the API schema's `Date` and `DateTime` the subgraphs' own input rules, so that a bad
 * value is refused at the gateway with a 400 naming the variable, before any plan is run;
 * the supergraph alone knows only their names.
 */
export function enforceScalars(schema: GraphQLSchema): void {
  for (const definition of ENFORCED) {
    const type = schema.getType(definition.name);
    if (!type || !isScalarType(type)) continue;
    type.parseValue = definition.parseValue;
    type.parseLiteral = definition.parseLiteral;
  }
}
