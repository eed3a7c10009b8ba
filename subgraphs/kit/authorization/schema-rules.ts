import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { ruleOfDirectives, type AuthorizationRule } from '../../../platform/authorization';

/** Every rule a field is under, keyed `Type.field`: its type's rule and its own (a caller must pass each). */
export type SchemaRules = ReadonlyMap<string, readonly AuthorizationRule[]>;

/** Reads the `@authorized` declarations of a subgraph's own schema, the same ones the supergraph keeps. */
export function readSchemaRules(schema: GraphQLSchema): SchemaRules {
  const rules = new Map<string, AuthorizationRule[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    const typeRule = ruleOfDirectives([type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives ?? []));
    for (const field of Object.values(type.getFields())) {
      const fieldRule = ruleOfDirectives(field.astNode?.directives);
      const applying = [typeRule, fieldRule].filter((r): r is AuthorizationRule => r !== undefined);
      if (applying.length && !field.name.startsWith('__')) rules.set(`${type.name}.${field.name}`, applying);
    }
  }
  return rules;
}
