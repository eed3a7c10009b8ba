import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { getOperationAST, Kind, parse, print, type DocumentNode, type GraphQLError, type OperationDefinitionNode } from 'graphql';
import type { Caller } from '../../../platform/caller';
import { setBounded } from '../../../platform/bounded-map';
import { persistedQueryHashOf } from '../../apollo-internals';
import { isPartnerCaller } from '../caller';
import { gatewayError } from '../errors';
import type { RequestDocument } from '../request-document';
import { canonicalDocument, documentId, type TrustedDocument } from '../trusted-documents';

export interface PersistedDocumentsOptions {
  /** The documents partners may run (at first: the registry replaces them through the gate's `update`). */
  documents: readonly TrustedDocument[];
  /**
   * Lexical tokens the gate parses of a partner's document before giving up on it.
   * @default 15_000
   */
  maxTokens?: number;
}

/** What a partner sent: the text, or only the SHA-256 of a registered document. */
export type PartnerRequest = Pick<RequestDocument, 'query' | 'sha256Hash' | 'operationName'>;

/** The trusted-document check for partners, run before any other analysis of what they send. */
export interface PartnerDocumentGate {
  /** The error that refuses the request (403), or undefined when it may go on; never throws. */
  refusal(caller: Caller | undefined, request: PartnerRequest): GraphQLError | undefined;
  /** Replaces the trusted documents (after a publish or revoke). */
  update(documents: readonly TrustedDocument[]): void;
  /** The text of the trusted document with this SHA-256, if any. */
  textOf(sha256Hash: string): string | undefined;
}

function isIntrospectionOnly(operation: OperationDefinitionNode | null | undefined): boolean {
  return (
    !!operation &&
    operation.operation === 'query' &&
    operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'))
  );
}

/**
 * Partners run only trusted documents registered for their scopes, introspection of their own
 * contract aside. Each text is looked at once: a partner's system sends the same few again and
 * again, and a document that is none of them is refused after at most `maxTokens` tokens.
 * `update` swaps the documents (a publish or revoke in the registry) and forgets what it knew.
 */
export function partnerDocumentGate(options: PersistedDocumentsOptions): PartnerDocumentGate {
  const maxTokens = options.maxTokens ?? 15_000;
  type Known = { trusted: TrustedDocument | null; document: DocumentNode | null };
  let byText = new Map<string, TrustedDocument>();
  let byHash = new Map<string, TrustedDocument>();
  let bySource = new Map<string, Known>();
  let names = 'none';
  const update = (documents: readonly TrustedDocument[]) => {
    const texts = new Map<string, TrustedDocument>();
    for (const d of documents) {
      try {
        texts.set(canonicalDocument(d.query), d);
      } catch {
        // Published documents were parsed at publish time; one that no longer parses is simply not served.
      }
    }
    byText = texts;
    byHash = new Map(documents.map((d) => [documentId(d.query), d] as const));
    bySource = new Map();
    names = documents.map((d) => d.name).join(', ') || 'none';
  };
  update(options.documents);
  const read = (source: string) => {
    let known = bySource.get(source);
    if (known === undefined) {
      let document: DocumentNode | null = null;
      try {
        document = parse(source, { maxTokens });
      } catch {
        // Not a document within the limits, so not a trusted one: the refusal says so.
      }
      known = { trusted: document ? (byText.get(print(document)) ?? null) : null, document };
      // Only trusted texts are worth keeping whole; anything else is cheap to refuse again.
      if (known.trusted) setBounded(bySource, source, known, 1_000);
    }
    return known;
  };
  return {
    update,
    textOf: (sha256Hash) => byHash.get(sha256Hash)?.query,
    refusal(caller, request) {
      if (!caller || !isPartnerCaller(caller)) return undefined;
      let trusted: TrustedDocument | null = null;
      if (typeof request.query === 'string') {
        const known = read(request.query);
        trusted = known.trusted;
        if (!trusted && known.document && isIntrospectionOnly(getOperationAST(known.document, request.operationName ?? undefined)))
          return undefined;
      } else if (typeof request.sha256Hash === 'string') {
        trusted = byHash.get(request.sha256Hash) ?? null;
      }
      if (!trusted) {
        return gatewayError(
          'TRUSTED_DOCUMENT_REQUIRED',
          403,
          `partners may run only the documents registered for them (${names}); this document is not one of them`,
        );
      }
      if (!trusted.scopes.some((s) => caller.scopes.includes(s))) {
        return gatewayError('FORBIDDEN', 403, `the document ${trusted.name} needs scope ${trusted.scopes.join(' or ')}`);
      }
      return undefined;
    },
  };
}

/**
 * The cache behind automatic persisted queries: the trusted documents are known by their hash
 * from the start (a partner may send only `extensions.persistedQuery.sha256Hash`, the SHA-256 of
 * a document's text as published); every other query a client registers goes to `registered`.
 */
export function trustedDocumentCache(gate: Pick<PartnerDocumentGate, 'textOf'>, registered: KeyValueCache<string>): KeyValueCache<string> {
  // Apollo Server prefixes the keys it uses; the hash is what a trusted document is known by.
  const hashOf = persistedQueryHashOf;
  return {
    async get(key) {
      return gate.textOf(hashOf(key)) ?? registered.get(key);
    },
    async set(key, value, options) {
      if (gate.textOf(hashOf(key)) !== undefined) return;
      await registered.set(key, value, options);
    },
    async delete(key) {
      await registered.delete(key);
    },
  };
}
