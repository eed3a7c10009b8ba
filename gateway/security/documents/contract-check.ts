import { GraphQLError, Kind, parse, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { ManifestOperation } from './manifest';

/**
 * Why the partner contract cannot serve `operation`, or undefined when it can: the body must be
 * one operation, of the manifest's name and type, valid against the contract's schema.
 */
export function contractRefusal(contract: GraphQLSchema, operation: ManifestOperation, maxTokens = 15_000): string | undefined {
  let document: DocumentNode;
  try {
    document = parse(operation.body, { maxTokens });
  } catch (err) {
    return `${operation.name}: not a GraphQL document: ${(err as GraphQLError).message}`;
  }
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return `${operation.name}: expected one operation in the body, found ${operations.length}`;
  const [only] = operations as [OperationDefinitionNode];
  if (only.name?.value !== operation.name)
    return `${operation.name}: the body's operation is named ${only.name ? `"${only.name.value}"` : 'nothing'}, the manifest says "${operation.name}"`;
  if (only.operation !== operation.type) return `${operation.name}: the body is a ${only.operation}, the manifest says ${operation.type}`;
  const errors = validate(contract, document);
  if (errors.length > 0) {
    const shown = errors.slice(0, 3).map((e) => e.message);
    return `${operation.name}: the partner contract cannot serve it: ${shown.join('; ')}${errors.length > 3 ? ` (and ${errors.length - 3} more)` : ''}`;
  }
  return undefined;
}
