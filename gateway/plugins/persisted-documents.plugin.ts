import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import { callerOf, isPartnerCaller } from '../security/caller';
import { gatewayError } from '../security/errors';
import { canonicalDocument, type TrustedDocument } from '../security/trusted-documents';

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
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, source, operation }) {
          const caller = callerOf(contextValue);
          if (!caller || !isPartnerCaller(caller) || !operation) return;
          const introspection = operation.operation === 'query' && operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
          if (introspection) return;
          // The text as sent, not the document: authorization may already have cut fields from that.
          const trusted = byText.get(canonicalDocument(source!));
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
