import type { IncomingMessage } from 'node:http';
import { requestBodyOf } from '../../platform/http';

/** What a request carries: the document's text (or only the SHA-256 of a persisted one), its operation name and variables. */
export interface RequestDocument {
  query?: string;
  sha256Hash?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

function fromObject(value: unknown): RequestDocument {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const { query, operationName, extensions, variables } = value as Record<string, unknown>;
  const persisted = extensions && typeof extensions === 'object' ? (extensions as Record<string, unknown>).persistedQuery : undefined;
  const hash = persisted && typeof persisted === 'object' ? (persisted as Record<string, unknown>).sha256Hash : undefined;
  return {
    query: typeof query === 'string' ? query : undefined,
    sha256Hash: typeof hash === 'string' ? hash : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
    variables: variables && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : undefined,
  };
}

/**
 * The document a request carries, read before the GraphQL pipeline parses it: the JSON body of a
 * POST (already read, and checked to be JSON, by the HTTP handler) or the query string of a GET.
 */
export function requestDocumentOf(req: IncomingMessage): RequestDocument {
  if (req.method === 'GET') {
    const params = new URL(req.url ?? '/', 'http://gateway').searchParams;
    const json = (name: string): unknown => {
      try {
        return JSON.parse(params.get(name) ?? 'null');
      } catch {
        // Apollo Server answers a malformed parameter itself.
        return undefined;
      }
    };
    return fromObject({
      query: params.get('query') ?? undefined,
      operationName: params.get('operationName') ?? undefined,
      extensions: json('extensions'),
      variables: json('variables'),
    });
  }
  const raw = requestBodyOf(req);
  if (!raw) return {};
  try {
    return fromObject(JSON.parse(raw.toString('utf8')));
  } catch {
    return {};
  }
}
