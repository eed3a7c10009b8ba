import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { Kind } from 'graphql';
import { callerOf, isPartnerCaller } from '../security/caller';
import { gatewayError } from '../security/errors';
import { canonicalDocument, type TrustedDocument } from '../security/trusted-documents';
import { setBounded } from '../../platform/bounded-map';

export interface PersistedDocumentsOptions {
  /** The documents partners may run. */
  documents: readonly TrustedDocument[];
}

/**
 * Partners run only trusted documents registered for their scopes (introspection of their own
 * contract aside); anything else gets HTTP 403 `TRUSTED_DOCUMENT_REQUIRED`. Users are not limited.
 */
export function persistedDocumentsPlugin(options: PersistedDocumentsOptions): ApolloServerPlugin {
  const byText = new Map(options.documents.map((d) => [canonicalDocument(d.query), d] as const));
  // A partner's system sends the same few texts again and again: each is parsed and printed once.
  const bySource = new Map<string, TrustedDocument | null>();
  const trustedFor = (source: string): TrustedDocument | null => {
    let trusted = bySource.get(source);
    if (trusted === undefined) {
      trusted = byText.get(canonicalDocument(source)) ?? null;
      setBounded(bySource, source, trusted, 1_000);
    }
    return trusted;
  };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, source, operation }) {
          const caller = callerOf(contextValue);
          if (!caller || !isPartnerCaller(caller) || !operation) return;
          const introspection = operation.operation === 'query' && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
          if (introspection) return;
          // The text as sent, not the document: authorization may already have cut fields from that.
          const trusted = trustedFor(source!);
          if (!trusted) {
            throw gatewayError('TRUSTED_DOCUMENT_REQUIRED', 403, `partners may run only the documents registered for them (${options.documents.map((d) => d.name).join(', ') || 'none'}); this document is not one of them`);
          }
          if (!trusted.scopes.some((s) => caller.scopes.includes(s))) {
            throw gatewayError('FORBIDDEN', 403, `the document ${trusted.name} needs scope ${trusted.scopes.join(' or ')}`);
          }
        },
      };
    },
  };
}

/**
 * The cache behind automatic persisted queries, preloaded with the trusted documents: a partner
 * may send only `extensions.persistedQuery.sha256Hash` (the SHA-256 of a document's text as
 * registered). Other documents registered by clients are kept in a bounded map.
 */
export function trustedDocumentCache(documents: readonly TrustedDocument[], capacity = 1_000): KeyValueCache<string> {
  const trusted = new Map(documents.map((d) => [createHash('sha256').update(d.query).digest('hex'), d.query] as const));
  const registered = new Map<string, string>();
  // Apollo Server prefixes the keys it uses ("apq:<hash>"); the hash is what matters.
  const hashOf = (key: string) => key.replace(/^apq:/, '');
  return {
    async get(key) {
      const hash = hashOf(key);
      return trusted.get(hash) ?? registered.get(hash);
    },
    async set(key, value) {
      const hash = hashOf(key);
      if (trusted.has(hash)) return;
      setBounded(registered, hash, value, capacity);
    },
    async delete(key) {
      registered.delete(hashOf(key));
    },
  };
}
