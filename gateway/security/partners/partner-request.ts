import type { IncomingMessage } from 'node:http';
import { requestBodyOf } from '../../../platform/http';
import type { PartnerRequest } from '../../plugins/persisted-documents.plugin';

function fromObject(value: unknown): PartnerRequest {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const { query, operationName, extensions } = value as Record<string, unknown>;
  const persisted = extensions && typeof extensions === 'object' ? (extensions as Record<string, unknown>).persistedQuery : undefined;
  const hash = persisted && typeof persisted === 'object' ? (persisted as Record<string, unknown>).sha256Hash : undefined;
  return {
    query: typeof query === 'string' ? query : undefined,
    sha256Hash: typeof hash === 'string' ? hash : undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  };
}

/**
 * The document a request carries, read before the GraphQL pipeline parses it: the JSON body of a
 * POST (already read, and checked to be JSON, by the HTTP handler) or the query string of a GET.
 */
export function partnerRequestOf(req: IncomingMessage): PartnerRequest {
  if (req.method === 'GET') {
    const params = new URL(req.url ?? '/', 'http://gateway').searchParams;
    let extensions: unknown;
    try {
      extensions = JSON.parse(params.get('extensions') ?? 'null');
    } catch {
      // Apollo Server answers a malformed extensions parameter itself.
    }
    return fromObject({ query: params.get('query') ?? undefined, operationName: params.get('operationName') ?? undefined, extensions });
  }
  const raw = requestBodyOf(req);
  if (!raw) return {};
  try {
    return fromObject(JSON.parse(raw.toString('utf8')));
  } catch {
    return {};
  }
}
