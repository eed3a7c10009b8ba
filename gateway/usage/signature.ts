import { createHash } from 'node:crypto';
import type { DocumentNode } from 'graphql';
import { usageReportingSignature } from '@apollo/utils.usagereporting';

/**
 * The SHA-256 of an operation's usage signature (Apollo's normalization: literals, aliases and
 * unused definitions removed, whitespace reduced, fields sorted), so that documents differing
 * only in literals or layout count as one operation.
 */
export function documentHash(document: DocumentNode, operationName: string): string {
  return createHash('sha256').update(usageReportingSignature(document, operationName)).digest('hex');
}
