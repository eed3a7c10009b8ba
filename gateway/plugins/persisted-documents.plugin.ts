import type { ApolloServerPlugin } from '@apollo/server';
import { callerOf } from '../security/caller';
import { partnerDocumentGate, type PartnerDocumentGate, type PersistedDocumentsOptions } from '../security/documents/partner-gate';

export type { PersistedDocumentsOptions } from '../security/documents/partner-gate';

/**
 * Holds partners to their trusted documents inside the request pipeline too (for requests that
 * reach it without passing the gate at the front door); anything else gets HTTP 403
 * `TRUSTED_DOCUMENT_REQUIRED`. Users are not limited.
 */
export function persistedDocumentsPlugin(options: PersistedDocumentsOptions & { gate?: PartnerDocumentGate }): ApolloServerPlugin {
  const gate = options.gate ?? partnerDocumentGate(options);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, source, request }) {
          // The text as sent, not the document: authorization may already have cut fields from that.
          const refusal = gate.refusal(callerOf(contextValue), { query: source, operationName: request.operationName });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
