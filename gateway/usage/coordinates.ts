import { separateOperations, TypeInfo, visit, visitWithTypeInfo, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * The schema coordinates an operation selects: `Type.field` for each field (on the type it is
 * selected on), `Type.field(arg:)` for each argument the operation passes. Introspection and
 * `__typename` are left out.
 */
export function selectedCoordinates(schema: GraphQLSchema, document: DocumentNode, operationName: string): readonly string[] {
  const operationDocument = separateOperations(document)[operationName] ?? document;
  const typeInfo = new TypeInfo(schema);
  const found = new Set<string>();
  visit(
    operationDocument,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        if (parent && !node.name.value.startsWith('__') && typeInfo.getFieldDef()) found.add(`${parent.name}.${node.name.value}`);
      },
      Argument(node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (parent && field && !typeInfo.getDirective() && typeInfo.getArgument())
          found.add(`${parent.name}.${field.name}(${node.name.value}:)`);
      },
    }),
  );
  return [...found].sort();
}
