import { parse, print } from 'graphql';

/** A document partners may run, and the scopes (any one of them) a partner needs to run it. */
export interface TrustedDocument {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly query: string;
}

/** The documents registered for partners. */
export const PARTNER_DOCUMENTS: readonly TrustedDocument[] = [
  {
    name: 'MyOpenPurchaseOrders',
    scopes: ['partner:supplier'],
    query: `query MyOpenPurchaseOrders {
  myPurchaseOrders(status: [OPEN, PARTIALLY_RECEIVED]) {
    number status
    lines {
      material { id description baseUnitOfMeasure }
      orderedQuantity receivedQuantity promisedDate
      receivedLots { id
        qualityStatus
        inspections { inspectionType usageDecision measurements { characteristic measuredValue conforming } } }
    }
  }
}`,
  },
  {
    name: 'ConfirmPurchaseOrderLine',
    scopes: ['partner:supplier'],
    query: `mutation ConfirmPurchaseOrderLine($poNumber: ID!, $materialId: ID!, $promisedDate: Date!) {
  confirmPurchaseOrderLine(poNumber: $poNumber, materialId: $materialId, promisedDate: $promisedDate) {
    number status
    lines { lineNumber material { id } promisedDate }
  }
}`,
  },
];

/** Canonical text of a document: comments and layout do not make a document a different one. */
export function canonicalDocument(query: string): string {
  return print(parse(query));
}
