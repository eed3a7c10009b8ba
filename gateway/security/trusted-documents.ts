import { createHash } from 'node:crypto';
import { parse, print } from 'graphql';
import seededManifest from '../../questions/partner-manifest.json';

/** A document partners may run, and the scopes (any one of them) a partner needs to run it. */
export interface TrustedDocument {
  readonly name: string;
  readonly scopes: readonly string[];
  readonly query: string;
}

/** The id of a document in a persisted-query manifest: the SHA-256 of its body, in hex. */
export function documentId(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The scope the seeded manifest is published for. */
export const SEEDED_DOCUMENT_SCOPE = 'partner:supplier';

/** The manifest published into an empty gateway database (`questions/partner-manifest.json`). */
export const SEEDED_MANIFEST: unknown = seededManifest;

/** The seeded manifest's documents, as a new gateway database first holds them. */
export const PARTNER_DOCUMENTS: readonly TrustedDocument[] = seededManifest.operations.map((o) => ({
  name: o.name,
  scopes: [SEEDED_DOCUMENT_SCOPE],
  query: o.body,
}));

/** Canonical text of a document: comments and layout do not make a document a different one. */
export function canonicalDocument(query: string): string {
  return print(parse(query));
}
