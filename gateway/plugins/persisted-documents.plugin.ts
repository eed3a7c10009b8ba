import type { ApolloServerPlugin } from '@apollo/server';
import { callerOf } from '../security/caller';
import { partnerDocumentGate, type PartnerDocumentGate, type PersistedDocumentsOptions } from '../security/documents/partner-gate';

export type { PersistedDocumentsOptions } from '../security/documents/partner-gate';

/**
 * Marks the context of a live event's query: the gateway's own rewrite of a subscription that
 * passed this gate when it was opened (gateway/subscriptions/event-query.ts), so it is not judged
 * again as a document of its own. Only the gateway sets it: a request's context is built by the
 * gateway, and nothing a client sends becomes a symbol-keyed property of it.
 */
export const LIVE_EVENT_QUERY: unique symbol = Symbol('plantgraph.liveEventQuery');

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
          if ((contextValue as { [LIVE_EVENT_QUERY]?: boolean })[LIVE_EVENT_QUERY] === true) return;
          // The text as sent, not the document: authorization may already have cut fields from that.
          const refusal = gate.refusal(callerOf(contextValue), { query: source, operationName: request.operationName });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
