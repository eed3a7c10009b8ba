import { getOperationAST, parse, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import { gatewayError } from './errors';
import { checkOperationLimits, DEFAULT_LIMITS, type OperationLimits } from './operation-limits';
import type { RequestDocument } from './request-document';

export interface DocumentLimitsOptions {
  limits?: OperationLimits;
  /**
   * Lexical tokens read of a document before it is refused (the parser's own limit).
   * @default 15_000
   */
  maxTokens?: number;
}

/** The operation limits, applied to a request's text before the GraphQL pipeline validates it. */
export interface DocumentLimits {
  /** The error that refuses the request (400 `OPERATION_TOO_COMPLEX`), or undefined; never throws. */
  refusal(schema: GraphQLSchema | undefined, request: RequestDocument): GraphQLError | undefined;
}

function tooDeepToRead(maxDepth: number): GraphQLError {
  return gatewayError(
    'OPERATION_TOO_COMPLEX',
    400,
    `the document nests selections too deeply to be read; at most ${maxDepth} levels are allowed`,
    { limit: 'depth', max: maxDepth },
  );
}

/**
 * graphql-js validation is not linear in every document (1,300 fields sharing one response name
 * take it over a second to compare), and Apollo Server validates before any plugin may refuse.
 * So the limits run first, on the text as it arrives: a document that does not parse, or names
 * no single operation, is left for Apollo Server to answer as it always does.
 */
export function documentLimits(options: DocumentLimitsOptions = {}): DocumentLimits {
  const maxTokens = options.maxTokens ?? 15_000;
  return {
    refusal(schema, request) {
      if (!schema || typeof request.query !== 'string') return undefined;
      let document: DocumentNode;
      try {
        document = parse(request.query, { maxTokens });
      } catch (err) {
        // graphql-js parses by recursion: a few thousand nested selections exhaust the stack first.
        if (err instanceof RangeError) return tooDeepToRead(options.limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth);
        return undefined;
      }
      const operation = getOperationAST(document, request.operationName);
      if (!operation) return undefined;
      const verdict = checkOperationLimits(schema, document, operation, request.variables ?? {}, options.limits);
      return verdict.ok ? undefined : verdict.error;
    },
  };
}
