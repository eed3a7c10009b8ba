import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * Refuses `__schema` and `__type` when introspection is off (`INTROSPECTION=off`); `__typename`
 * stays, as clients add it to every selection. The gateway sets Apollo Server's own switch on,
 * so that this rule alone decides, in every mode, with a message an operator can act on.
 */
export function introspectionRules(enabled: boolean): ValidationRule[] {
  if (enabled) return [];
  const rule: ValidationRule = (context) => ({
    Field(node) {
      const name = node.name.value;
      if (name !== '__schema' && name !== '__type') return;
      context.reportError(
        new GraphQLError(
          `introspection is turned off on this gateway (INTROSPECTION=off), and the query asks for "${name}"; expected a query without __schema or __type`,
          {
            nodes: node,
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ),
      );
    },
  });
  return [rule];
}
