import { createHash } from 'node:crypto';
import type { GraphQLRequestContext } from '@apollo/server';
import { Kind, print, type DocumentNode, type OperationDefinitionNode } from 'graphql';

/**
 * Makes the rest of the request run on `document` instead of the one the client sent: the plan,
 * the execution and the plan cache's key. Apollo Server declares `document`, `queryHash` and
 * `operation` read-only, but its gateway executor reads all three after `didResolveOperation`:
 * the document to plan, the hash as the key of its query-plan cache (a cut document must not be
 * served the full one's plan), the operation for its kind. Call it from `didResolveOperation`;
 * `text` is the document printed, when the caller has it already.
 * The canary test (test/gateway/apollo-internals/canaries.test.ts) fails when a field the
 * gateway reads moves or stops being read.
 */
export function replaceOperationDocument(
  requestContext: GraphQLRequestContext<any>,
  document: DocumentNode,
  text: string = print(document),
): void {
  const operationName = requestContext.operation?.name?.value ?? null;
  const context = requestContext as { document: DocumentNode; queryHash: string; operation: OperationDefinitionNode };
  context.document = document;
  context.queryHash = createHash('sha256').update(text).digest('hex');
  context.operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (d.name?.value ?? null) === operationName,
  )!;
}

/**
 * Replaces the validation errors Apollo Server is about to report, from the end hook of
 * `validationDidStart`. It reports the very array it hands that hook (its own suggestion-hiding
 * does the same edit), which no public API promises.
 */
export function replaceValidationErrors(errors: readonly Error[], replacement: Error): void {
  (errors as Error[]).splice(0, errors.length, replacement);
}
